import { connect, type NatsConnection } from '@nats-io/transport-node';
import { bybitTradeId, startBybitSim, startCoinbaseSim, startKrakenSim, startOkxSim, type SimTrade } from '@tickgate/exchange-sim';
import { canonicalDecimal, TickDecimal, type Trade } from '@tickgate/schema';
import { NatsServer, waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { readStream, spawnGateway, type GatewayProcess } from './harness.js';

interface VenueSimHandle {
  wsUrl: string;
  restUrl: string;
  market: { generate(symbol: string, n: number): SimTrade[]; trades(symbol: string): SimTrade[] };
  close(): Promise<void>;
}

interface VenueCase {
  venue: string;
  instrument: string;
  symbol: string;
  start: () => Promise<VenueSimHandle>;
  /** Wire trade id of a simulator trade. */
  idOf: (t: SimTrade) => string;
  /** The venue's trade times are milliseconds. */
  msTimes: boolean;
  /** One published trade may aggregate several fills of one taker order (OKX `trades`: `tradeId` is the last, `count` how many). */
  aggregates?: boolean;
  /** Path of the venue's WebSocket endpoint (the feed's `wsUrl` is the endpoint, as the venue publishes it). */
  wsPath: string;
}

const CASES: VenueCase[] = [
  { venue: 'coinbase', instrument: 'BTC-USD', symbol: 'BTC-USD', start: () => startCoinbaseSim({ seed: 3 }), idOf: (t) => String(t.id), msTimes: false, wsPath: '' },
  { venue: 'kraken', instrument: 'BTC-USD', symbol: 'BTC/USD', start: () => startKrakenSim({ seed: 3 }), idOf: (t) => String(t.id), msTimes: false, wsPath: '/v2' },
  { venue: 'okx', instrument: 'BTC-USDT', symbol: 'BTC-USDT', start: () => startOkxSim({ seed: 3 }), idOf: (t) => String(t.id), msTimes: true, wsPath: '/ws/v5/public', aggregates: true },
  { venue: 'bybit', instrument: 'BTC-USDT', symbol: 'BTCUSDT', start: () => startBybitSim({ seed: 3 }), idOf: (t) => bybitTradeId(t), msTimes: true, wsPath: '/v5/public/spot' },
];

describe.each(CASES)('gateway end to end on $venue', (c) => {
  let nats: NatsServer | undefined;
  let sim: VenueSimHandle | undefined;
  let gateway: GatewayProcess | undefined;
  let nc: NatsConnection | undefined;
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    await nc?.close();
    await sim?.close();
    await nats?.stop();
  });

  it('publishes the simulator trades exactly once, in order, with exact fields', async () => {
    nats = await NatsServer.start();
    sim = await c.start();
    gateway = await spawnGateway({
      nats: { servers: [nats.url] },
      feeds: [{ venue: c.venue, instruments: [c.instrument], wsUrl: `${sim.wsUrl}${c.wsPath}`, restUrl: sim.restUrl, reconcile: { priceCheckIntervalMs: 0 } }],
    });
    nc = await connect({ servers: nats.url });
    await gateway.waitForLog((l) => l['msg'] === 'feed live');
    for (let i = 0; i < 20; i++) {
      sim.market.generate(c.symbol, 10);
      await new Promise((r) => setTimeout(r, 5));
    }
    const subject = `md.trade.${c.venue}.${c.instrument}`;
    const history = sim.market.trades(c.symbol);
    const lastId = c.idOf(history[history.length - 1]!);
    const total = (trades: Array<{ quantity?: string; qty?: string }>) =>
      trades.reduce((sum, t) => sum.plus(t.quantity ?? t.qty ?? '0'), new TickDecimal(0)).toFixed();
    // Wait for the last trade; with aggregates there are fewer messages than fills.
    let published: Trade[] = [];
    await waitFor(
      async () => {
        published = (await readStream(nc!, 'MD', subject)).map((p) => p.event as Trade);
        return published.at(-1)?.id === lastId;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: `the stream to hold ${c.venue} trade ${lastId}` },
    );
    const byId = new Map(history.map((t) => [c.idOf(t), t]));
    expect(new Set(published.map((t) => t.id)).size).toBe(published.length); // no duplicates
    if (!c.aggregates) expect(published.map((t) => t.id)).toEqual(history.map(c.idOf));
    else expect(published.map((t) => Number(t.id))).toEqual([...published.map((t) => Number(t.id))].sort((a, b) => a - b));
    expect(total(published)).toBe(total(history)); // every fill's quantity, exactly once
    for (const got of published) {
      const want = byId.get(got.id)!;
      expect(want, `trade ${got.id} is one of the simulator's`).toBeDefined();
      expect({ venue: got.venue, instrument: got.instrument, price: got.price, side: got.side, source: got.source }).toEqual({
        venue: c.venue,
        instrument: c.instrument,
        price: canonicalDecimal(want.price),
        side: want.buyerIsMaker ? 'sell' : 'buy',
        source: 'ws',
      });
      if (!c.aggregates) expect(got.quantity).toBe(canonicalDecimal(want.qty));
      expect(got.tradeTime).toBe(c.msTimes ? Math.floor(want.timeUs / 1000) * 1000 : want.timeUs);
    }
  });
});
