import { describeAdapterConformance, fromVenueSim, readFixtureLines, readFixtureText, readRejectionFixtures, readTradeFixtures } from '@tickgate/adapter-conformance';
import { startKrakenSim } from '@tickgate/exchange-sim/kraken';
import { BTC, INSTRUMENTS } from '../test/helpers.js';
import { kraken } from './index.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const docSamples = readFixtureLines(fixture('ws-doc-samples.ndjson'));
const line = (n: number) => docSamples[n - 1]!;

// Kraken pages REST trades by time, not by id: no `tradesFrom` (see README).
describeAdapterConformance({
  adapter: kraken,
  instruments: INSTRUMENTS,
  backfill: 'none',
  fixtures: {
    trades: readTradeFixtures(fixture('ws-generated-trades.json')),
    rejections: readRejectionFixtures(fixture('ws-generated-invalid.json')),
    controls: [
      { name: 'heartbeat', frame: line(3), expect: { type: 'heartbeat' } },
      { name: 'pong', frame: line(4), expect: { type: 'pong' } },
    ],
    frames: docSamples,
    rest: {
      trades: [{ name: 'Trades', body: readFixtureText(fixture('rest-trades-generated.json')), instrument: 'BTC-USD', expectIds: ['80000001', '80000002', '80000003'] }],
      instruments: [{ name: 'AssetPairs', body: readFixtureText(fixture('rest-assetpairs-generated.json')), symbols: ['BTC/USD', 'MATIC/USD'], expect: [{ instrument: 'BTC-USD' }] }],
      lastPrice: [{ name: 'Ticker', body: readFixtureText(fixture('rest-ticker-generated.json')), instrument: 'BTC-USD', expect: '97123.5' }],
      errors: [{ name: 'unknown pair', body: readFixtureText(fixture('rest-error-generated.json')) }],
    },
  },
  sim: async () => fromVenueSim(await startKrakenSim({ symbols: ['BTC/USD'] }), { instrument: BTC, wsPath: '/v2' }),
});
