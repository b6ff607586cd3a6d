import { monotonicMs } from '../clock.js';

/** Settings of {@link AttemptBudget}. */
export interface AttemptBudgetOptions {
  /** Most attempts in any window of `windowMs`. */
  readonly max: number;
  /** Window length, ms. */
  readonly windowMs: number;
  /** Monotonic ms; {@link monotonicMs} unless injected. */
  readonly now?: () => number;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A sliding-window budget: at most `max` attempts in any `windowMs`. Callers that would exceed it are
 * delayed (first come, first served), never refused. Used for connection attempts per venue (shared by
 * every connection of this process, see {@link sharedAttemptBudget}) and for paced client messages.
 */
export class AttemptBudget {
  readonly max: number;
  readonly windowMs: number;
  private readonly now: () => number;
  /** Times of the attempts still inside the window, oldest first. */
  private readonly taken: number[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: AttemptBudgetOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError('attempt budget max must be a positive integer');
    if (!(options.windowMs > 0)) throw new RangeError('attempt budget windowMs must be positive');
    this.max = options.max;
    this.windowMs = options.windowMs;
    this.now = options.now ?? monotonicMs;
  }

  /** Attempts inside the current window. */
  used(): number {
    this.prune(this.now());
    return this.taken.length;
  }

  /** Times (monotonic ms, oldest first) of the attempts still inside the window. */
  recent(): readonly number[] {
    this.prune(this.now());
    return [...this.taken];
  }

  /** How long (ms) until one more attempt fits; 0 when one fits now. */
  waitMs(): number {
    const now = this.now();
    this.prune(now);
    if (this.taken.length < this.max) return 0;
    const oldest = this.taken[this.taken.length - this.max] as number;
    return Math.max(0, oldest + this.windowMs - now);
  }

  /** Takes an attempt if one fits now (and nobody is queued ahead); returns whether it did. */
  tryTake(): boolean {
    if (this.waiters.length > 0) return false;
    return this.takeNow();
  }

  /**
   * Resolves once an attempt fits, having taken it. Rejects with `signal.reason` if `signal` aborts first
   * (the attempt is then not taken).
   */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          if (this.waiters.length === 0) this.clearTimer();
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  private takeNow(): boolean {
    const now = this.now();
    this.prune(now);
    if (this.taken.length >= this.max) return false;
    this.taken.push(now);
    return true;
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.taken.length && (this.taken[drop] as number) <= now - this.windowMs) drop += 1;
    if (drop > 0) this.taken.splice(0, drop);
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    // Timers may fire a little early against the clock: wait at least 1 ms and check again on wake-up.
    this.timer = setTimeout(() => this.drain(), Math.max(1, Math.ceil(this.waitMs())));
  }

  private drain(): void {
    this.timer = undefined;
    while (this.waiters.length > 0 && this.takeNow()) {
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const shared = new Map<string, AttemptBudget>();

/**
 * The process-wide budget for `key` (a venue id): every feed runner of that venue shares it, so that
 * all connections together stay within the venue's per-IP attempt limit. The first caller's limits
 * win; later callers with other limits get the existing budget.
 */
export function sharedAttemptBudget(key: string, limits: { readonly max: number; readonly windowMs: number }): AttemptBudget {
  let budget = shared.get(key);
  if (!budget) {
    budget = new AttemptBudget(limits);
    shared.set(key, budget);
  }
  return budget;
}
