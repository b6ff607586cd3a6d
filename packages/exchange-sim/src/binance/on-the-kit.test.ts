import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { startBinanceSim, type BinanceSim } from './binance-sim.js';
import { BinanceConnection } from './connection.js';

// What Binance needs of the kit's hooks: the REST screen, the weight limit and header, the shared fan-out.
const session = simSession<BinanceSim>();

describe('Binance on the venue kit', () => {
  it('answers an unknown path or method before REST faults and the weight budget', async () => {
    const s = session.keep(await startBinanceSim());
    s.faults.restErrors({ requests: 1 });
    const unknown = await fetch(`${s.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: -1000, msg: 'Unknown path /api/v3/klines' });
    expect(unknown.headers.get('x-mbx-used-weight-1m')).toBeNull();
    const post = await fetch(`${s.restUrl}/api/v3/ping`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.json()).toEqual({ code: -1000, msg: 'Method POST not allowed' });
    expect(s.rest.usedWeight()).toBe(0);
    // The forced error was not taken by those: the next known request gets it, with the weight header.
    const forced = await fetch(`${s.restUrl}/api/v3/ping`);
    expect(forced.status).toBe(503);
    expect(forced.headers.get('x-mbx-used-weight-1m')).toBe('0');
    expect(s.faults.counters.restErrors).toBe(1);
    expect((await fetch(`${s.restUrl}/api/v3/ping`)).headers.get('x-mbx-used-weight-1m')).toBe('1');
    expect(s.rest.used()).toBe(1);
  });

  it('sends each trade to every subscribed connection and a book ticker after each batch, aggregate ids from aggTradeIdStart', async () => {
    const s = session.keep(await startBinanceSim({ symbols: ['BTCUSDT', 'ETHUSDT'], tradeIdStart: 100, aggTradeIdStart: 7 }));
    const a = await session.open(`${s.wsUrl}/stream?streams=btcusdt@aggTrade/btcusdt@bookTicker`);
    const b = await session.open(`${s.wsUrl}/ws/btcusdt@trade/ethusdt@trade`);
    s.market.generate('BTCUSDT', 2);
    s.market.generate('ETHUSDT', 1);
    const framesA = (await a.json(3)) as { stream: string; data: Record<string, unknown> }[];
    expect(framesA.map((f) => f.stream)).toEqual(['btcusdt@aggTrade', 'btcusdt@aggTrade', 'btcusdt@bookTicker']);
    expect(framesA.slice(0, 2).map((f) => [f.data['a'], f.data['f']])).toEqual([[7, 100], [8, 101]]);
    expect(Object.keys(framesA[2]!.data)).toEqual(['u', 's', 'b', 'B', 'a', 'A']);
    const framesB = (await b.json(3)) as Record<string, unknown>[];
    expect(framesB.map((f) => `${String(f['s'])}:${String(f['t'])}`)).toEqual(['BTCUSDT:100', 'BTCUSDT:101', 'ETHUSDT:100']);
    expect([...s.live.values()].every((c) => c instanceof BinanceConnection)).toBe(true);
    const aggs = (await (await fetch(`${s.restUrl}/api/v3/aggTrades?symbol=BTCUSDT&fromId=8`)).json()) as { a: number; f: number }[];
    expect(aggs.map((x) => [x.a, x.f])).toEqual([[8, 101]]);
  });
});
