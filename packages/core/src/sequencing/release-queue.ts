import type { Trade } from '@tickgate/schema';

/** A trade held behind a gap, with the ids it covers (`start..end`; more than one for an aggregate). */
export interface HeldTrade {
  readonly start: bigint;
  readonly end: bigint;
  readonly trade: Trade;
}

/**
 * Trades held behind gaps, kept in id order (by first id) whatever order they arrive in, and let go
 * in that order as soon as they continue the sequence. The owner makes sure held trades never share ids.
 */
export class ReleaseQueue {
  private readonly items: HeldTrade[] = [];

  /** Trades held now. */
  get size(): number {
    return this.items.length;
  }

  /** Hold `item` in its place by first id (most arrive beyond everything held: an append). */
  hold(item: HeldTrade): void {
    const items = this.items;
    const tail = items[items.length - 1];
    if (tail === undefined || tail.start < item.start) {
      items.push(item);
      return;
    }
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((items[mid]?.start ?? item.start) < item.start) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
  }

  /**
   * Let go, in order, of the held trades that continue the sequence after `last` (the first starts at
   * `last + 1`, each next one right after the one before), handing each to `release`. Returns the last
   * id released, or `last` when none continues it. `release` must not change the queue (it is only told).
   */
  releaseAfter(last: bigint, release: (trade: Trade) => void): bigint {
    const items = this.items;
    let i = 0;
    for (;;) {
      const h = items[i];
      if (h === undefined || h.start !== last + 1n) break;
      last = h.end;
      i++;
      release(h.trade);
    }
    if (i > 0) items.splice(0, i);
    return last;
  }
}
