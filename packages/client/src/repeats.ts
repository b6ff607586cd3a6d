import { venueIdOrder } from '@tickgate/schema';
import { ClientError } from './errors.js';

/** Default number of distinct recent trade ids remembered per instrument of a venue whose ids carry no order. */
export const DEFAULT_REPEAT_WINDOW = 10_000;

const INTEGER_ID = /^\d+$/;

/** `id` without leading zeros, or `undefined` when it is not a non-negative decimal integer. */
function integerId(id: string): string | undefined {
  if (!INTEGER_ID.test(id)) return undefined;
  const digits = id.replace(/^0+/, '');
  return digits === '' ? '0' : digits;
}

/** Exact order of two canonical (no leading zero) decimal integers of any size: by length, then lexically. */
function compareIntegers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The last `capacity` distinct ids accepted, oldest forgotten first. */
class RecentIds {
  readonly #ids = new Set<string>();
  readonly #order: (string | undefined)[];
  #next = 0;

  constructor(readonly capacity: number) {
    this.#order = new Array<string | undefined>(capacity);
  }

  /** True if `id` is among the remembered ones; otherwise remembers it and returns false. */
  seen(id: string): boolean {
    if (this.#ids.has(id)) return true;
    const oldest = this.#order[this.#next];
    if (oldest !== undefined) this.#ids.delete(oldest);
    this.#order[this.#next] = id;
    this.#next = (this.#next + 1) % this.capacity;
    this.#ids.add(id);
    return false;
  }
}

/**
 * Recognizes trades a live subscription has already delivered, per venue and instrument. For a venue
 * with consecutive integer ids (`venueIdOrder`), a trade whose id is at or below the last delivered one
 * is a repeat (or arrived out of order, after a later one) — ids are compared exactly, at any size. For
 * other venues, and for an id that is not an integer, a trade is a repeat when its id is among the last
 * `window` distinct ids delivered for that instrument.
 */
export class RepeatFilter {
  readonly #window: number;
  readonly #last = new Map<string, { id: string; tradeTime: number }>();
  readonly #recent = new Map<string, RecentIds>();

  constructor(window: number = DEFAULT_REPEAT_WINDOW) {
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `repeatWindow must be a positive integer, got ${String(window)}`);
    }
    this.#window = window;
  }

  /**
   * True if the trade repeats one already accepted; otherwise it is accepted (remembered) and false is
   * returned. With consecutive ids, a trade at or below the last id accepted is a repeat unless it is
   * also later in time (`tradeTime`, when given): then the venue started its ids over (a `reset`
   * status says so) and the new sequence is followed.
   */
  isRepeat(venue: string, instrument: string, id: string, tradeTime?: number): boolean {
    const key = `${venue} ${instrument}`;
    const integer = venueIdOrder(venue) === 'consecutive' ? integerId(id) : undefined;
    if (integer !== undefined) {
      const last = this.#last.get(key);
      const time = tradeTime ?? Number.NEGATIVE_INFINITY;
      if (last !== undefined && compareIntegers(integer, last.id) <= 0 && !(time > last.tradeTime)) return true;
      this.#last.set(key, { id: integer, tradeTime: Math.max(time, last?.tradeTime ?? Number.NEGATIVE_INFINITY) });
      return false;
    }
    let recent = this.#recent.get(key);
    if (recent === undefined) {
      recent = new RecentIds(this.#window);
      this.#recent.set(key, recent);
    }
    return recent.seen(id);
  }
}
