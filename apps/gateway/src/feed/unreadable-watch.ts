/** When an instrument's stream counts as unreadable, and when as readable again. */
export interface UnreadableRules {
  /** The window over which frames are counted, ms. */
  readonly windowMs: number;
  /** Fewest rejected frames in the window that can make an instrument unreadable. */
  readonly minRejected: number;
  /** Rejected frames in a row that make an instrument unreadable whatever the window holds. */
  readonly rejectedInRow: number;
  /** Frames that parse in a row that make an unreadable instrument readable again. */
  readonly readableAfter: number;
}

/**
 * Default rules: unreadable when 10 frames in a row are rejected (a busy stream changing its format is
 * caught within a few tens of ms, before its gaps pile up), or when, over the last 10 s, at least 3 of
 * its frames were rejected and they outnumber those that parsed (a quiet one); readable again after 20
 * frames in a row parse. The asymmetry keeps a stream that is only partly unreadable in fallback
 * instead of going in and out of it.
 */
export const UNREADABLE_RULES: UnreadableRules = { windowMs: 10_000, minRejected: 3, rejectedInRow: 10, readableAfter: 20 };

const BUCKETS = 10;

/** One instrument's counts: per bucket of `windowMs / BUCKETS`, rejected and parsed frames. */
interface Counts {
  readonly rejected: number[];
  readonly parsed: number[];
  /** Index of the bucket that `bucketAt` is the start of. */
  head: number;
  bucketAt: number;
  /** While `unreadable`: frames parsed in a row. */
  inRow: number;
  /** Frames rejected in a row. */
  rejectedInRow: number;
  unreadable: boolean;
}

/** What the watch tells its owner: an instrument's frames stopped being readable (with the last rejection's reason), or are again. */
export type ReadabilityChange = { readonly instrument: string; readonly readable: false; readonly reason: string } | { readonly instrument: string; readonly readable: true };

/**
 * Tells, per instrument, whether its stream frames can be read: pure counting, no timers (time comes
 * from the caller); a parsed frame costs a map lookup and an increment. Its owner polls REST while an
 * instrument is unreadable.
 */
export class UnreadableWatch {
  private readonly tracked = new Map<string, Counts>();
  private readonly bucketMs: number;

  constructor(
    private readonly onChange: (change: ReadabilityChange) => void,
    private readonly rules: UnreadableRules = UNREADABLE_RULES,
  ) {
    this.bucketMs = Math.max(1, Math.floor(rules.windowMs / BUCKETS));
  }

  /** Whether the instrument's frames are unreadable now. */
  isUnreadable(instrument: string): boolean {
    return this.tracked.get(instrument)?.unreadable === true;
  }

  /** Instruments unreadable now. */
  unreadable(): string[] {
    return [...this.tracked].filter(([, c]) => c.unreadable).map(([i]) => i);
  }

  /** A frame of `instrument` was rejected with `reason`. */
  rejected(instrument: string, reason: string, nowMs: number): void {
    const c = this.counts(instrument, nowMs);
    this.advance(c, nowMs);
    c.rejected[c.head]!++;
    c.inRow = 0;
    c.rejectedInRow++;
    if (c.unreadable) return;
    const rejected = sum(c.rejected);
    if (c.rejectedInRow >= this.rules.rejectedInRow || (rejected >= this.rules.minRejected && rejected > sum(c.parsed))) {
      c.unreadable = true;
      this.onChange({ instrument, readable: false, reason });
    }
  }

  /** A frame of `instrument` parsed (a live trade). */
  parsed(instrument: string, nowMs: number): void {
    const c = this.counts(instrument, nowMs);
    if (nowMs - c.bucketAt >= this.bucketMs) this.advance(c, nowMs);
    c.parsed[c.head]!++;
    c.rejectedInRow = 0;
    if (c.unreadable && ++c.inRow >= this.rules.readableAfter) {
      c.unreadable = false;
      c.inRow = 0;
      this.onChange({ instrument, readable: true });
    }
  }

  private counts(instrument: string, nowMs: number): Counts {
    let c = this.tracked.get(instrument);
    if (c === undefined) {
      c = { rejected: new Array<number>(BUCKETS).fill(0), parsed: new Array<number>(BUCKETS).fill(0), head: 0, bucketAt: nowMs, inRow: 0, rejectedInRow: 0, unreadable: false };
      this.tracked.set(instrument, c);
    }
    return c;
  }

  /** Forget every instrument (a stop); no change is reported. */
  clear(): void {
    this.tracked.clear();
  }

  /** Move the head to the bucket of `nowMs`, emptying the buckets passed. */
  private advance(c: Counts, nowMs: number): void {
    const steps = Math.floor((nowMs - c.bucketAt) / this.bucketMs);
    if (steps <= 0) return;
    for (let i = 0; i < Math.min(steps, BUCKETS); i++) {
      c.head = (c.head + 1) % BUCKETS;
      c.rejected[c.head] = 0;
      c.parsed[c.head] = 0;
    }
    c.bucketAt += steps * this.bucketMs;
  }
}

function sum(values: readonly number[]): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}
