import { BookSync, instrumentMap, type BookResyncEvent, type BookSnapshot, type ParseSink } from '@tickgate/core';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { waitFor } from '@tickgate/testing';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, compareDecimals, type Book, type BookLevel } from '@tickgate/schema';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { depthRequest } from './books.js';
import { createParser } from './parse.js';
import { buildConnectUrl } from './stream.js';

const INFO = { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' };
const DEPTH = 20;

/**
 * The whole book path of the adapter against the simulator: its `@depth@100ms` frames through the
 * adapter's parser into a `BookSync` on the `range` rule, snapshots from `/api/v3/depth` as the engine
 * asks, and what the engine publishes applied by a consumer — compared with the simulator's true book
 * at the same update id, level for level, under each book fault.
 */
class Pipeline {
  readonly published: Book[] = [];
  readonly resyncs: BookResyncEvent[] = [];
  readonly consumer = { bids: new Map<string, string>(), asks: new Map<string, string>(), updateId: '', seq: 0 };
  readonly rejections: string[] = [];
  snapshots = 0;
  private ws: WebSocket | undefined;
  readonly sync: BookSync;

  constructor(private readonly sim: BinanceSim) {
    this.sync = new BookSync({
      venue: 'binance',
      instrument: INFO.instrument,
      symbol: INFO.symbol,
      rule: { kind: 'range', snapshotSource: 'rest', wsSnapshotAnchors: false, maxBuffered: 10_000, staleAfterMs: 90_000 },
      depth: DEPTH,
      listener: {
        publish: (book) => this.consume(book),
        snapshotNeeded: () => void this.fetchSnapshot(),
        resync: (e) => void this.resyncs.push(e),
      },
    });
  }

  start(): Promise<void> {
    const parse = createParser(instrumentMap([INFO]));
    const sink: ParseSink = {
      trade: () => undefined,
      control: () => undefined,
      reject: (r) => void this.rejections.push(r.message),
      bookDelta: (_instrument, delta) => this.sync.delta(delta),
    };
    this.ws = new WebSocket(buildConnectUrl(this.sim.wsUrl, [INFO], ['book']));
    this.ws.on('message', (data) => parse(String(data), Date.now() * 1000, sink));
    return new Promise((resolve, reject) => {
      this.ws!.once('open', () => resolve());
      this.ws!.once('error', reject);
    });
  }

  private async fetchSnapshot(): Promise<void> {
    // The engine asks when the first delta is buffered; fetch as a caller would, a little later.
    await new Promise((r) => setTimeout(r, 20));
    const request = depthRequest(INFO, 1000);
    for (;;) {
      const res = await fetch(`${this.sim.restUrl}${request.path}`);
      if (res.status === 200) {
        const snapshot: BookSnapshot = request.parse(await res.text(), Date.now() * 1000);
        this.snapshots++;
        this.sync.snapshot(snapshot);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private consume(book: Book): void {
    const c = this.consumer;
    if (c.seq !== 0) expect(book.seq).toBe(c.seq + 1);
    c.seq = book.seq;
    if (book.action === 'snapshot') {
      c.bids.clear();
      c.asks.clear();
    }
    for (const [side, levels] of [[c.bids, book.bids], [c.asks, book.asks]] as const) {
      for (const [price, size] of levels) {
        if (size === '0') side.delete(price);
        else side.set(price, size);
      }
    }
    c.updateId = book.updateId;
  }

  /** The consumer's top `depth` levels of one side, best first. */
  top(side: 'bids' | 'asks'): BookLevel[] {
    const levels = [...this.consumer[side].entries()].map(([p, s]) => [p, s] as BookLevel);
    levels.sort((a, b) => (side === 'bids' ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
    return levels.slice(0, DEPTH);
  }

  close(): void {
    this.ws?.close();
  }
}

/** The simulator's true book at `updateId`, top `DEPTH` levels, in canonical strings. */
function truth(sim: BinanceSim, updateId: string): { bids: BookLevel[]; asks: BookLevel[] } {
  const view = sim.market.bookAt('BTCUSDT', Number(updateId));
  const canon = (levels: readonly { price: string; qty: string }[]): BookLevel[] =>
    levels.slice(0, DEPTH).map((l) => [canonicalDecimalOrUndefined(l.price)!, canonicalSizeOrUndefined(l.qty)!] as BookLevel);
  return { bids: canon(view.bids), asks: canon(view.asks) };
}

describe('Binance books: simulator → adapter → BookSync → consumer equals the true book', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function run(fault: (sim: BinanceSim) => void, expectResync: boolean): Promise<Pipeline> {
    const sim = await startBinanceSim({ seed: 21, books: true, rate: 0 });
    cleanups.push(() => sim.close());
    const p = new Pipeline(sim);
    cleanups.push(() => p.close());
    await p.start();
    for (let i = 0; i < 5; i++) sim.market.changeBook('BTCUSDT', 3);
    await waitFor(() => p.sync.state === 'live', { timeoutMs: 5_000, message: 'the book to be in sync' });
    fault(sim);
    for (let i = 0; i < 40; i++) {
      sim.market.changeBook('BTCUSDT', 4);
      if (i % 10 === 0) sim.market.generate('BTCUSDT', 3);
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = String(sim.market.orderBook('BTCUSDT').updateId);
    await waitFor(() => p.sync.state === 'live' && p.consumer.updateId === last, { timeoutMs: 8_000, message: `the consumer to reach update id ${last}` });
    const t = truth(sim, p.consumer.updateId);
    expect(p.top('bids')).toEqual(t.bids);
    expect(p.top('asks')).toEqual(t.asks);
    expect(p.rejections).toEqual([]);
    if (expectResync) expect(p.resyncs.map((r) => r.reason)).toContain('gap');
    else expect(p.resyncs).toEqual([]);
    return p;
  }

  it('with no fault: one snapshot, no resync', async () => {
    const p = await run(() => undefined, false);
    expect(p.snapshots).toBe(1);
  });

  it('dropped deltas: a gap, a resync of the book, and the true book again', async () => {
    const p = await run((sim) => sim.faults.skipBookDeltas(2), true);
    expect(p.snapshots).toBeGreaterThanOrEqual(2);
  });

  it('duplicated deltas: skipped as stale, no resync', async () => {
    await run((sim) => sim.faults.duplicateBookDeltas(3), false);
  });

  it('reordered deltas: a gap and a resync', async () => {
    await run((sim) => sim.faults.reorderBookDeltas(2), true);
  });

  it('a snapshot older than the first buffered delta is fetched again before the book is used', async () => {
    const sim = await startBinanceSim({ seed: 22, books: true, rate: 0 });
    cleanups.push(() => sim.close());
    for (let i = 0; i < 10; i++) sim.market.changeBook('BTCUSDT', 3);
    sim.faults.staleSnapshots({ requests: 1, batchesBehind: 8 });
    const p = new Pipeline(sim);
    cleanups.push(() => p.close());
    await p.start();
    sim.market.changeBook('BTCUSDT', 3);
    await waitFor(() => p.sync.state === 'live', { timeoutMs: 5_000, message: 'the book to be in sync' });
    expect(p.resyncs.map((r) => r.reason)).toEqual(['snapshot-too-old']);
    expect(p.snapshots).toBe(2);
    const t = truth(sim, p.consumer.updateId);
    expect(p.top('bids')).toEqual(t.bids);
    expect(p.top('asks')).toEqual(t.asks);
  });
});
