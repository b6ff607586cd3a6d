import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ClientError } from './errors.js';
import { toMarketValue, TradeTick } from './events.js';
import { RepeatFilter } from './repeats.js';
import { RingBuffer } from './ring-buffer.js';
import { emptyStats, recordMalformed, safeCall, type DropHandler, type MalformedHandler, type Stats } from './stats.js';

/** Default number of live messages held for a consumer that is behind. */
export const DEFAULT_BUFFER_SIZE = 10_000;

/** Options shared by every live subscription. */
export interface LiveOptions {
  /** Messages held while the consumer is busy (default 10,000). When full, the **oldest** is dropped. */
  bufferSize?: number;
  /** Called for each message dropped from a full buffer. */
  onDrop?: DropHandler;
  /** Called for each malformed message skipped (in addition to the client's `onMalformed`). */
  onMalformed?: MalformedHandler;
  /**
   * Distinct recent trade ids remembered per instrument to recognize repeats on venues whose ids carry
   * no order, such as Bybit (default 10,000). Venues with consecutive ids need only the last id.
   */
  repeatWindow?: number;
}

/** An async iterator of values from NATS. Leaving the `for await` loop (break, return, throw) unsubscribes. */
export interface TickSubscription<T> extends AsyncIterableIterator<T> {
  /** The NATS subjects (filters) this subscription reads. */
  readonly subjects: readonly string[];
  /** This subscription's own counters. */
  readonly stats: Readonly<Stats>;
  /** Messages received and not yet read by the consumer. */
  readonly buffered: number;
  /** Stop receiving; a waiting `next()` resolves as done. Buffered values are discarded. */
  close(): Promise<void>;
}

export interface Hooks<T> {
  clientStats: Stats;
  /** Decode and validate one message (throws `WireDecodeError`). Default: `toMarketValue`. */
  decode?: (subject: string, data: Uint8Array) => T;
  onMalformed: MalformedHandler | undefined;
  onClose: (sub: { close(): Promise<void>; drain(): Promise<void> }) => void;
}

type Waiter = { resolve: (r: IteratorResult<never>) => void; reject: (e: unknown) => void };

/**
 * Core NATS subscription(s) feeding one bounded buffer. Messages are decoded when the consumer reads
 * them, so messages dropped from a full buffer are never decoded at all. Trades already delivered (a
 * publisher's resend after a stall) are skipped and counted as `repeats`; status events always pass.
 */
export class LiveSubscription<T> implements TickSubscription<T> {
  readonly subjects: readonly string[];
  readonly stats: Stats = emptyStats();
  readonly #queue: RingBuffer<Msg>;
  readonly #subs: Subscription[] = [];
  readonly #options: LiveOptions;
  readonly #hooks: Hooks<T>;
  readonly #decodeMsg: (subject: string, data: Uint8Array) => T;
  readonly #repeats: RepeatFilter;
  #waiter: Waiter | undefined;
  #ended = false;
  #error: unknown;
  #open: number;

  constructor(nc: NatsConnection, subjects: string[], options: LiveOptions, hooks: Hooks<T>) {
    const size = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `bufferSize must be a positive integer, got ${String(size)}`);
    }
    this.subjects = subjects;
    this.#options = options;
    this.#hooks = hooks;
    this.#decodeMsg = hooks.decode ?? ((subject, data) => toMarketValue(subject, data) as T);
    this.#queue = new RingBuffer<Msg>(size);
    this.#repeats = new RepeatFilter(options.repeatWindow);
    this.#open = subjects.length;
    try {
      for (const subject of subjects) {
        const sub = nc.subscribe(subject, {
          callback: (err, msg) => (err ? this.#fail(err) : this.#receive(msg)),
        });
        this.#subs.push(sub);
        void sub.closed.then((result) => this.#subClosed(result));
      }
    } catch (cause) {
      for (const sub of this.#subs) sub.unsubscribe();
      throw new ClientError('TICKGATE_CLIENT_SUBSCRIPTION', `cannot subscribe to ${subjects.join(', ')}`, { cause });
    }
  }

  get buffered(): number {
    return this.#queue.size;
  }

  #receive(msg: Msg): void {
    if (this.#ended) return;
    this.stats.received++;
    this.#hooks.clientStats.received++;
    if (this.#waiter !== undefined) {
      // The queue is empty whenever someone waits: hand the message over directly.
      const value = this.#decode(msg);
      if (value !== undefined) {
        const waiter = this.#waiter;
        this.#waiter = undefined;
        waiter.resolve({ done: false, value } as IteratorResult<never>);
      }
      return;
    }
    const evicted = this.#queue.push(msg);
    if (evicted !== undefined) {
      this.stats.dropped++;
      this.#hooks.clientStats.dropped++;
      safeCall(this.#options.onDrop, { subject: evicted.subject, dropped: this.stats.dropped });
    }
  }

  #decode(msg: Msg): T | undefined {
    let value: T;
    try {
      value = this.#decodeMsg(msg.subject, msg.data);
    } catch (error) {
      recordMalformed(error, msg.subject, this.stats, this.#hooks.clientStats, this.#options.onMalformed, this.#hooks.onMalformed);
      return undefined;
    }
    if (value instanceof TradeTick && this.#repeats.isRepeat(value.venue, value.instrument, value.id, value.tradeTime)) {
      this.stats.repeats++;
      this.#hooks.clientStats.repeats++;
      return undefined;
    }
    this.stats.delivered++;
    this.#hooks.clientStats.delivered++;
    return value;
  }

  #fail(err: Error): void {
    if (this.#ended) return;
    this.#error = new ClientError('TICKGATE_CLIENT_SUBSCRIPTION', `subscription to ${this.subjects.join(', ')} failed: ${err.message}`, { cause: err });
    this.#finish(false);
  }

  #subClosed(result: void | Error): void {
    if (result instanceof Error) this.#fail(result);
    if (--this.#open === 0) this.#finish(false);
  }

  /** End the iteration; with `discard`, buffered messages are thrown away. */
  #finish(discard: boolean): void {
    if (!this.#ended) {
      this.#ended = true;
      for (const sub of this.#subs) if (!sub.isClosed()) sub.unsubscribe();
      this.#hooks.onClose(this);
    }
    if (discard) this.#queue.clear();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter === undefined) return;
    if (this.#error !== undefined && this.#queue.size === 0) {
      const error = this.#error;
      this.#error = undefined;
      waiter.reject(error);
    } else {
      waiter.resolve({ done: true, value: undefined as never });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#waiter !== undefined) {
      return Promise.reject(new ClientError('TICKGATE_CLIENT_SUBSCRIPTION', 'next() called while another next() is pending'));
    }
    for (let msg = this.#queue.shift(); msg !== undefined; msg = this.#queue.shift()) {
      const value = this.#decode(msg);
      if (value !== undefined) return Promise.resolve({ done: false, value });
    }
    if (this.#ended) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve: resolve as Waiter['resolve'], reject };
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.#error = undefined;
    this.#finish(true);
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  async close(): Promise<void> {
    await this.return();
  }

  /** Stop receiving but let the consumer read what is already buffered (used by `client.close()`). */
  async drain(): Promise<void> {
    if (this.#ended) return;
    await Promise.all(this.#subs.map((sub) => (sub.isClosed() ? undefined : sub.drain().catch(() => undefined))));
    this.#finish(false);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
