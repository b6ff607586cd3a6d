import { BookPipeline } from '@tickgate/adapter-conformance';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { waitFor } from '@tickgate/testing';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, type BookLevel } from '@tickgate/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { binance } from './index.js';

const INFO = { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' };
const DEPTH = 20;

/** The simulator's true book at `updateId`, top `DEPTH` levels, in canonical strings. */
function truth(sim: BinanceSim, updateId: string): { bids: BookLevel[]; asks: BookLevel[] } {
  const view = sim.market.bookAt('BTCUSDT', Number(updateId));
  const canon = (levels: readonly { price: string; qty: string }[]): BookLevel[] =>
    levels.slice(0, DEPTH).map((l) => [canonicalDecimalOrUndefined(l.price)!, canonicalSizeOrUndefined(l.qty)!] as BookLevel);
  return { bids: canon(view.bids), asks: canon(view.asks) };
}

/**
 * Binance's book path against the simulator (`@depth@100ms` frames → the adapter's parser → `BookSync`
 * on the `range` rule, `/api/v3/depth` snapshots → a consumer of what is published): the consumer's book
 * equals the simulator's true book at the same update id, level for level, under each book fault.
 */
describe('Binance books: simulator → adapter → BookSync → consumer equals the true book', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function pipeline(seed: number, before?: (sim: BinanceSim) => void): Promise<{ sim: BinanceSim; p: BookPipeline }> {
    const sim = await startBinanceSim({ seed, books: true, rate: 0 });
    cleanups.push(() => sim.close());
    before?.(sim);
    const p = new BookPipeline({ adapter: binance, info: INFO, wsUrl: sim.wsUrl, restUrl: sim.restUrl, depth: DEPTH, snapshotDepth: 1000 });
    cleanups.push(() => p.close());
    await p.start();
    return { sim, p };
  }

  function expectTruth(sim: BinanceSim, p: BookPipeline): void {
    const t = truth(sim, p.consumer.updateId);
    expect(p.top('bids')).toEqual(t.bids);
    expect(p.top('asks')).toEqual(t.asks);
    expect(p.rejections).toEqual([]);
    expect(p.consumer.seqJumps).toBe(0);
    expect(p.published.some((b) => b.action === 'snapshot' && p.crossed())).toBe(false);
  }

  async function run(fault: (sim: BinanceSim) => void, expectResync: boolean): Promise<BookPipeline> {
    const { sim, p } = await pipeline(21);
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
    expectTruth(sim, p);
    if (expectResync) expect(p.resyncs.map((r) => r.reason)).toContain('gap');
    else expect(p.resyncs).toEqual([]);
    return p;
  }

  it('with no fault: one snapshot, no resync', async () => {
    expect((await run(() => undefined, false)).snapshots).toBe(1);
  });

  it('dropped deltas: a gap, a resync of the book, and the true book again', async () => {
    expect((await run((sim) => sim.faults.skipBookDeltas(2), true)).snapshots).toBeGreaterThanOrEqual(2);
  });

  it('duplicated deltas: skipped as stale, no resync', async () => {
    await run((sim) => sim.faults.duplicateBookDeltas(3), false);
  });

  it('reordered deltas: a gap and a resync', async () => {
    await run((sim) => sim.faults.reorderBookDeltas(2), true);
  });

  it('a venue restart that starts the update ids over: the book resyncs and follows the new ids', async () => {
    const { sim, p } = await pipeline(23);
    for (let i = 0; i < 5; i++) sim.market.changeBook('BTCUSDT', 3);
    await waitFor(() => p.sync.state === 'live', { timeoutMs: 5_000, message: 'the book to be in sync' });
    // the book follows live deltas for a while (a restart in the moment between the snapshot and the
    // first delta after it cannot be told from deltas older than the snapshot)
    const anchored = p.published.length;
    for (let i = 0; i < 5; i++) sim.market.changeBook('BTCUSDT', 3);
    await waitFor(() => p.published.length >= anchored + 3, { timeoutMs: 5_000, message: 'live deltas applied' });
    sim.faults.restartBooks();
    for (let i = 0; i < 40; i++) {
      sim.market.changeBook('BTCUSDT', 4);
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = String(sim.market.orderBook('BTCUSDT').updateId);
    await waitFor(() => p.sync.state === 'live' && p.consumer.updateId === last, { timeoutMs: 8_000, message: `the consumer to reach update id ${last}` });
    expectTruth(sim, p);
    expect(p.resyncs.map((r) => r.reason)).toEqual(['venue-reset']);
    expect(p.snapshots).toBe(2);
  });

  it('a snapshot older than the first buffered delta is fetched again before the book is used', async () => {
    const { sim, p } = await pipeline(22, (s) => {
      for (let i = 0; i < 10; i++) s.market.changeBook('BTCUSDT', 3);
      s.faults.staleSnapshots({ requests: 1, batchesBehind: 8 });
    });
    sim.market.changeBook('BTCUSDT', 3);
    await waitFor(() => p.sync.state === 'live', { timeoutMs: 5_000, message: 'the book to be in sync' });
    expect(p.resyncs.map((r) => r.reason)).toEqual(['snapshot-too-old']);
    expect(p.snapshots).toBe(2);
    expectTruth(sim, p);
  });
});
