/** The two numbers of a capped exponential backoff. */
export interface BackoffPolicy {
  /** Ceiling of the first retry delay, ms. */
  readonly baseMs: number;
  /** Largest ceiling any retry delay can have, ms. */
  readonly capMs: number;
}

/** Settings of {@link Backoff}. */
export interface BackoffOptions extends BackoffPolicy {
  /**
   * A connection must stay healthy this long before the attempt count starts over; a connection that
   * opens and dies at once keeps backing off.
   */
  readonly healthyAfterMs: number;
  /** Uniform random source in [0, 1); `Math.random` unless injected (tests seed it). */
  readonly random?: () => number;
}

/** Exponents above this already exceed any sensible cap; keeps `2 ** attempt` finite. */
const MAX_EXPONENT = 40;

/** Ceiling of the delay before retry `attempt` (0-based): `min(capMs, baseMs * 2^attempt)`, ms. */
export function backoffCeilingMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, MAX_EXPONENT));
}

/**
 * The full-jitter delay before retry `attempt` (0-based): an integer uniform in
 * `[0, backoffCeilingMs(policy, attempt))`, ms. A `random` value outside [0, 1) counts as 0.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const r = random();
  const unit = r >= 0 && r < 1 ? r : 0;
  return Math.floor(unit * backoffCeilingMs(policy, attempt));
}

/**
 * Capped exponential backoff with full jitter: the delay before retry `attempt` (0-based) is uniform in
 * `[0, min(capMs, baseMs * 2^attempt))`. Retries are unlimited. The attempt count resets only when the
 * last connection was healthy for at least `healthyAfterMs` (not merely opened).
 *
 * Times are passed in (monotonic ms) so the class holds no clock.
 */
export class Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  private readonly healthyAfterMs: number;
  private readonly random: () => number;
  private attempts = 0;
  private healthySince: number | undefined;

  constructor(options: BackoffOptions) {
    if (!(options.baseMs >= 0) || !(options.capMs >= 0) || !(options.healthyAfterMs >= 0)) {
      throw new RangeError('backoff baseMs, capMs and healthyAfterMs must be non-negative numbers');
    }
    this.baseMs = options.baseMs;
    this.capMs = options.capMs;
    this.healthyAfterMs = options.healthyAfterMs;
    this.random = options.random ?? Math.random;
  }

  /** Retries counted since the last reset (the exponent of the next delay). */
  get attempt(): number {
    return this.attempts;
  }

  /** Ceiling of the delay the next call to {@link next} draws from. */
  ceilingMs(): number {
    return backoffCeilingMs(this, this.attempts);
  }

  /** A connection became healthy (live) at `nowMs`. */
  healthy(nowMs: number): void {
    this.healthySince = nowMs;
  }

  /**
   * The connection is gone: returns the delay (ms, integer) before the next attempt and counts the
   * attempt. `lostAtMs` is when the connection was last known healthy (its last inbound traffic, or
   * simply now); if it had been healthy since at least `healthyAfterMs` before that, the count starts
   * over first.
   */
  next(lostAtMs: number): number {
    if (this.healthySince !== undefined && lostAtMs - this.healthySince >= this.healthyAfterMs) this.attempts = 0;
    this.healthySince = undefined;
    const delay = backoffDelayMs(this, this.attempts, this.random);
    this.attempts += 1;
    return delay;
  }

  /** Start over from attempt 0 (explicitly). */
  reset(): void {
    this.attempts = 0;
    this.healthySince = undefined;
  }
}
