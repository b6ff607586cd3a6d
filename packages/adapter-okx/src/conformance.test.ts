import { describeAdapterConformance, describeBookConformance, fromVenueSim, readFixtureLines, readFixtureText, readRejectionFixtures, readTradeFixtures } from '@tickgate/adapter-conformance';
import { startOkxSim } from '@tickgate/exchange-sim/okx';
import { BTC, INSTRUMENTS } from '../test/helpers.js';
import { okx } from './index.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const docSamples = readFixtureLines(fixture('ws-doc-samples.ndjson'));
const line = (n: number) => docSamples[n - 1]!;

describeAdapterConformance({
  adapter: okx,
  instruments: INSTRUMENTS,
  backfill: 'by-id',
  fixtures: {
    trades: readTradeFixtures(fixture('ws-generated-trades.json')),
    rejections: readRejectionFixtures(fixture('ws-generated-invalid.json')),
    controls: [
      { name: 'subscribe answer', frame: line(1), expect: { type: 'subscribed', requestId: '1512' } },
      { name: 'error answer', frame: line(2), expect: { type: 'error', code: '60012' } },
      { name: 'text pong', frame: line(4), expect: { type: 'pong' } },
    ],
    frames: [...docSamples, ...readFixtureLines(fixture('ws-recorded-trades.ndjson'))],
    rest: {
      trades: [
        { name: 'trades, newest first', body: readFixtureText(fixture('rest-trades-generated.json')), instrument: 'BTC-USDT', expectIds: ['900000002', '900000003', '900000004', '900000005'] },
        { name: 'history-trades doc sample', body: readFixtureText(fixture('rest-history-trades-doc.json')), instrument: 'BTC-USDT', fromId: '242720720', limit: 1, expectIds: ['242720720'] },
      ],
      instruments: [{ name: 'instruments', body: readFixtureText(fixture('rest-instruments-generated.json')), symbols: ['BTC-USDT', 'ETH-USDT'], expect: [{ instrument: 'BTC-USDT', tickSize: '0.1' }] }],
      lastPrice: [{ name: 'ticker', body: readFixtureText(fixture('rest-ticker-generated.json')), instrument: 'BTC-USDT', expect: '97123.4' }],
      errors: [{ name: 'error code', body: readFixtureText(fixture('rest-error-generated.json')) }],
    },
  },
  sim: async () => fromVenueSim(await startOkxSim({ symbols: ['BTC-USDT'], tradeIdStart: 900_000_000 }), { instrument: BTC, wsPath: '/ws/v5/public' }),
});

describeBookConformance({
  adapter: okx,
  info: BTC,
  snapshotDepth: 400,
  sim: async () => {
    const sim = await startOkxSim({ seed: 34, books: true, rate: 0, rest: { requestsPerWindow: 1000 }, ws: { booksSnapshot: false } });
    return {
      wsUrl: `${sim.wsUrl}/ws/v5/public`,
      restUrl: sim.restUrl,
      changeBook: (n) => void sim.market.changeBook('BTC-USDT', n),
      updateId: () => String(sim.market.orderBook('BTC-USDT').updateId),
      bookAt: (id) => sim.market.bookAt('BTC-USDT', Number(id)),
      skipDeltas: (n) => void sim.faults.skipBookDeltas(n),
      close: () => sim.close(),
    };
  },
});
