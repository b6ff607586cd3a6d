import { compareDecimals, type BookLevel } from '@tickgate/schema';

/** A side of a book: `bid` (best is the highest price) or `ask` (best is the lowest). */
export type BookSide = 'bid' | 'ask';

/** Digits before the dot of a canonical decimal (all of them when it has none). */
function integerLength(price: string): number {
  const dot = price.indexOf('.');
  return dot < 0 ? price.length : dot;
}

/**
 * One side's levels in three parallel arrays ordered worst to best, so that the best level is last and
 * the changes near the top of the book (the common case) move few elements: the prices, their sizes, and
 * the length of each price's integer part, which the search compares first.
 *
 * Why that is `compareDecimals` order: canonical integer parts have no leading zeros, so a longer one is
 * greater; of two canonical decimals whose integer parts are as long, the plain string order (`<`) is
 * the numeric order: the integer digits line up, then the dots, then the fraction digits, and when one
 * is the start of the other the longer has more non-zero digits after it (no trailing zeros) and is
 * greater, as the string order says. The property tests of `order-book.test.ts` hold the book to a
 * reference sorted by `compareDecimals`.
 */
class SideLevels {
  readonly prices: string[] = [];
  readonly sizes: string[] = [];
  private readonly integerLengths: number[] = [];

  /** `sign * compareDecimals(a, b)` orders the side worst to best: +1 for bids, -1 for asks. */
  constructor(private readonly sign: 1 | -1) {}

  get length(): number {
    return this.prices.length;
  }

  /** First index whose price is at least as good as `price` (binary search); `length` when none. */
  lowerBound(price: string): number {
    const prices = this.prices;
    const lengths = this.integerLengths;
    const key = integerLength(price);
    let lo = 0;
    let hi = prices.length;
    if (this.sign > 0) {
      // Bids, low to high: skip the prices below `price`.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const d = lengths[mid]! - key;
        if (d < 0 || (d === 0 && prices[mid]! < price)) lo = mid + 1;
        else hi = mid;
      }
    } else {
      // Asks, high to low: skip the prices above `price`.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const d = lengths[mid]! - key;
        if (d > 0 || (d === 0 && prices[mid]! > price)) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }

  /** Index of `price`, or -1 when absent. */
  indexOf(price: string): number {
    const i = this.lowerBound(price);
    return i < this.prices.length && this.prices[i] === price ? i : -1;
  }

  set(price: string, size: string): void {
    const i = this.lowerBound(price);
    const present = i < this.prices.length && this.prices[i] === price;
    if (size === '0') {
      if (present) {
        this.prices.splice(i, 1);
        this.sizes.splice(i, 1);
        this.integerLengths.splice(i, 1);
      }
    } else if (present) {
      this.sizes[i] = size;
    } else if (i === this.prices.length) {
      this.push(price, size);
    } else {
      this.prices.splice(i, 0, price);
      this.sizes.splice(i, 0, size);
      this.integerLengths.splice(i, 0, integerLength(price));
    }
  }

  private push(price: string, size: string): void {
    this.prices.push(price);
    this.sizes.push(size);
    this.integerLengths.push(integerLength(price));
  }

  private empty(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
    this.integerLengths.length = 0;
  }

  /** Load levels given in any order; zero sizes are skipped, a repeated price keeps its last size. */
  load(levels: readonly BookLevel[]): void {
    this.empty();
    // A venue sends its levels best first: read them backwards and check the order on the way.
    let ordered = true;
    for (let i = levels.length - 1; i >= 0; i--) {
      const [price, size] = levels[i]!;
      if (size === '0') continue;
      const n = this.prices.length;
      if (n > 0 && this.sign * compareDecimals(this.prices[n - 1]!, price) >= 0) {
        ordered = false;
        break;
      }
      this.push(price, size);
    }
    if (ordered) return;
    this.empty();
    for (const [price, size] of levels) if (size !== '0') this.set(price, size);
  }
}

/**
 * An L2 order book: per side, levels keyed by canonical price strings with absolute sizes, kept sorted by
 * `compareDecimals` (exact; never a float). Updates find their place by binary search. The book holds
 * whatever it is given, however deep; it does not check that it is uncrossed (see `isCrossed`).
 *
 * Prices must be canonical positive decimals and sizes canonical sizes (`canonicalSizeOrUndefined`
 * output; `"0"` removes): the book does not check them, its callers do.
 */
export class OrderBook {
  private readonly bidLevels = new SideLevels(1);
  private readonly askLevels = new SideLevels(-1);

  private side(side: BookSide): SideLevels {
    return side === 'bid' ? this.bidLevels : this.askLevels;
  }

  /** Set the level at `price` to the absolute `size`; `"0"` removes it (removing an absent level does nothing). */
  apply(side: BookSide, price: string, size: string): void {
    this.side(side).set(price, size);
  }

  /** Make the book exactly these levels (any order; zero sizes skipped; a repeated price keeps its last size). */
  replace(bids: readonly BookLevel[], asks: readonly BookLevel[]): void {
    this.bidLevels.load(bids);
    this.askLevels.load(asks);
  }

  /** Remove every level. */
  clear(): void {
    this.replace([], []);
  }

  /** The levels of a side, best first (bids high to low, asks low to high), at most `depth` of them. */
  levels(side: BookSide, depth = Number.POSITIVE_INFINITY): BookLevel[] {
    const s = this.side(side);
    const n = s.length;
    const count = Math.min(n, depth);
    const out: BookLevel[] = new Array<BookLevel>(count);
    for (let r = 0; r < count; r++) out[r] = [s.prices[n - 1 - r]!, s.sizes[n - 1 - r]!];
    return out;
  }

  /** The best level of a side, or `undefined` when the side is empty. */
  best(side: BookSide): BookLevel | undefined {
    return this.levelAt(side, 0);
  }

  /** The level `rank` places below the best (0 is the best), or `undefined` beyond the side. */
  levelAt(side: BookSide, rank: number): BookLevel | undefined {
    const s = this.side(side);
    const i = s.length - 1 - rank;
    return rank >= 0 && i >= 0 ? [s.prices[i]!, s.sizes[i]!] : undefined;
  }

  /** The size at `price`, or `undefined` when the side has no level there. */
  sizeAt(side: BookSide, price: string): string | undefined {
    const s = this.side(side);
    const i = s.indexOf(price);
    return i < 0 ? undefined : s.sizes[i];
  }

  /** How many levels of the side are strictly better than `price` (its rank, whether present or not). */
  rankOf(side: BookSide, price: string): number {
    const s = this.side(side);
    const i = s.lowerBound(price);
    return s.length - (i < s.length && s.prices[i] === price ? i + 1 : i);
  }

  /**
   * Where `price` is on a side, in one search: its rank (0 is the best) when the side has a level there,
   * else `-1 - rank` with the rank a level there would take. `sizeAtRank` then reads the level's size.
   */
  locate(side: BookSide, price: string): number {
    const s = this.side(side);
    const i = s.lowerBound(price);
    const n = s.length;
    return i < n && s.prices[i] === price ? n - 1 - i : i - n - 1;
  }

  /** The size of the level `rank` places below the best, or `undefined` beyond the side. */
  sizeAtRank(side: BookSide, rank: number): string | undefined {
    const s = this.side(side);
    const i = s.length - 1 - rank;
    return rank >= 0 && i >= 0 ? s.sizes[i] : undefined;
  }

  /** Number of levels on a side. */
  levelCount(side: BookSide): number {
    return this.side(side).length;
  }

  /** The best bid is at or above the best ask (a locked book counts as crossed). False when a side is empty. */
  isCrossed(): boolean {
    const b = this.bidLevels;
    const a = this.askLevels;
    if (b.length === 0 || a.length === 0) return false;
    return compareDecimals(b.prices[b.length - 1]!, a.prices[a.length - 1]!) >= 0;
  }
}
