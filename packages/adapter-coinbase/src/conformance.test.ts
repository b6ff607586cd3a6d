import { describeAdapterConformance, fromVenueSim, readFixtureLines, readFixtureText, readRejectionFixtures, readTradeFixtures } from '@tickgate/adapter-conformance';
import { startCoinbaseSim } from '@tickgate/exchange-sim/coinbase';
import { BTC, INSTRUMENTS } from '../test/helpers.js';
import { coinbase } from './index.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const docSamples = readFixtureLines(fixture('ws-doc-samples.ndjson'));
const line = (n: number) => docSamples[n - 1]!;

describeAdapterConformance({
  adapter: coinbase,
  instruments: INSTRUMENTS,
  backfill: 'by-id',
  fixtures: {
    trades: readTradeFixtures(fixture('ws-generated-trades.json')),
    rejections: readRejectionFixtures(fixture('ws-generated-invalid.json')),
    controls: [
      { name: 'heartbeat doc sample', frame: line(2), expect: { type: 'heartbeat', instrument: 'BTC-USD', lastTradeId: '20' } },
      { name: 'error doc sample', frame: line(3), expect: { type: 'error' } },
    ],
    frames: [...docSamples, ...readFixtureLines(fixture('ws-recorded-matches.ndjson'))],
    rest: {
      trades: [
        { name: 'trades doc sample', body: readFixtureText(fixture('rest-trades-doc.json')), instrument: 'BTC-USD', expectIds: ['74'] },
        { name: 'trades, newest first', body: readFixtureText(fixture('rest-trades-generated.json')), instrument: 'BTC-USD', expectIds: ['1002', '1003', '1004', '1005'] },
        { name: 'tradesFrom 1003', body: readFixtureText(fixture('rest-trades-generated.json')), instrument: 'BTC-USD', fromId: '1003', limit: 2, expectIds: ['1003', '1004'] },
      ],
      instruments: [{ name: 'products', body: readFixtureText(fixture('rest-products-generated.json')), symbols: ['BTC-USD', 'ETH-USD'], expect: [{ instrument: 'BTC-USD', tickSize: '0.01' }] }],
      lastPrice: [{ name: 'ticker', body: readFixtureText(fixture('rest-ticker-generated.json')), instrument: 'BTC-USD', expect: '97123.45' }],
    },
  },
  sim: async () => fromVenueSim(await startCoinbaseSim({ symbols: ['BTC-USD'], tradeIdStart: 1_000_000 }), { instrument: BTC }),
});
