import type { Trade } from '@tickgate/schema';

/** Exact order of two canonical decimal integers (no leading zeros) of any size. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Notices an instrument whose live trade ids stay at or below the last id published: after
 * `threshold` such trades in a row (each later than the one before, so not a burst of replays of one
 * trade), the venue may have started its ids over. The first of them is kept: if the venue confirms,
 * the new sequence is followed from it.
 */
export class BackwardsWatch {
  private readonly runs = new Map<string, { first: Trade; lastId: string; count: number }>();

  constructor(readonly threshold = 50) {
    if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be a positive integer, got ${threshold}`);
  }

  /**
   * A live trade of an instrument whose last published id is `lastPublished`. Returns the first trade
   * of the run when the run has just reached the threshold, else `undefined`.
   */
  observe(trade: Trade, lastPublished: string | undefined): Trade | undefined {
    if (lastPublished === undefined || !/^\d+$/.test(trade.id) || compareIds(trade.id, lastPublished) > 0) {
      if (this.runs.size > 0) this.runs.delete(trade.instrument);
      return undefined;
    }
    const run = this.runs.get(trade.instrument);
    if (run === undefined) {
      this.runs.set(trade.instrument, { first: trade, lastId: trade.id, count: 1 });
      return this.threshold === 1 ? trade : undefined;
    }
    if (compareIds(trade.id, run.lastId) <= 0) return undefined; // a replay within the run: not counted
    run.lastId = trade.id;
    run.count += 1;
    return run.count === this.threshold ? run.first : undefined;
  }

  /** Instruments in a run now (their live trades are all being dropped as old). */
  suspects(): string[] {
    return [...this.runs].filter(([, r]) => r.count >= this.threshold).map(([i]) => i);
  }

  /** Forget the run of `instrument` (after the venue was asked). */
  clear(instrument: string): void {
    this.runs.delete(instrument);
  }
}
