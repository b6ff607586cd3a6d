/**
 * Request-weight accounting for one venue (pure: times are passed in, ms).
 *
 * Two views of the weight used, the larger of which counts:
 * - **local**: weights of the requests sent in the last `windowMs` (a sliding window). Because it
 *   slides, the local count bounds the weight sent in *any* window of that length, whatever the
 *   alignment of the venue's own window and whatever the clock offset.
 * - **venue**: the used weight the venue reported in a response header. It also covers requests made
 *   by other clients from the same IP. It is taken to hold until the end of the clock-aligned window it
 *   was reported in (venues count per calendar minute), then forgotten.
 *
 * A request of weight `w` may go when `used + w <= budget`, where `budget` is the safety fraction of
 * the venue's limit. A request heavier than the budget may still go when nothing at all is counted
 * (else it could never go), provided it is within the venue's hard limit.
 */
export class WeightWindow {
  /** The venue's hard limit per window. */
  readonly limit: number;
  /** What this client allows itself per window: `floor(limit * safetyFraction)`, at least 1. */
  readonly budget: number;
  readonly windowMs: number;

  /** Send times and weights, oldest first, within the last window. */
  private readonly sent: { at: number; weight: number }[] = [];
  private head = 0;
  private localSum = 0;
  private venueUsed = 0;
  private venueWindow = -1;

  constructor(limit: number, safetyFraction: number, windowMs: number) {
    if (!(limit > 0)) throw new RangeError(`weight limit must be > 0, got ${limit}`);
    if (!(safetyFraction > 0 && safetyFraction <= 1)) throw new RangeError(`safetyFraction must be in (0, 1], got ${safetyFraction}`);
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    this.limit = limit;
    this.budget = Math.max(1, Math.floor(limit * safetyFraction));
    this.windowMs = windowMs;
  }

  /** Weight sent by this client in the last `windowMs`. */
  localUsed(now: number): number {
    this.expire(now);
    return this.localSum;
  }

  /** The venue's last report for the current aligned window, or `undefined`. */
  venueReported(now: number): number | undefined {
    return this.alignedWindow(now) === this.venueWindow ? this.venueUsed : undefined;
  }

  /** The weight that counts now: the larger of local and venue-reported. */
  used(now: number): number {
    return Math.max(this.localUsed(now), this.venueReported(now) ?? 0);
  }

  /** Whether a request of `weight` may be sent now. */
  fits(weight: number, now: number): boolean {
    const used = this.used(now);
    if (used + weight <= this.budget) return true;
    return used === 0 && weight <= this.limit;
  }

  /** Count a request of `weight` sent at `now`. */
  take(weight: number, now: number): void {
    this.expire(now);
    this.sent.push({ at: now, weight });
    this.localSum += weight;
  }

  /**
   * Record the venue's used-weight header from a response to a request sent at `sentAt` and received
   * at `now`. Ignored when the two fall in different aligned windows (which window would it be?).
   */
  noteVenueUsed(used: number, sentAt: number, now: number): void {
    if (!Number.isFinite(used) || used < 0) return;
    const w = this.alignedWindow(now);
    if (w !== this.alignedWindow(sentAt)) return;
    if (w !== this.venueWindow) {
      this.venueWindow = w;
      this.venueUsed = used;
    } else if (used > this.venueUsed) {
      this.venueUsed = used;
    }
  }

  /** Earliest time (≥ now) at which a request of `weight` fits, assuming nothing else is sent. */
  nextFit(weight: number, now: number): number {
    if (this.fits(weight, now)) return now;
    let at = now;
    // The venue's report lasts until its aligned window ends.
    const venue = this.venueReported(now);
    if (venue !== undefined && venue + weight > this.budget && !(venue === 0 && weight <= this.limit)) {
      at = (this.alignedWindow(now) + 1) * this.windowMs;
    }
    // Local: wait until enough old sends have left the sliding window.
    const target = weight > this.budget ? 0 : this.budget - weight;
    let sum = this.localSum;
    for (let i = this.head; i < this.sent.length && sum > target; i++) {
      const s = this.sent[i];
      if (s === undefined) break;
      sum -= s.weight;
      at = Math.max(at, s.at + this.windowMs);
    }
    return at;
  }

  private alignedWindow(t: number): number {
    return Math.floor(t / this.windowMs);
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.sent.length) {
      const s = this.sent[this.head];
      if (s === undefined || s.at > cutoff) break;
      this.localSum -= s.weight;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.sent.length) {
      this.sent.splice(0, this.head);
      this.head = 0;
    }
  }
}
