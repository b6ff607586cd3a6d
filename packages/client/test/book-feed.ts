import type { Book, BookLevel } from '@tickgate/schema';
import { Decimal } from 'decimal.js';

const BASE_US = 1_700_000_000_000_000;

/** A small seeded random generator (mulberry32), so a failing run can be repeated. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `cents` hundredths as a canonical decimal: 999 → "9.99", 1000 → "10", 1010 → "10.1". */
export function centsToDecimal(cents: number): string {
  const int = Math.floor(cents / 100);
  const frac = String(cents % 100).padStart(2, '0').replace(/0+$/, '');
  return frac === '' ? String(int) : `${int}.${frac}`;
}

export interface Level {
  price: string;
  size: string;
}

/** Best first, sorted with decimal.js: an order computed independently of the library's. */
function sorted(side: Map<string, string>, descending: boolean): Level[] {
  return [...side]
    .map(([price, size]) => ({ price, size }))
    .sort((a, b) => (descending ? new Decimal(b.price).cmp(a.price) : new Decimal(a.price).cmp(b.price)));
}

/**
 * A gateway's view of one instrument's book: a reference book kept in plain maps, and the book messages
 * a gateway would publish for it (`seq` +1 per message). Bids are below 10, asks from 10.01 up, so
 * the prices cross the 9.99 / 10 digit boundary where text order and numeric order disagree.
 */
export class BookFeed {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  seq = 0;
  updateId = 1000;
  readonly #rnd: () => number;

  constructor(
    readonly venue: string,
    readonly instrument: string,
    seed = 1,
  ) {
    this.#rnd = random(seed);
    for (let i = 0; i < 40; i++) {
      this.bids.set(centsToDecimal(999 - i * 3), this.#size());
      this.asks.set(centsToDecimal(1001 + i * 3), this.#size());
    }
  }

  #size(): string {
    return centsToDecimal(1 + Math.floor(this.#rnd() * 5000));
  }

  #message(action: Book['action'], bids: BookLevel[], asks: BookLevel[]): Book {
    this.seq++;
    this.updateId += 1 + Math.floor(this.#rnd() * 3);
    return {
      v: 1,
      type: 'book',
      venue: this.venue,
      instrument: this.instrument,
      symbol: this.instrument.replace('-', ''),
      action,
      seq: this.seq,
      updateId: String(this.updateId),
      exchangeTime: BASE_US + this.seq * 1000,
      receiveTime: BASE_US + this.seq * 1000 + 300,
      bids,
      asks,
    };
  }

  /** The whole reference book as a snapshot message. */
  snapshot(): Book {
    const e = this.expected();
    return this.#message(
      'snapshot',
      e.bids.map((l) => [l.price, l.size]),
      e.asks.map((l) => [l.price, l.size]),
    );
  }

  /** A random delta (new levels, changed sizes, removals on both sides), applied to the reference book. */
  delta(): Book {
    const change = (side: Map<string, string>, lo: number, hi: number, descending: boolean): BookLevel[] => {
      const changed = new Map<string, string>();
      const n = 1 + Math.floor(this.#rnd() * 4);
      for (let k = 0; k < n; k++) {
        const price = centsToDecimal(lo + Math.floor(this.#rnd() * (hi - lo + 1)));
        const size = this.#rnd() < 0.35 ? '0' : this.#size();
        changed.set(price, size);
      }
      for (const [price, size] of changed) {
        if (size === '0') side.delete(price);
        else side.set(price, size);
      }
      return sorted(changed, descending).map((l) => [l.price, l.size]);
    };
    const bids = change(this.bids, 850, 999, true);
    const asks = change(this.asks, 1001, 1150, false);
    return this.#message('delta', bids, asks);
  }

  /**
   * A delta that puts a bid at the best ask (a crossed book). The reference book does not keep it: the
   * venue's next snapshot, which the consumer must wait for, is the truth again.
   */
  crossingDelta(): Book {
    const bestAsk = this.expected().asks[0]!.price;
    return this.#message('delta', [[bestAsk, '1']], []);
  }

  /** A delta computed as usual but not published (the consumer misses it): the next `seq` jumps. */
  lostDelta(): void {
    this.delta();
  }

  /** The reference book, best first. */
  expected(): { bids: Level[]; asks: Level[] } {
    return { bids: sorted(this.bids, true), asks: sorted(this.asks, false) };
  }
}
