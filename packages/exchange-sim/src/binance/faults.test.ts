import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import { startBinanceSim, type BinanceSim, type BinanceSimOptions } from './binance-sim.js';

const session = simSession<BinanceSim>();

async function setup(options: BinanceSimOptions = {}, path = '/ws/btcusdt@trade'): Promise<{ s: BinanceSim; client: TestClient }> {
  const s = session.keep(await startBinanceSim(options));
  const client = await session.open(`${s.wsUrl}${path}`);
  return { s, client };
}

/** Trade ids of the frames received so far that parse as trades. */
const ids = (client: TestClient) =>
  client.frames.flatMap((f) => {
    try {
      const v = JSON.parse(f) as { e?: string; t?: unknown };
      return v.e === 'trade' && typeof v.t === 'number' ? [v.t] : [];
    } catch {
      return [];
    }
  });

async function restIds(s: BinanceSim): Promise<number[]> {
  const res = await fetch(`${s.restUrl}/api/v3/trades?symbol=BTCUSDT`);
  return ((await res.json()) as { id: number }[]).map((t) => t.id);
}

async function control(s: BinanceSim, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${s.restUrl}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

describe('frame faults', () => {
  it('skips frames: a server-side gap, the trades still in REST history', async () => {
    const { s, client } = await setup();
    s.faults.skipFrames(2);
    s.market.generate('BTCUSDT', 5);
    await client.until(() => client.frames.length >= 3);
    expect(ids(client)).toEqual([3, 4, 5]);
    expect(await restIds(s)).toEqual([1, 2, 3, 4, 5]);
    expect(s.faults.counters.skipped).toBe(2);
    expect(s.faults.affected).toEqual([
      { symbol: 'BTCUSDT', id: 1, fault: 'skip' },
      { symbol: 'BTCUSDT', id: 2, fault: 'skip' },
    ]);
  });

  it('duplicates frames', async () => {
    const { s, client } = await setup();
    s.market.generate('BTCUSDT', 1);
    s.faults.duplicateFrames(1);
    s.market.generate('BTCUSDT', 2);
    await client.until(() => client.frames.length >= 4);
    expect(ids(client)).toEqual([1, 2, 2, 3]);
    expect(client.frames[1]).toBe(client.frames[2]);
    expect(s.faults.counters.duplicated).toBe(1);
  });

  it('reorders frames, releasing held ones on the next trade or after the flush time', async () => {
    const { s, client } = await setup({ ws: { reorderFlushMs: 30 } });
    s.faults.reorderFrames(2);
    s.market.generate('BTCUSDT', 4);
    await client.until(() => client.frames.length >= 4);
    expect(ids(client)).toEqual([2, 1, 3, 4]);
    s.faults.reorderFrames(3);
    s.market.generate('BTCUSDT', 3);
    await client.until(() => client.frames.length >= 7);
    expect(ids(client)).toEqual([2, 1, 3, 4, 7, 6, 5]);
    expect(s.faults.counters.reordered).toBe(5);
  });

  it('sends malformed frames in a mix of kinds in place of real trades', async () => {
    const { s, client } = await setup({}, '/stream?streams=btcusdt@trade');
    s.faults.malformFrames(3);
    s.market.generate('BTCUSDT', 4);
    await client.until(() => client.frames.length >= 4);
    const [invalid, wrong, missing, good] = client.frames;
    expect(() => JSON.parse(invalid!)).toThrow();
    const w = (JSON.parse(wrong!) as { data: Record<string, unknown> }).data;
    expect(typeof w['t']).toBe('string');
    expect(typeof w['p']).toBe('number');
    const m = (JSON.parse(missing!) as { data: Record<string, unknown> }).data;
    expect(m).not.toHaveProperty('p');
    expect((JSON.parse(good!) as { data: { t: number } }).data.t).toBe(4);
    expect(await restIds(s)).toEqual([1, 2, 3, 4]);
    expect(s.faults.counters.malformed).toEqual({ 'invalid-json': 1, 'wrong-types': 1, 'missing-fields': 1, 'retyped-decimals': 0 });
  });

  it('sends prices and quantities as JSON numbers, ids intact, for retyped-decimals (a format change)', async () => {
    const { s, client } = await setup({}, '/stream?streams=btcusdt@trade');
    s.faults.malformFrames(2, { kinds: ['retyped-decimals'] });
    s.market.generate('BTCUSDT', 3);
    await client.until(() => client.frames.length >= 3);
    const [first, second, good] = client.frames.map((f) => (JSON.parse(f) as { data: Record<string, unknown> }).data);
    for (const d of [first!, second!]) {
      expect(typeof d['t']).toBe('number');
      expect(typeof d['p']).toBe('number');
      expect(typeof d['q']).toBe('number');
      expect(typeof d['m']).toBe('boolean');
    }
    expect([first!['t'], second!['t']]).toEqual([1, 2]);
    expect(typeof good!['p']).toBe('string');
    expect(s.faults.counters.malformed['retyped-decimals']).toBe(2);
  });

  it('limits a frame fault to one symbol when asked', async () => {
    const { s, client } = await setup({ symbols: ['BTCUSDT', 'ETHUSDT'] }, '/ws/btcusdt@trade/ethusdt@trade');
    s.faults.skipFrames(1, { symbol: 'ETHUSDT' });
    s.market.generate('BTCUSDT', 1);
    s.market.generate('ETHUSDT', 2);
    await client.until(() => client.frames.length >= 2);
    expect(client.frames.map((f) => (JSON.parse(f) as { s: string; t: number })).map((f) => `${f.s}:${f.t}`)).toEqual([
      'BTCUSDT:1',
      'ETHUSDT:2',
    ]);
  });

  it('applies random chaos from the seed', async () => {
    const { s, client } = await setup({ chaos: { duplicateProbability: 1 } });
    s.market.generate('BTCUSDT', 2);
    await client.until(() => client.frames.length >= 4);
    expect(ids(client)).toEqual([1, 1, 2, 2]);
    s.faults.reset();
    s.market.generate('BTCUSDT', 1);
    await client.until(() => client.frames.length >= 5);
    expect(ids(client)).toEqual([1, 1, 2, 2, 3]);
    expect(s.faults.counters.duplicated).toBe(0);
  });
});

describe('connection faults', () => {
  it('drops a connection abruptly (no close frame)', async () => {
    const { s, client } = await setup();
    expect(s.faults.dropConnections()).toBe(1);
    expect((await client.closed).code).toBe(1006);
    expect(s.faults.counters.dropped).toBe(1);
  });

  it('closes a connection politely with a code', async () => {
    const { s, client } = await setup();
    const other = await session.open(`${s.wsUrl}/ws`);
    const id = s.connections.list().find((c) => c.streams.length === 1)!.id;
    expect(s.faults.closeConnections({ connectionId: id, code: 4000, reason: 'bye' })).toBe(1);
    expect(await client.closed).toEqual({ code: 4000, reason: 'bye' });
    expect(other.closeCode).toBeUndefined();
  });

  it('stalls a connection: no data and no pings, then resumes without dropping it', async () => {
    const { s, client } = await setup({ ws: { pingIntervalMs: 20, pongTimeoutMs: 60, maxMessagesPerSecond: 1000 } });
    await client.until(() => client.pings.length >= 1);
    s.faults.stallConnections(250);
    const pingsBefore = client.pings.length;
    s.market.generate('BTCUSDT', 2);
    await new Promise((r) => setTimeout(r, 150)); // within the stall: nothing may arrive
    expect(client.frames).toEqual([]);
    expect(client.pings.length).toBeLessThanOrEqual(pingsBefore + 1);
    await client.until(() => client.pings.length >= pingsBefore + 3, 2000, 'pings after the stall');
    s.market.generate('BTCUSDT', 1);
    await client.until(() => client.frames.length >= 1);
    expect(ids(client)).toEqual([3]);
    expect(client.closeCode).toBeUndefined();
    expect(await restIds(s)).toEqual([1, 2, 3]);
    expect(s.faults.counters.stalled).toBe(1);
  });

  it('sends the serverShutdown notice, wrapped on combined streams', async () => {
    const { s, client } = await setup();
    const combined = await session.open(`${s.wsUrl}/stream?streams=btcusdt@trade`);
    const before = Date.now();
    expect(s.faults.sendServerShutdown()).toBe(2);
    const [raw] = (await client.json(1)) as Record<string, unknown>[];
    expect(Object.keys(raw!)).toEqual(['e', 'E']);
    expect(raw!['e']).toBe('serverShutdown');
    expect(raw!['E']).toBeGreaterThanOrEqual(before);
    const [wrapped] = (await combined.json(1)) as { stream: string; data: Record<string, unknown> }[];
    expect(wrapped!.stream).toBe('!serverShutdown');
    expect(Object.keys(wrapped!.data)).toEqual(['e', 'E']);
    expect(s.faults.counters.shutdownNotices).toBe(2);
  });
});

describe('REST faults', () => {
  it('delays, fails with 5xx, and forces 429 / 418 for a number of requests', async () => {
    const s = session.keep(await startBinanceSim());
    const ping = () => fetch(`${s.restUrl}/api/v3/ping`);
    s.faults.restLatency(150, { requests: 1 });
    const t0 = Date.now();
    expect((await ping()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    s.faults.restErrors({ requests: 2 });
    const failed = await ping();
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ code: -1008 });
    expect((await ping()).status).toBe(503);
    expect((await ping()).status).toBe(200);
    s.faults.restTooManyRequests({ retryAfterSec: 7 });
    const limited = await ping();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('x-mbx-used-weight-1m')).not.toBeNull();
    s.faults.restBan({ retryAfterSec: 30 });
    const banned = await ping();
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('30');
    expect((await ping()).status).toBe(200);
    s.faults.restErrors({ status: 500, durationMs: 60_000 });
    expect((await ping()).status).toBe(500);
    expect((await ping()).status).toBe(500);
    expect(s.faults.counters).toMatchObject({ restDelayed: 1, restErrors: 4, rest429: 1, rest418: 1 });
  });
});

describe('control endpoint', () => {
  it('injects faults, makes trades and shows state over HTTP', async () => {
    const { s, client } = await setup();
    expect(await control(s, '/__sim/faults', [{ type: 'skip', count: 1 }, { type: 'duplicate', count: 1 }])).toMatchObject({ ok: true });
    expect(await control(s, '/__sim/generate', { symbol: 'BTCUSDT', count: 3 })).toEqual({ ok: true, trades: { BTCUSDT: [1, 2, 3] } });
    await client.until(() => client.frames.length >= 3);
    expect(ids(client)).toEqual([2, 2, 3]);
    const state = (await control(s, '/__sim/state')) as {
      venue: string;
      market: { symbols: { symbol: string; lastId: number }[] };
      faults: { counters: { skipped: number; duplicated: number } };
      connections: { streams: string[] }[];
    };
    expect(state.venue).toBe('binance');
    expect(state.market.symbols[0]).toMatchObject({ symbol: 'BTCUSDT', firstId: 1, lastId: 3 });
    expect(state.faults.counters).toMatchObject({ skipped: 1, duplicated: 1 });
    expect(state.connections[0]!.streams).toEqual(['btcusdt@trade']);
    expect(await control(s, '/__sim/faults', { type: 'drop' })).toMatchObject({ results: [{ connections: 1 }] });
    await client.closed;
    const bad = await fetch(`${s.restUrl}/__sim/faults`, { method: 'POST', body: '{"type":"explode"}' });
    expect(bad.status).toBe(400);
    expect(await control(s, '/__sim/market', { running: true, rate: 100 })).toMatchObject({ running: true, rate: 100 });
    expect(await control(s, '/__sim/market', { running: false })).toMatchObject({ running: false });
  });
});
