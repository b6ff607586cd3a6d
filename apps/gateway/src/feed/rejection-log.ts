import type { Logger, Rejection } from '@tickgate/core';

/** Rejections logged one by one per window; the rest are counted and summed up in one line. */
export const REJECTIONS_LOGGED_PER_WINDOW = 10;
export const REJECTION_LOG_WINDOW_MS = 60_000;

/**
 * Logs rejected frames at a bounded rate: the first `perWindow` of each window one line each (with the
 * frame's start), then nothing but a count, logged once when the window is over (`flush`, called
 * periodically, or the next rejection). Every rejection is still counted in metrics by the caller.
 */
export class RejectionLog {
  private windowStart: number | undefined;
  private logged = 0;
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly perWindow = REJECTIONS_LOGGED_PER_WINDOW,
    private readonly windowMs = REJECTION_LOG_WINDOW_MS,
  ) {}

  rejected(rejection: Rejection, nowMs: number): void {
    this.flush(nowMs);
    this.windowStart ??= nowMs;
    if (this.logged < this.perWindow) {
      this.logged++;
      this.logger.warn({ reason: rejection.reason, instrument: rejection.instrument, tradeId: rejection.tradeId, raw: rejection.raw }, `frame rejected: ${rejection.message}`);
      if (this.logged === this.perWindow) this.logger.warn({ windowMs: this.windowMs }, 'frames rejected: logging no more one by one until the window is over (all are counted in tickgate_rejections_total)');
      return;
    }
    this.suppressed.set(rejection.reason, (this.suppressed.get(rejection.reason) ?? 0) + 1);
  }

  /** The window is over: log what was not logged in it (once), and start a new one. */
  flush(nowMs: number): void {
    if (this.windowStart === undefined || nowMs - this.windowStart < this.windowMs) return;
    if (this.suppressed.size > 0) {
      let total = 0;
      for (const n of this.suppressed.values()) total += n;
      this.logger.warn({ notLogged: total, byReason: Object.fromEntries(this.suppressed), windowMs: this.windowMs }, 'frames rejected and not logged one by one');
    }
    this.suppressed.clear();
    this.logged = 0;
    this.windowStart = undefined;
  }
}
