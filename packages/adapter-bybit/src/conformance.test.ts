import { describeAdapterConformance, fromVenueSim, readFixtureLines, readFixtureText, readRejectionFixtures, readTradeFixtures } from '@tickgate/adapter-conformance';
import { bybitTradeId, startBybitSim } from '@tickgate/exchange-sim/bybit';
import { BTC, INSTRUMENTS } from '../test/helpers.js';
import { bybit } from './index.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const docSamples = readFixtureLines(fixture('ws-doc-samples.ndjson'));
const line = (n: number) => docSamples[n - 1]!;

// Bybit trade ids carry no order and REST returns only the latest trades: no `tradesFrom` (see README).
describeAdapterConformance({
  adapter: bybit,
  instruments: INSTRUMENTS,
  backfill: 'none',
  fixtures: {
    trades: readTradeFixtures(fixture('ws-generated-trades.json')),
    rejections: readRejectionFixtures(fixture('ws-generated-invalid.json')),
    controls: [{ name: 'pong', frame: line(2), expect: { type: 'pong' } }],
    frames: docSamples,
    rest: {
      trades: [{ name: 'recent-trade', body: readFixtureText(fixture('rest-recent-trades-generated.json')), instrument: 'BTC-USDT' }],
      instruments: [{ name: 'instruments-info', body: readFixtureText(fixture('rest-instruments-generated.json')), symbols: ['BTCUSDT', 'ETHUSDT'], expect: [{ instrument: 'BTC-USDT', tickSize: '0.01' }] }],
      lastPrice: [{ name: 'tickers', body: readFixtureText(fixture('rest-tickers-generated.json')), instrument: 'BTC-USDT', expect: '97123.4' }],
      errors: [{ name: 'retCode', body: readFixtureText(fixture('rest-error-generated.json')) }],
    },
  },
  sim: async () => fromVenueSim(await startBybitSim({ symbols: ['BTCUSDT'] }), { instrument: BTC, wsPath: '/v5/public/spot', tradeId: bybitTradeId }),
});
