import { compareDecimals, type BookLevel } from '@tickgate/schema';
import type { BookSide, OrderBook } from './order-book.js';

const byBid = (a: BookLevel, b: BookLevel): number => compareDecimals(b[0], a[0]);
const byAsk = (a: BookLevel, b: BookLevel): number => compareDecimals(a[0], b[0]);

/**
 * Apply one side's level changes of a venue message to `book` (absolute sizes, `"0"` removes) and return
 * how its top-`depth` view changed, best first: each level now in the view that was not, or whose size
 * changed, with its size; each level that left the view with size `"0"`. That includes levels the
 * message did not name: those pulled into the view when a level above was removed, and those pushed out
 * by a level inserted above. A consumer applying the result to the old view and truncating to `depth`
 * gets the new view exactly.
 *
 * Work is O(k log n) for k changes on a side of n levels, plus the levels that crossed the view's edge
 * (at most k); a message that only touches levels below the view costs no more than applying it.
 */
export function applyTopDelta(book: OrderBook, side: BookSide, changes: readonly BookLevel[], depth: number): BookLevel[] {
  if (changes.length === 0) return [];
  // The last size given for a price wins (sizes are absolute).
  let changed: Map<string, string>;
  if (changes.length === 1) {
    changed = new Map([changes[0]!]);
  } else {
    changed = new Map();
    for (const [price, size] of changes) changed.set(price, size);
  }
  const prices = [...changed.keys()];
  const beforeSizes: Array<string | undefined> = new Array<string | undefined>(prices.length);
  const inBefore: boolean[] = new Array<boolean>(prices.length);
  let changedInBefore = 0;
  let touched = false;
  for (let i = 0; i < prices.length; i++) {
    // One search gives both the size (if present) and the rank (where it is or would go).
    const where = book.locate(side, prices[i]!);
    const rank = where >= 0 ? where : -1 - where;
    const before = where >= 0 && rank < depth;
    beforeSizes[i] = before ? book.sizeAtRank(side, where) : undefined;
    inBefore[i] = before;
    if (before) changedInBefore++;
    if (rank < depth) touched = true;
  }
  for (const [p, size] of changed) book.apply(side, p, size);
  if (!touched) {
    // Every named price ranked below the view's edge before (an absent one by where it would go), so
    // it still does: nothing in the view moved.
    return [];
  }
  const out: BookLevel[] = [];
  let changedInAfter = 0;
  let changedPresentAfter = 0;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i]!;
    const rank = book.locate(side, p);
    if (rank < 0) {
      if (inBefore[i]) out.push([p, '0']);
      continue;
    }
    changedPresentAfter++;
    if (rank < depth) {
      const size = book.sizeAtRank(side, rank)!;
      changedInAfter++;
      if (!inBefore[i] || beforeSizes[i] !== size) out.push([p, size]);
    } else if (inBefore[i]) {
      out.push([p, '0']);
    }
  }
  // Levels the message did not name, in book order, keep their order: the view holds a prefix of them
  // before and after, of lengths a and b. Those between a and b entered (b > a) or left (a > b) the view.
  const unchanged = book.levelCount(side) - changedPresentAfter;
  const a = Math.min(unchanged, depth - changedInBefore);
  const b = Math.min(unchanged, depth - changedInAfter);
  if (b > a) {
    // Entered: the last b - a unnamed levels of the new view.
    let need = b - a;
    for (let r = Math.min(depth, book.levelCount(side)) - 1; need > 0 && r >= 0; r--) {
      const level = book.levelAt(side, r)!;
      if (changed.has(level[0])) continue;
      out.push(level);
      need--;
    }
  } else if (a > b) {
    // Left: the first a - b unnamed levels below the new view.
    let need = a - b;
    for (let r = depth; need > 0; r++) {
      const level = book.levelAt(side, r);
      if (level === undefined) break;
      if (changed.has(level[0])) continue;
      out.push([level[0], '0']);
      need--;
    }
  }
  if (out.length > 1) out.sort(side === 'bid' ? byBid : byAsk);
  return out;
}
