import type { Trade } from '@tickgate/schema';

/** The trades of one instrument not held while the publisher was full: an exact range to recover. */
export interface ShedRange {
  readonly instrument: string;
  /** The last trade id handed to the publisher before shedding began (`undefined`: none yet). */
  readonly lastKeptId: string | undefined;
  readonly firstId: string;
  readonly lastId: string;
  readonly count: number;
  /** Trade times of the first and last shed trade, µs. */
  readonly fromTime: number;
  readonly toTime: number;
}

/**
 * Which trades a feed did not hold while its outbox was full (NATS stalled longer than memory
 * allows), per instrument. Shedding starts when the outbox reaches `maxPending` items and ends once it
 * has drained to half of that; each instrument's shed trades are then one range, recovered from the
 * venue (consecutive ids) or reported exactly as unrecoverable (no ids to fetch by).
 */
export class ShedLedger {
  private readonly lowWater: number;
  private shedding = false;
  private readonly ranges = new Map<string, { lastKeptId: string | undefined; firstId: string; lastId: string; count: number; fromTime: number; toTime: number }>();
  private total = 0;

  /** `lastKept(instrument)`: the last trade id of the instrument handed to the publisher (the caller keeps it). */
  constructor(
    readonly maxPending: number,
    private readonly lastKept: (instrument: string) => string | undefined,
  ) {
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new RangeError(`maxPending must be a positive integer, got ${maxPending}`);
    this.lowWater = Math.floor(maxPending / 2);
  }

  /** Shedding now. */
  get active(): boolean {
    return this.shedding;
  }

  /** Some of this instrument's trades were shed in the current episode. */
  has(instrument: string): boolean {
    return this.ranges.has(instrument);
  }

  /** Trades shed since start (counter). */
  get shedTotal(): number {
    return this.total;
  }

  /**
   * A released trade, with the outbox holding `pending` items: `true` when it should be kept (pushed
   * to the outbox), `false` when it is shed (and recorded here). Shedding starts only while NATS is
   * `stalled` (asked only once the outbox is full): a gateway merely busier than NATS keeps everything.
   */
  admit(trade: Trade, pending: number, stalled: () => boolean = () => true): boolean {
    if (!this.shedding && pending >= this.maxPending && stalled()) this.shedding = true;
    if (!this.shedding) return true;
    this.total += 1;
    const range = this.ranges.get(trade.instrument);
    if (range) {
      range.lastId = trade.id;
      range.count += 1;
      range.toTime = trade.tradeTime;
    } else {
      this.ranges.set(trade.instrument, {
        lastKeptId: this.lastKept(trade.instrument),
        firstId: trade.id,
        lastId: trade.id,
        count: 1,
        fromTime: trade.tradeTime,
        toTime: trade.tradeTime,
      });
    }
    return false;
  }

  /**
   * With the outbox holding `pending` items: when shedding and it has drained to half of
   * `maxPending`, shedding ends and the ranges shed are returned (and forgotten); otherwise none.
   */
  release(pending: number): ShedRange[] {
    if (!this.shedding || pending > this.lowWater) return [];
    this.shedding = false;
    const out = [...this.ranges].map(([instrument, r]) => ({ instrument, ...r }));
    this.ranges.clear();
    return out;
  }
}
