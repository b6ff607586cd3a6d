import { compareDecimals, type Book, type BookLevel } from '@tickgate/schema';
import { safeCall } from './stats.js';

/** One price level of a book: canonical decimal strings. */
export interface PriceLevel {
  readonly price: string;
  readonly size: string;
}

/** A consistent L2 book as of one book message: every level of both sides, best first. */
export interface BookState {
  readonly venue: string;
  readonly instrument: string;
  /** The gateway `seq` of the last message applied. */
  readonly seq: number;
  /** The venue's update id the book is at (of the last message applied). */
  readonly updateId: string;
  /** High to low; at most `depth` levels when the subscription has one. */
  readonly bids: readonly PriceLevel[];
  /** Low to high; at most `depth` levels when the subscription has one. */
  readonly asks: readonly PriceLevel[];
  /** The venue's time of the last update applied, µs, where it gives one. */
  readonly exchangeTime?: number;
  /** Gateway receive time of the last update applied, µs. */
  readonly receiveTime: number;
}

/** Why a book went out of sync: a `seq` that is not the previous one plus 1, or a crossed result. */
export type BookBreakReason = 'gap' | 'crossed';

/** What `onResync` is told when a book goes out of sync. */
export interface BookResync {
  reason: BookBreakReason;
  /** `seq` of the message that broke the chain (or produced the crossed book). */
  seq: number;
  /** The `seq` that was expected (the previous one plus 1). */
  expectedSeq: number;
}

/**
 * One side of a book: levels best first in a sorted array, found by binary search on exact decimal
 * order. A change costs a search and at most one splice; nothing is ever re-sorted.
 */
export class BookSide {
  #levels: PriceLevel[] = [];

  /** `descending`: bids (high to low); otherwise asks (low to high). */
  constructor(readonly descending: boolean) {}

  get size(): number {
    return this.#levels.length;
  }

  /** The best level, if any. */
  best(): PriceLevel | undefined {
    return this.#levels[0];
  }

  /** Negative when price `a` comes before `b` on this side. */
  #order(a: string, b: string): number {
    return this.descending ? compareDecimals(b, a) : compareDecimals(a, b);
  }

  /** Index of `price`, or of where it would be inserted. */
  #search(price: string): number {
    let lo = 0;
    let hi = this.#levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#order((this.#levels[mid] as PriceLevel).price, price) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replace every level by `levels`, which are already best first (as `decodeBook` guarantees). */
  replace(levels: readonly BookLevel[]): void {
    const next = new Array<PriceLevel>(levels.length);
    for (let i = 0; i < levels.length; i++) {
      const [price, size] = levels[i] as BookLevel;
      next[i] = { price, size };
    }
    this.#levels = next;
  }

  /** Set one level's size; size `"0"` removes it (a level that is not there is no error). */
  set(price: string, size: string): void {
    const levels = this.#levels;
    const i = this.#search(price);
    const found = i < levels.length && (levels[i] as PriceLevel).price === price;
    if (size === '0') {
      if (found) levels.splice(i, 1);
    } else if (found) {
      levels[i] = { price, size };
    } else {
      levels.splice(i, 0, { price, size });
    }
  }

  clear(): void {
    this.#levels = [];
  }

  /** A copy of the best `depth` levels (all without `depth`); the level objects are shared and never changed. */
  top(depth?: number): PriceLevel[] {
    return depth === undefined ? this.#levels.slice() : this.#levels.slice(0, depth);
  }
}

/** Counters of a book's sync (added to a book subscription's `stats`). */
export interface LocalBookStats {
  /** Times the book went out of sync (a `seq` jump, a crossed result) or a snapshot healed a `seq` jump. */
  resyncs: number;
  /** Of `resyncs`, how many were a crossed book. */
  crossed: number;
  /** Valid book messages not applied: deltas before the first snapshot or while waiting for the next one. */
  skipped: number;
}

/**
 * Keeps one instrument's book in sync from its book messages, in `seq` order: deltas wait for a first
 * snapshot; a delta whose `seq` is not the previous one plus 1, or one that crosses the book, puts the
 * book out of sync until the next snapshot. `apply` returns the state after each message applied, and
 * nothing while out of sync. Pure: no I/O, no clock.
 */
export class LocalBook {
  readonly #bids = new BookSide(true);
  readonly #asks = new BookSide(false);
  readonly #depth: number | undefined;
  readonly #stats: LocalBookStats;
  readonly #onResync: ((info: BookResync) => void) | undefined;
  #synced = false;
  /** `seq` of the last message applied while in sync. */
  #lastSeq = 0;

  constructor(options: { depth?: number; stats: LocalBookStats; onResync?: (info: BookResync) => void }) {
    this.#depth = options.depth;
    this.#stats = options.stats;
    this.#onResync = options.onResync;
  }

  /** Whether the book is consistent (a snapshot and an unbroken chain of deltas since). */
  get synced(): boolean {
    return this.#synced;
  }

  #break(reason: BookBreakReason, seq: number, expectedSeq: number): void {
    this.#stats.resyncs++;
    if (reason === 'crossed') this.#stats.crossed++;
    this.#synced = false;
    this.#bids.clear();
    this.#asks.clear();
    safeCall(this.#onResync, { reason, seq, expectedSeq });
  }

  #crossed(): boolean {
    const bid = this.#bids.best();
    const ask = this.#asks.best();
    return bid !== undefined && ask !== undefined && compareDecimals(bid.price, ask.price) >= 0;
  }

  /** Apply one decoded book message; the resulting state, or `undefined` while out of sync. */
  apply(book: Book): BookState | undefined {
    if (book.action === 'snapshot') {
      // A snapshot is the whole book: it heals any gap, but a gap seen while in sync still counts.
      if (this.#synced && book.seq !== this.#lastSeq + 1) this.#break('gap', book.seq, this.#lastSeq + 1);
      this.#bids.replace(book.bids);
      this.#asks.replace(book.asks);
    } else {
      if (!this.#synced) {
        this.#stats.skipped++;
        return undefined;
      }
      if (book.seq !== this.#lastSeq + 1) {
        this.#break('gap', book.seq, this.#lastSeq + 1);
        this.#stats.skipped++;
        return undefined;
      }
      for (const [price, size] of book.bids) this.#bids.set(price, size);
      for (const [price, size] of book.asks) this.#asks.set(price, size);
    }
    if (this.#crossed()) {
      this.#break('crossed', book.seq, this.#synced ? this.#lastSeq + 1 : book.seq);
      return undefined;
    }
    this.#synced = true;
    this.#lastSeq = book.seq;
    return this.#state(book);
  }

  #state(book: Book): BookState {
    const state: { -readonly [K in keyof BookState]: BookState[K] } = {
      venue: book.venue,
      instrument: book.instrument,
      seq: book.seq,
      updateId: book.updateId,
      bids: this.#bids.top(this.#depth),
      asks: this.#asks.top(this.#depth),
      receiveTime: book.receiveTime,
    };
    if (book.exchangeTime !== undefined) state.exchangeTime = book.exchangeTime;
    return state;
  }
}
