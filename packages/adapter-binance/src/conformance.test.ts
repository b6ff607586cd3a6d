import { describeAdapterConformance, describeBookConformance, fromVenueSim, readFixtureLines, readFixtureText, readRejectionFixtures, readTradeFixtures } from '@tickgate/adapter-conformance';
import { startBinanceSim } from '@tickgate/exchange-sim/binance';
import type { InstrumentInfo } from '@tickgate/core';
import { binance } from './index.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const docSamples = readFixtureLines(fixture('ws-doc-samples.ndjson'));
const line = (n: number) => docSamples[n - 1]!;

const INSTRUMENTS: InstrumentInfo[] = [
  { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
  { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
  { instrument: 'BNB-BTC', symbol: 'BNBBTC', base: 'BNB', quote: 'BTC' },
  { instrument: 'LTC-BTC', symbol: 'LTCBTC', base: 'LTC', quote: 'BTC' },
];
const BTC = INSTRUMENTS[0]!;

// The adapter object asks for microsecond times in its connect URL; frames of a millisecond connection
// are covered by parse.test.ts with the `timeUnit: 'ms'` parser.
const usOnly = (entry: Record<string, unknown>) => entry['timeUnit'] === undefined || entry['timeUnit'] === 'us';

describeAdapterConformance({
  adapter: binance,
  instruments: INSTRUMENTS,
  backfill: 'by-id',
  fixtures: {
    trades: readTradeFixtures(fixture('ws-generated-trades.json'), { filter: usOnly }),
    rejections: readRejectionFixtures(fixture('ws-generated-invalid.json'), { filter: usOnly }),
    controls: [
      { name: 'aggTrade (not published)', frame: line(2), expect: { type: 'ignored', what: 'aggTrade' } },
      { name: 'bookTicker', frame: line(3), expect: { type: 'ignored', what: 'bookTicker' } },
      { name: 'serverShutdown', frame: line(4), expect: { type: 'shutdown-notice' } },
      { name: 'serverShutdown, combined', frame: line(5), expect: { type: 'shutdown-notice' } },
      { name: 'SUBSCRIBE answer', frame: line(6), expect: { type: 'subscribed', requestId: 1 } },
      { name: 'error answer', frame: line(8), expect: { type: 'error', code: 2 } },
    ],
    frames: [...docSamples, ...readFixtureLines(fixture('ws-recorded-aggtrade-bookticker.ndjson'))],
    rest: {
      trades: [
        { name: 'trades doc sample (ms times)', body: readFixtureText(fixture('rest-trades-doc.json')), instrument: 'LTC-BTC', expectIds: ['28457'] },
        { name: 'historicalTrades, µs times', body: readFixtureText(fixture('rest-trades-us-generated.json')), instrument: 'BTC-USDT', fromId: '5000000001', expectIds: ['5000000001', '5000000002'] },
      ],
      instruments: [
        { name: 'exchangeInfo', body: readFixtureText(fixture('rest-exchangeinfo-generated.json')), symbols: ['BTCUSDT', 'LTCBTC'], expect: [{ instrument: 'BTC-USDT', tickSize: '0.01', stepSize: '0.00001' }] },
      ],
      lastPrice: [{ name: 'ticker/price doc sample', body: readFixtureText(fixture('rest-ticker-price-doc.json')), instrument: 'LTC-BTC', expect: '4.000002' }],
      errors: [{ name: 'error doc sample', body: readFixtureText(fixture('rest-error-doc.json')) }],
    },
  },
  sim: async () => fromVenueSim(await startBinanceSim({ symbols: ['BTCUSDT'], tradeIdStart: 5_000_000_000 }), { instrument: BTC }),
});

describeBookConformance({
  adapter: binance,
  info: BTC,
  sim: async () => {
    const sim = await startBinanceSim({ seed: 24, books: true, rate: 0 });
    return {
      wsUrl: sim.wsUrl,
      restUrl: sim.restUrl,
      changeBook: (n) => void sim.market.changeBook('BTCUSDT', n),
      updateId: () => String(sim.market.orderBook('BTCUSDT').updateId),
      bookAt: (id) => sim.market.bookAt('BTCUSDT', Number(id)),
      skipDeltas: (n) => void sim.faults.skipBookDeltas(n),
      close: () => sim.close(),
    };
  },
});
