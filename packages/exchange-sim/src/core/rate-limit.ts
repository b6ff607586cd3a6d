/** Counts events in a sliding window: at most `limit` per `windowMs`. */
export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Record one event at `now`; false when it is over the limit. */
  hit(now = Date.now()): boolean {
    this.prune(now);
    this.times.push(now);
    return this.times.length <= this.limit;
  }

  count(now = Date.now()): number {
    this.prune(now);
    return this.times.length;
  }

  private prune(now: number): void {
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift();
  }
}

/** Sliding-window counters per key (e.g. connection attempts per IP). */
export class KeyedSlidingWindow {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  hit(key: string, now = Date.now()): boolean {
    let window = this.windows.get(key);
    if (!window) {
      window = new SlidingWindow(this.limit, this.windowMs);
      this.windows.set(key, window);
    }
    return window.hit(now);
  }

  count(key: string, now = Date.now()): number {
    return this.windows.get(key)?.count(now) ?? 0;
  }

  /** Forget every key's events. */
  reset(): void {
    this.windows.clear();
  }
}

export type WeightDecision =
  | { readonly status: 200; readonly used: number }
  | { readonly status: 429 | 418; readonly used: number; readonly retryAfterSec: number; readonly untilMs: number };

export interface WeightBudgetOptions {
  /** Weight allowed per window. */
  readonly limit: number;
  /** Window length; windows are aligned to multiples of it (a minute window starts on the minute). */
  readonly windowMs: number;
  /** How long a client that keeps sending after a 429 is banned (418). */
  readonly banMs: number;
}

interface KeyState {
  windowStart: number;
  used: number;
  /** End of the window in which a 429 was answered; a request before then is a violation. */
  limitedUntil: number;
  bannedUntil: number;
}

/**
 * A request-weight budget per key (client IP): within a window, requests may spend up to `limit` weight.
 * A request that would exceed it gets 429 with `Retry-After` (until the window ends) and spends nothing;
 * another request before the window ends gets 418 and bans the key for `banMs` (every request during the
 * ban gets 418).
 */
export class WeightBudget {
  private readonly keys = new Map<string, KeyState>();

  constructor(readonly options: WeightBudgetOptions) {}

  charge(key: string, weight: number, now = Date.now()): WeightDecision {
    const state = this.state(key, now);
    if (now < state.bannedUntil) return this.refuse(418, state, state.bannedUntil, now);
    if (now < state.limitedUntil) {
      state.bannedUntil = now + this.options.banMs;
      return this.refuse(418, state, state.bannedUntil, now);
    }
    if (state.used + weight > this.options.limit) {
      state.limitedUntil = state.windowStart + this.options.windowMs;
      return this.refuse(429, state, state.limitedUntil, now);
    }
    state.used += weight;
    return { status: 200, used: state.used };
  }

  /** Weight used by `key` in the current window. */
  used(key: string, now = Date.now()): number {
    return this.state(key, now).used;
  }

  reset(): void {
    this.keys.clear();
  }

  private state(key: string, now: number): KeyState {
    const windowStart = now - (now % this.options.windowMs);
    let state = this.keys.get(key);
    if (!state) {
      state = { windowStart, used: 0, limitedUntil: 0, bannedUntil: 0 };
      this.keys.set(key, state);
    } else if (state.windowStart !== windowStart) {
      state.windowStart = windowStart;
      state.used = 0;
    }
    return state;
  }

  private refuse(status: 429 | 418, state: KeyState, untilMs: number, now: number): WeightDecision {
    return { status, used: state.used, retryAfterSec: Math.max(1, Math.ceil((untilMs - now) / 1000)), untilMs };
  }
}
