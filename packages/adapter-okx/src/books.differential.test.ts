import { BookPipeline } from '@tickgate/adapter-conformance';
import { startOkxSim, type OkxSim, type OkxSimOptions } from '@tickgate/exchange-sim/okx';
import { waitFor } from '@tickgate/testing';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, type BookLevel } from '@tickgate/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { okx } from './index.js';

const INFO = { instrument: 'BTC-USDT', symbol: 'BTC-USDT', base: 'BTC', quote: 'USDT' };
const DEPTH = 20;

function truth(sim: OkxSim, seqId: string): { bids: BookLevel[]; asks: BookLevel[] } {
  const view = sim.market.bookAt('BTC-USDT', Number(seqId));
  const canon = (levels: readonly { price: string; qty: string }[]): BookLevel[] =>
    levels.slice(0, DEPTH).map((l) => [canonicalDecimalOrUndefined(l.price)!, canonicalSizeOrUndefined(l.qty)!] as BookLevel);
  return { bids: canon(view.bids), asks: canon(view.asks) };
}

/**
 * OKX's book path against the simulator (`books` pushes → the adapter's parser → `BookSync` on the
 * `chain` rule, REST `/api/v5/market/books` with `seqId`, or the legacy in-band snapshot → a consumer):
 * the consumer's book equals the true book at the same `seqId`, with and without the initial WebSocket
 * snapshot, across seqId jumps, keep-alives, a venue reset and each book fault.
 */
describe('OKX books: simulator → adapter → BookSync → consumer equals the true book', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function run(options: { sim?: OkxSimOptions; fault?: (sim: OkxSim) => void; resync?: string }): Promise<{ sim: OkxSim; p: BookPipeline }> {
    const sim = await startOkxSim({ seed: 31, books: true, rate: 0, rest: { requestsPerWindow: 1000 }, ...options.sim });
    cleanups.push(() => sim.close());
    for (let i = 0; i < 3; i++) sim.market.changeBook('BTC-USDT', 3);
    const p = new BookPipeline({ adapter: okx, info: INFO, wsUrl: `${sim.wsUrl}/ws/v5/public`, restUrl: sim.restUrl, depth: DEPTH, snapshotDepth: 400 });
    cleanups.push(() => p.close());
    await p.start();
    await new Promise((r) => setTimeout(r, 50)); // the subscription is in place
    for (let i = 0; i < 3; i++) sim.market.changeBook('BTC-USDT', 3);
    await waitFor(() => p.sync.state === 'live', { timeoutMs: 5_000, message: 'the book to be in sync' });
    options.fault?.(sim);
    for (let i = 0; i < 40; i++) {
      sim.market.changeBook('BTC-USDT', 4);
      if (i % 10 === 0) sim.market.generate('BTC-USDT', 3);
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = String(sim.market.orderBook('BTC-USDT').updateId);
    await waitFor(() => p.sync.state === 'live' && p.consumer.updateId === last, { timeoutMs: 8_000, message: `the consumer to reach seqId ${last}` });
    const t = truth(sim, p.consumer.updateId);
    expect(p.top('bids')).toEqual(t.bids);
    expect(p.top('asks')).toEqual(t.asks);
    expect(p.rejections).toEqual([]);
    expect(p.consumer.seqJumps).toBe(0);
    if (options.resync) expect(p.resyncs.map((r) => r.reason)).toContain(options.resync);
    else expect(p.resyncs).toEqual([]);
    return { sim, p };
  }

  it('with the legacy WebSocket snapshot: anchored in band, no REST snapshot needed', async () => {
    const { p } = await run({});
    expect(p.snapshots).toBe(0);
  });

  it('without it (the new procedure): anchored on the REST snapshot and its seqId', async () => {
    const { p } = await run({ sim: { ws: { booksSnapshot: false } } });
    expect(p.snapshots).toBe(1);
  });

  it('dropped pushes: a gap and a resync from REST', async () => {
    await run({ sim: { ws: { booksSnapshot: false } }, fault: (sim) => sim.faults.skipBookDeltas(2), resync: 'gap' });
  });

  it('duplicated pushes: a gap and a resync (a repeat does not chain)', async () => {
    await run({ sim: { ws: { booksSnapshot: false } }, fault: (sim) => sim.faults.duplicateBookDeltas(2), resync: 'gap' });
  });

  it('a venue reset (seqId lower than prevSeqId): followed without a resync', async () => {
    const { sim, p } = await run({ sim: { ws: { booksSnapshot: false } }, fault: (s) => s.faults.restartBooks() });
    expect(sim.faults.counters.bookRestarts).toBe(1);
    expect(p.sync.counters().resets).toBe(1);
  });
});
