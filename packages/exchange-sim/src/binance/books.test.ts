import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import type { TestClient } from '../../test/ws-client.js';
import { formatUnits, toUnits } from '../core/fixed-point.js';
import type { BookBatch, BookView } from '../core/order-book.js';
import { startBinanceSim, type BinanceSim, type BinanceSimOptions } from './binance-sim.js';
import { bookTickerPayload, depthSnapshotBody, depthUpdatePayload } from './messages.js';
import { depthWeight } from './rest.js';

// Documented samples (shared/protocols/books.md §1.2), verbatim.
const DOC_DIFF = '{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}';
const DOC_REST = '{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}';
const DOC_TICKER = '{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}';

const session = simSession<BinanceSim>();

async function start(options: BinanceSimOptions = {}): Promise<BinanceSim> {
  return session.keep(await startBinanceSim({ books: true, ...options }));
}

interface DepthEvent {
  e: string;
  E: number;
  s: string;
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

const depthEvents = (c: TestClient): DepthEvent[] =>
  c.frames.flatMap((f) => {
    const v = JSON.parse(f) as { e?: string; data?: { e?: string } };
    if (v.e === 'depthUpdate') return [v as unknown as DepthEvent];
    if (v.data?.e === 'depthUpdate') return [v.data as unknown as DepthEvent];
    return [];
  });

async function depth(s: BinanceSim, query: string): Promise<{ status: number; weight: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${s.restUrl}/api/v3/depth?${query}`);
  return { status: res.status, weight: res.headers.get('x-mbx-used-weight-1m'), body: (await res.json()) as Record<string, unknown> };
}

/** A local book built as the documented procedure says (§1.3), from buffered events and a REST snapshot. */
class LocalBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  id = 0;
  gaps = 0;

  load(snapshot: { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] }): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of snapshot.bids) this.bids.set(p, q);
    for (const [p, q] of snapshot.asks) this.asks.set(p, q);
    this.id = snapshot.lastUpdateId;
  }

  apply(e: DepthEvent): void {
    if (e.u <= this.id) return;
    if (e.U > this.id + 1) {
      this.gaps++;
      return;
    }
    for (const [side, rows] of [[this.bids, e.b], [this.asks, e.a]] as const) {
      for (const [p, q] of rows) {
        if (toUnits(q) === 0n) side.delete(p);
        else side.set(p, q);
      }
    }
    this.id = e.u;
  }

  matches(truth: BookView): boolean {
    const same = (m: Map<string, string>, levels: BookView['bids']) => m.size === levels.length && levels.every((l) => m.get(l.price) === l.qty);
    return truth.updateId === this.id && same(this.bids, truth.bids) && same(this.asks, truth.asks);
  }
}

describe('Binance book rendering', () => {
  it('writes diff events, REST snapshots and book tickers in the documented shapes, key order and number format', () => {
    const pad = (d: string) => formatUnits(toUnits(d));
    const batch: BookBatch = {
      symbol: 'BNBBTC',
      prevUpdateId: 156,
      firstUpdateId: 157,
      lastUpdateId: 160,
      timeUs: 0,
      changes: [
        { side: 'bid', price: pad('0.0024'), qty: pad('10'), orders: 1 },
        { side: 'ask', price: pad('0.0026'), qty: pad('100'), orders: 1 },
      ],
      cause: 'orders',
      afterRestart: false,
    };
    // The documented sample with its decimals padded to 8, as the venue writes them (§1.2, wire formatting).
    expect(depthUpdatePayload(batch, 1672515782136)).toBe(DOC_DIFF.replace(/"(\d+(?:\.\d+)?)"/g, (_m, d: string) => `"${pad(d)}"`));
    const view: BookView = {
      symbol: 'BNBBTC',
      updateId: 1027024,
      bids: [{ price: '4.00000000', qty: '431.00000000', orders: 3 }],
      asks: [
        { price: '4.00000200', qty: '12.00000000', orders: 1 },
        { price: '4.00000300', qty: '1.00000000', orders: 1 },
      ],
    };
    expect(depthSnapshotBody(view, 1)).toBe(DOC_REST);
    expect(bookTickerPayload('BNBUSDT', { updateId: 400900217, bidPrice: '25.35190000', bidQty: '31.21000000', askPrice: '25.36520000', askQty: '40.66000000' })).toBe(DOC_TICKER);
  });

  it('weighs depth requests by limit', () => {
    expect([1, 100, 101, 500, 501, 1000, 1001, 5000].map(depthWeight)).toEqual([5, 5, 25, 25, 50, 50, 250, 250]);
  });
});

describe('Binance books on the wire', () => {
  it('streams depth diffs raw and combined, with consecutive U..u that match the truth at every u', async () => {
    const s = await start({ seed: 3 });
    const raw = await session.open(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    const combined = await session.open(`${s.wsUrl}/stream?streams=btcusdt@depth@100ms/btcusdt@trade&timeUnit=MICROSECOND`);
    const initial = s.market.orderBook('BTCUSDT');
    const mine = new LocalBook();
    mine.load({ lastUpdateId: initial.updateId, bids: initial.bids.map((l) => [l.price, l.qty]), asks: initial.asks.map((l) => [l.price, l.qty]) });
    for (let i = 0; i < 20; i++) {
      s.market.changeBook('BTCUSDT', 3);
      s.market.generate('BTCUSDT', 2);
    }
    const last = s.market.bookUpdateId('BTCUSDT');
    await raw.until(() => depthEvents(raw).at(-1)?.u === last);
    await combined.until(() => depthEvents(combined).at(-1)?.u === last);
    const events = depthEvents(raw);
    expect(events).toHaveLength(40);
    expect(Object.keys(events[0]!)).toEqual(['e', 'E', 's', 'U', 'u', 'b', 'a']);
    expect(String(events[0]!.E)).toHaveLength(13);
    expect(String(depthEvents(combined)[0]!.E)).toHaveLength(16);
    const wrapped = JSON.parse(combined.frames.find((f) => f.includes('depthUpdate'))!) as { stream: string };
    expect(wrapped.stream).toBe('btcusdt@depth@100ms');
    let prevU = initial.updateId;
    for (const e of events) {
      expect(e.U).toBe(prevU + 1);
      prevU = e.u;
      for (const [p, q] of [...e.b, ...e.a]) {
        expect(p).toMatch(/^\d+\.\d{8}$/);
        expect(q).toMatch(/^\d+\.\d{8}$/);
      }
      mine.apply(e);
      expect(mine.matches(s.market.bookAt('BTCUSDT', e.u))).toBe(true);
    }
    expect(depthEvents(combined).map((e) => e.u)).toEqual(events.map((e) => e.u));
  });

  it('gathers @depth events over depthIntervalMs, one event per interval, and keeps gaps visible', async () => {
    const s = await start({ seed: 5, ws: { depthIntervalMs: 400 } });
    const slow = await session.open(`${s.wsUrl}/stream?streams=btcusdt@depth`);
    const fast = await session.open(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    const initial = s.market.orderBook('BTCUSDT');
    const made = [1, 2, 3, 4].map((n) => s.market.changeBook('BTCUSDT', n)!);
    await fast.until(() => depthEvents(fast).length === 4);
    expect(depthEvents(slow)).toHaveLength(0); // still gathering
    await slow.until(() => depthEvents(slow).length === 1);
    const [event] = depthEvents(slow);
    expect((JSON.parse(slow.frames[0]!) as { stream: string }).stream).toBe('btcusdt@depth');
    expect([event!.U, event!.u]).toEqual([made[0]!.firstUpdateId, made[3]!.lastUpdateId]);
    const mine = new LocalBook();
    mine.load({ lastUpdateId: initial.updateId, bids: initial.bids.map((l) => [l.price, l.qty]), asks: initial.asks.map((l) => [l.price, l.qty]) });
    mine.apply(event!);
    expect(mine.matches(s.market.orderBook('BTCUSDT'))).toBe(true);
    // A dropped delta inside an interval: the events before and after it are not merged across the gap.
    s.faults.skipBookDeltas(1, { symbol: 'BTCUSDT' });
    const next = [1, 1, 1].map(() => s.market.changeBook('BTCUSDT', 1)!);
    const beforeGap = s.market.changeBook('BTCUSDT', 1)!;
    s.faults.skipBookDeltas(1);
    const afterGap = [s.market.changeBook('BTCUSDT', 1)!, s.market.changeBook('BTCUSDT', 1)!];
    await slow.until(() => depthEvents(slow).length === 3);
    const [, a, b] = depthEvents(slow);
    expect([a!.U, a!.u]).toEqual([next[1]!.firstUpdateId, beforeGap.lastUpdateId]);
    expect([b!.U, b!.u]).toEqual([afterGap[1]!.firstUpdateId, afterGap[1]!.lastUpdateId]);
    mine.apply(a!);
    mine.apply(b!);
    expect(mine.gaps).toBe(2);
  });

  it('agrees with the trade stream: a trade consumes the level it prints at', async () => {
    const s = await start({ seed: 8 });
    const client = await session.open(`${s.wsUrl}/stream?streams=btcusdt@depth@100ms/btcusdt@trade/btcusdt@bookTicker`);
    const before = s.market.orderBook('BTCUSDT');
    const [trade] = s.market.generate('BTCUSDT', 1);
    await client.until(() => depthEvents(client).length === 1 && client.frames.some((f) => f.includes('bookTicker')));
    const level = trade!.buyerIsMaker ? before.bids[0]! : before.asks[0]!;
    const printed = JSON.parse(client.frames[0]!) as { stream: string; data: { p: string; q: string; m: boolean } };
    expect(printed.stream).toBe('btcusdt@trade');
    expect(printed.data.p).toBe(level.price);
    const diff = depthEvents(client)[0]!;
    const rows = trade!.buyerIsMaker ? diff.b : diff.a;
    const row = rows.find(([p]) => p === level.price)!;
    expect(toUnits(row[1])).toBe(toUnits(level.qty) - toUnits(printed.data.q));
    // The book ticker is the book's top, with the book's update id.
    const ticker = JSON.parse(client.frames.find((f) => f.includes('bookTicker'))!) as { data: Record<string, unknown> };
    const top = s.market.book('BTCUSDT');
    expect(ticker.data).toEqual({ u: diff.u, s: 'BTCUSDT', b: top.bidPrice, B: top.bidQty, a: top.askPrice, A: top.askQty });
    expect(Object.keys(ticker.data)).toEqual(['u', 's', 'b', 'B', 'a', 'A']);
  });

  it('serves REST snapshots with lastUpdateId, weights by limit and clamps limit to 5000', async () => {
    const s = await start({ books: { levels: 30 } });
    s.market.changeBook('BTCUSDT', 5);
    const def = await depth(s, 'symbol=BTCUSDT');
    expect(def.status).toBe(200);
    expect(def.weight).toBe('5');
    const truth = s.market.orderBook('BTCUSDT');
    expect(def.body).toEqual({
      lastUpdateId: truth.updateId,
      bids: truth.bids.map((l) => [l.price, l.qty]),
      asks: truth.asks.map((l) => [l.price, l.qty]),
    });
    expect(Object.keys(def.body)).toEqual(['lastUpdateId', 'bids', 'asks']);
    const five = await depth(s, 'symbol=BTCUSDT&limit=5');
    expect((five.body['bids'] as unknown[]).length).toBe(5);
    expect(five.weight).toBe('10');
    expect((await depth(s, 'symbol=BTCUSDT&limit=101')).weight).toBe('35');
    expect((await depth(s, 'symbol=BTCUSDT&limit=1000')).weight).toBe('85');
    expect((await depth(s, 'symbol=BTCUSDT&limit=5001')).weight).toBe('335');
    expect(s.rest.usedWeight()).toBe(335);
    expect((await depth(s, 'symbol=BTCUSDT&limit=0')).body).toMatchObject({ code: -1130 });
    expect((await depth(s, 'symbol=BTCXYZ')).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect((await depth(s, 'symbol=BTCUSDT&symbolStatus=HALT')).body).toMatchObject({ code: -1220 });
    expect((await depth(s, 'limit=5')).body).toMatchObject({ code: -1102 });
  });

  it('charges depth weight against the REST limit (429, then 418)', async () => {
    const s = await start({ rest: { weightLimit: 500 } });
    expect((await depth(s, 'symbol=BTCUSDT&limit=5000')).status).toBe(200);
    expect((await depth(s, 'symbol=BTCUSDT&limit=5000')).status).toBe(200);
    const refused = await depth(s, 'symbol=BTCUSDT&limit=5000');
    expect(refused.status).toBe(429);
    expect(refused.weight).toBe('500');
    expect((await depth(s, 'symbol=BTCUSDT&limit=5')).status).toBe(418);
  });

  it('refuses depth when books are off and keeps the trade-derived book ticker then', async () => {
    const s = session.keep(await startBinanceSim());
    expect((await depth(s, 'symbol=BTCUSDT')).body).toMatchObject({ code: -1000 });
    const client = await session.open(`${s.wsUrl}/ws/btcusdt@bookTicker/btcusdt@depth`);
    s.market.generate('BTCUSDT', 2);
    await client.until(() => client.frames.length >= 1);
    expect(JSON.parse(client.frames[0]!)).toMatchObject({ u: s.market.book('BTCUSDT').updateId });
    expect(depthEvents(client)).toHaveLength(0);
  });

  it('syncs a book by the documented procedure against a live market', async () => {
    const s = await start({ seed: 21, books: { intervalMs: 5 }, rate: 100 });
    const client = await session.open(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    await client.until(() => depthEvents(client).length >= 3);
    const snap = (await depth(s, 'symbol=BTCUSDT&limit=5000')).body as unknown as { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
    const first = depthEvents(client)[0]!;
    expect(snap.lastUpdateId).toBeGreaterThanOrEqual(first.U);
    await client.until(() => depthEvents(client).at(-1)!.u > snap.lastUpdateId + 20);
    s.market.stop();
    const mine = new LocalBook();
    mine.load(snap);
    const events = depthEvents(client);
    const straddle = events.find((e) => e.u > snap.lastUpdateId)!;
    expect(straddle.U <= snap.lastUpdateId + 1 && snap.lastUpdateId + 1 <= straddle.u).toBe(true);
    for (const e of events) mine.apply(e);
    expect(mine.gaps).toBe(0);
    expect(mine.matches(s.market.bookAt('BTCUSDT', mine.id))).toBe(true);
  });
});

describe('Binance book faults', () => {
  it('drops, duplicates and reorders depth events; the affected ids are listed', async () => {
    const s = await start();
    const client = await session.open(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    s.faults.skipBookDeltas(1).duplicateBookDeltas(1).reorderBookDeltas(2);
    const made = [1, 2, 3, 4, 5].map(() => s.market.changeBook('BTCUSDT', 1)!);
    await client.until(() => depthEvents(client).length >= 5);
    expect(depthEvents(client).map((e) => e.u)).toEqual([made[1]!, made[1]!, made[3]!, made[2]!, made[4]!].map((b) => b.lastUpdateId));
    expect(client.frames[0]).toBe(client.frames[1]);
    expect(s.faults.counters).toMatchObject({ bookSkipped: 1, bookDuplicated: 1, bookReordered: 2, skipped: 0 });
    expect(s.faults.affectedBook).toEqual([
      { symbol: 'BTCUSDT', updateId: made[0]!.lastUpdateId, fault: 'skip' },
      { symbol: 'BTCUSDT', updateId: made[1]!.lastUpdateId, fault: 'duplicate' },
      { symbol: 'BTCUSDT', updateId: made[2]!.lastUpdateId, fault: 'reorder' },
      { symbol: 'BTCUSDT', updateId: made[3]!.lastUpdateId, fault: 'reorder' },
    ]);
    // A client sees the dropped event as a gap.
    const mine = new LocalBook();
    mine.id = made[0]!.prevUpdateId;
    mine.apply(depthEvents(client)[0]!);
    expect(mine.gaps).toBe(1);
  });

  it('serves a stale snapshot older than the first buffered event, then a good one', async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) s.market.changeBook('BTCUSDT', 2);
    const client = await session.open(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    s.market.changeBook('BTCUSDT', 2);
    await client.until(() => depthEvents(client).length === 1);
    await fetch(`${s.restUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ type: 'staleSnapshot' }) });
    const stale = (await depth(s, 'symbol=BTCUSDT')).body as { lastUpdateId: number };
    expect(stale.lastUpdateId).toBeLessThan(depthEvents(client)[0]!.U);
    expect(stale).toMatchObject({ lastUpdateId: 1 });
    const staleTruth = s.market.bookAt('BTCUSDT', 1);
    expect((stale as unknown as { bids: unknown[] }).bids).toEqual(staleTruth.bids.map((l) => [l.price, l.qty]));
    expect(s.faults.counters.staleSnapshots).toBe(1);
    s.faults.staleSnapshots({ batchesBehind: 2 });
    expect(((await depth(s, 'symbol=BTCUSDT')).body as { lastUpdateId: number }).lastUpdateId).toBe(s.market.bookBehind('BTCUSDT', 2).updateId);
    expect(((await depth(s, 'symbol=BTCUSDT')).body as { lastUpdateId: number }).lastUpdateId).toBe(s.market.bookUpdateId('BTCUSDT'));
  });

  it('slows and rate-limits snapshot requests only', async () => {
    const s = await start();
    s.faults.snapshotLatency(150).snapshotTooManyRequests({ retryAfterSec: 7 });
    const trades = await fetch(`${s.restUrl}/api/v3/trades?symbol=BTCUSDT`);
    expect(trades.status).toBe(200);
    const t0 = Date.now();
    const limited = await fetch(`${s.restUrl}/api/v3/depth?symbol=BTCUSDT`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { code: number }).code).toBe(-1003);
    expect((await depth(s, 'symbol=BTCUSDT')).status).toBe(200);
    expect(s.faults.counters).toMatchObject({ rest429: 1, restDelayed: 1 });
  });

  it('restarts update ids: the next event starts again from 1 and REST follows', async () => {
    const s = await start();
    const client = await session.open(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    for (let i = 0; i < 5; i++) s.market.changeBook('BTCUSDT', 2);
    const before = s.market.bookUpdateId('BTCUSDT');
    const res = (await (await fetch(`${s.restUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ type: 'bookRestart' }) })).json()) as { ok: boolean };
    expect(res.ok).toBe(true);
    s.market.changeBook('BTCUSDT', 2);
    await client.until(() => depthEvents(client).length === 6);
    const after = depthEvents(client)[5]!;
    expect(after.U).toBe(1);
    expect(after.u).toBeLessThan(before);
    expect(((await depth(s, 'symbol=BTCUSDT')).body as { lastUpdateId: number }).lastUpdateId).toBe(after.u);
    expect(s.faults.counters.bookRestarts).toBe(1);
  });

  it('makes book changes and shows the truth through the control endpoint', async () => {
    const s = await start();
    const made = (await (await fetch(`${s.restUrl}/__sim/book`, { method: 'POST', body: JSON.stringify({ symbol: 'BTCUSDT', count: 3 }) })).json()) as {
      batches: Record<string, { lastUpdateId: number }>;
    };
    const id = made.batches['BTCUSDT']!.lastUpdateId;
    expect(id).toBe(s.market.bookUpdateId('BTCUSDT'));
    expect(await (await fetch(`${s.restUrl}/__sim/book?symbol=BTCUSDT`)).json()).toEqual(s.market.orderBook('BTCUSDT'));
    expect(await (await fetch(`${s.restUrl}/__sim/book?symbol=BTCUSDT&updateId=1`)).json()).toEqual(s.market.bookAt('BTCUSDT', 1));
    expect((await fetch(`${s.restUrl}/__sim/book?symbol=BTCUSDT&updateId=x`)).status).toBe(400);
    const state = (await (await fetch(`${s.restUrl}/__sim/state`)).json()) as { market: { symbols: { bookUpdateId: number }[] } };
    expect(state.market.symbols[0]!.bookUpdateId).toBe(id);
  });
});
