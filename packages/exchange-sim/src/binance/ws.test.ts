import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import { startBinanceSim, type BinanceSim, type BinanceSimOptions } from './binance-sim.js';

const TRADE_KEYS = ['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M'];
const AGG_KEYS = ['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm', 'M'];

const session = simSession<BinanceSim>();

async function start(options: BinanceSimOptions = {}): Promise<BinanceSim> {
  return session.keep(await startBinanceSim(options));
}

async function open(path: string, options: { autoPong?: boolean } = {}): Promise<TestClient> {
  return session.open(`${session.sim.wsUrl}${path}`, options);
}

describe('Binance WebSocket streams', () => {
  it('serves a raw trade stream with the documented shape, consecutive ids and 8-decimal strings', async () => {
    const s = await start();
    const client = await open('/ws/btcusdt@trade');
    const before = Date.now();
    s.market.generate('BTCUSDT', 5);
    const frames = (await client.json(5)) as Record<string, unknown>[];
    expect(frames.map((f) => f['t'])).toEqual([1, 2, 3, 4, 5]);
    for (const f of frames) {
      expect(Object.keys(f)).toEqual(TRADE_KEYS);
      expect(f).toMatchObject({ e: 'trade', s: 'BTCUSDT', M: true });
      expect(f['p']).toMatch(/^\d+\.\d{8}$/);
      expect(f['q']).toMatch(/^\d+\.\d{8}$/);
      expect(typeof f['m']).toBe('boolean');
      expect(f['T']).toBeGreaterThanOrEqual(before - 1);
      expect(f['T']).toBeLessThanOrEqual(Date.now());
      expect(f['E']).toBeGreaterThanOrEqual(f['T'] as number);
    }
    expect(s.connections.count).toBe(1);
    expect(s.connections.list()[0]).toMatchObject({ streams: ['btcusdt@trade'], combined: false, timeUnit: 'MILLISECOND' });
  });

  it('serves combined streams wrapped as {"stream","data"}, with aggTrade and bookTicker', async () => {
    const s = await start({ symbols: ['BTCUSDT', 'ETHUSDT'] });
    const client = await open('/stream?streams=btcusdt@trade/ethusdt@aggTrade/btcusdt@bookTicker');
    s.market.generate('BTCUSDT', 1);
    s.market.generate('ETHUSDT', 1);
    const frames = (await client.json(3)) as { stream: string; data: Record<string, unknown> }[];
    expect(frames.map((f) => Object.keys(f))).toEqual([
      ['stream', 'data'],
      ['stream', 'data'],
      ['stream', 'data'],
    ]);
    expect(frames.map((f) => f.stream)).toEqual(['btcusdt@trade', 'btcusdt@bookTicker', 'ethusdt@aggTrade']);
    expect(Object.keys(frames[0]!.data)).toEqual(TRADE_KEYS);
    expect(Object.keys(frames[1]!.data)).toEqual(['u', 's', 'b', 'B', 'a', 'A']);
    expect(Object.keys(frames[2]!.data)).toEqual(AGG_KEYS);
    expect(frames[2]!.data).toMatchObject({ e: 'aggTrade', s: 'ETHUSDT', a: 1, f: 1, l: 1 });
  });

  it('supports live SUBSCRIBE, LIST_SUBSCRIPTIONS, UNSUBSCRIBE and errors on /ws', async () => {
    const s = await start({ ws: { maxMessagesPerSecond: 100 } });
    const client = await open('/ws');
    s.market.generate('BTCUSDT', 1); // nobody subscribed: not sent
    expect(await client.request({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 })).toEqual({ result: null, id: 1 });
    expect(await client.request({ method: 'LIST_SUBSCRIPTIONS', id: 3 })).toEqual({ result: ['btcusdt@trade'], id: 3 });
    s.market.generate('BTCUSDT', 1);
    await client.until(() => client.frames.length === 3);
    expect(JSON.parse(client.frames[2]!)).toMatchObject({ e: 'trade', t: 2 });
    expect(await client.request({ method: 'SUBSCRIBE', params: ['BTCUSDT@trade'], id: 4 })).toMatchObject({ code: 2, id: 4 });
    expect(await client.request('not json')).toMatchObject({ code: 3 });
    expect(await client.request({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 'x1' })).toEqual({ result: null, id: 'x1' });
    s.market.generate('BTCUSDT', 1);
    expect(await client.request({ method: 'LIST_SUBSCRIPTIONS', id: null })).toEqual({ result: [], id: null });
    expect(client.frames.length).toBe(7); // no frame for trade 3, made after UNSUBSCRIBE
    expect(client.frames.some((f) => f.includes('"t":3'))).toBe(false);
  });

  it('switches to the combined wrapper with SET_PROPERTY', async () => {
    const s = await start();
    const client = await open('/ws/btcusdt@trade');
    expect(await client.request({ method: 'SET_PROPERTY', params: ['combined', true], id: 1 })).toEqual({ result: null, id: 1 });
    s.market.generate('BTCUSDT', 1);
    const frames = (await client.json(2)) as { stream?: string }[];
    expect(frames[1]!.stream).toBe('btcusdt@trade');
  });

  it('disconnects a client that sends more than the allowed messages per second', async () => {
    await start({ ws: { maxMessagesPerSecond: 5, messageWindowMs: 60_000 } });
    const client = await open('/ws');
    for (let i = 1; i <= 5; i++) client.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    await client.until(() => client.frames.length === 5);
    expect(client.closeCode).toBeUndefined();
    client.ws.ping(); // pings count too
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
  });

  it('refuses streams past the per-connection limit, live and in the URL', async () => {
    const s = await start({ ws: { maxStreams: 2 } });
    const client = await open('/ws/btcusdt@trade');
    expect(await client.request({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 1 })).toEqual({ result: null, id: 1 });
    const refused = (await client.request({ method: 'SUBSCRIBE', params: ['btcusdt@bookTicker'], id: 2 })) as { code: number; msg: string };
    expect(refused).toMatchObject({ code: 2, id: 2 });
    expect(refused.msg).toMatch(/^Invalid request: too many streams/);
    expect(await client.request({ method: 'LIST_SUBSCRIPTIONS', id: 3 })).toEqual({ result: ['btcusdt@trade', 'btcusdt@aggTrade'], id: 3 });
    expect((await TestClient.refusal(`${s.wsUrl}/ws/a1@trade/a2@trade/a3@trade`)).status).toBe(400);
    expect((await TestClient.refusal(`${s.wsUrl}/nope`)).status).toBe(404);
  });

  it('answers upgrades past the connection-attempt limit with 429', async () => {
    const s = await start({ ws: { maxConnectionAttempts: 3, connectionAttemptWindowMs: 60_000 } });
    for (let i = 0; i < 3; i++) await open('/ws');
    const refused = await TestClient.refusal(`${s.wsUrl}/ws`);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
  });

  it('pings on schedule and keeps a client that answers; drops one that does not', async () => {
    const s = await start({ ws: { pingIntervalMs: 30, pongTimeoutMs: 120, maxMessagesPerSecond: 1000 } });
    const good = await open('/ws/btcusdt@trade');
    const silent = await open('/ws/btcusdt@trade', { autoPong: false });
    await silent.closed;
    expect(silent.pings.length).toBeGreaterThanOrEqual(1);
    expect(silent.closeCode).toBe(1006); // dropped, no close frame
    await good.until(() => good.pings.length >= 6);
    expect(good.closeCode).toBeUndefined();
    expect(s.connections.count).toBe(1);
    expect(s.connections.list()[0]!.pongsReceived).toBeGreaterThanOrEqual(5);
  });

  it('closes a connection at the end of its lifetime', async () => {
    await start({ ws: { lifetimeMs: 100 } });
    const client = await open('/ws/btcusdt@trade');
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
  });

  it('sends E and T in microseconds with timeUnit=MICROSECOND', async () => {
    const s = await start();
    const micro = await open('/ws/btcusdt@trade/btcusdt@aggTrade?timeUnit=MICROSECOND');
    const milli = await open('/stream?streams=btcusdt@trade&timeUnit=MILLISECOND');
    const [trade] = s.market.generate('BTCUSDT', 1);
    const [t, a] = (await micro.json(2)) as Record<string, number>[];
    expect(t!['T']).toBe(trade!.timeUs);
    expect(a!['T']).toBe(trade!.timeUs);
    expect(t!['E']).toBeGreaterThan(1e15);
    expect(t!['E']).toBeGreaterThanOrEqual(t!['T']!);
    const [m] = (await milli.json(1)) as { data: Record<string, number> }[];
    expect(m!.data['T']).toBe(Math.floor(trade!.timeUs / 1000));
    expect(s.connections.list().map((c) => c.timeUnit).sort()).toEqual(['MICROSECOND', 'MILLISECOND']);
    expect((await TestClient.refusal(`${s.wsUrl}/ws/btcusdt@trade?timeUnit=NANOSECOND`)).status).toBe(400);
  });
});
