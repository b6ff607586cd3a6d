import { JetStreamApiCodes, JetStreamApiError, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg, type OrderedConsumerOptions } from '@nats-io/jetstream';
import { parseDuration } from './duration.js';
import { ClientError } from './errors.js';
import { toMarketValue } from './events.js';
import { subjectMatches } from './selection.js';
import { emptyStats, recordMalformed, type MalformedHandler, type Stats } from './stats.js';

/** Where a replay starts: a time, a duration before now (`'10m'`), or a stream sequence (inclusive). */
export type ReplayStart = Date | string | { seq: number };
/** Where a replay stops: after a time, a duration before now, or a stream sequence (inclusive). */
export type ReplayEnd = Date | string | { seq: number };

/** Options shared by every replay. */
export interface ReplayOptions {
  since: ReplayStart;
  /** Stop after this point (inclusive); default: when caught up, or never with `follow`. */
  until?: ReplayEnd;
  /** Keep reading live messages after catching up with the stream (default false). */
  follow?: boolean;
  /** Messages asked from the server per pull (default 256): the most held in memory at once. */
  batchSize?: number;
  /** Called for each malformed message skipped (in addition to the client's `onMalformed`). */
  onMalformed?: MalformedHandler;
}

/** An async iterator of stored values, in stream order. Leaving the loop deletes the server-side consumer. */
export interface ReplaySubscription<T> extends AsyncIterableIterator<T> {
  /** The subject filters this replay reads. */
  readonly subjects: readonly string[];
  /** This replay's own counters (`dropped` stays 0: replay is flow-controlled). */
  readonly stats: Readonly<Stats>;
  /** Stop reading and delete the consumer. */
  close(): Promise<void>;
}

export interface ReplayHooks<T> {
  clientStats: Stats;
  /**
   * Turns a stored message into the value to yield, or `undefined` to skip it without counting it as
   * malformed; throws (a `WireDecodeError`) for a malformed message. Default: `toMarketValue`.
   */
  map?: (msg: JsMsg) => T | undefined;
  /** The replay's own counters, when the caller keeps more of them (default: a fresh `Stats`). */
  stats?: Stats;
  onMalformed: MalformedHandler | undefined;
  onClose: (replay: { close(): Promise<void> }) => void;
  /** Whether the server accepts several filter subjects on one consumer (nats-server 2.10+). */
  multiFilter: boolean;
}

type Bound = { kind: 'time'; date: Date; nanos: bigint } | { kind: 'seq'; seq: number };

function resolveBound(what: 'since' | 'until', value: ReplayStart | undefined, now: number): Bound {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `${what} is an invalid Date`);
    return { kind: 'time', date: value, nanos: BigInt(ms) * 1_000_000n };
  }
  if (typeof value === 'string') {
    const ms = now - parseDuration(value);
    return { kind: 'time', date: new Date(ms), nanos: BigInt(ms) * 1_000_000n };
  }
  if (typeof value === 'object' && value !== null && 'seq' in value) {
    if (!Number.isSafeInteger(value.seq) || value.seq < 1) {
      throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `${what}.seq must be a positive integer, got ${String(value.seq)}`);
    }
    return { kind: 'seq', seq: value.seq };
  }
  throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `${what} must be a Date, a duration such as "10m", or { seq }`);
}

function mapJetStreamError(stream: string, cause: unknown): ClientError {
  if (cause instanceof ClientError) return cause;
  if (cause instanceof JetStreamApiError && cause.code === JetStreamApiCodes.StreamNotFound) {
    return new ClientError('TICKGATE_CLIENT_STREAM_NOT_FOUND', `JetStream stream ${JSON.stringify(stream)} not found`, { cause });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ClientError('TICKGATE_CLIENT_JETSTREAM', `cannot read JetStream stream ${JSON.stringify(stream)}: ${message}`, { cause });
}

/**
 * Reads the stream through an ordered consumer: the server sends at most `batchSize` messages ahead of
 * the consumer's loop (pull-based flow control), a lost message makes the library recreate the consumer
 * at the right sequence, and nothing is dropped.
 */
export class JetStreamReplay<T> implements ReplaySubscription<T> {
  readonly subjects: readonly string[];
  readonly stats: Stats;
  readonly #hooks: ReplayHooks<T>;
  readonly #map: (msg: JsMsg) => T | undefined;
  readonly #options: ReplayOptions;
  readonly #until: Bound | undefined;
  readonly #ready: Promise<void>;
  readonly #stream: string;
  #consumer: Consumer | undefined;
  #messages: ConsumerMessages | undefined;
  #iterator: AsyncIterator<JsMsg> | undefined;
  /** Subject filters to apply on the client, when the server could not take them all. */
  #clientFilter: readonly string[] | undefined;
  #endAfterCurrent = false;
  #ended = false;
  #closing: Promise<void> | undefined;
  #busy = false;
  /** Whether an `iterator.next()` is in flight (the library's generator is running, not suspended). */
  #pulling = false;

  constructor(js: JetStreamClient, stream: string, subjects: string[], options: ReplayOptions, hooks: ReplayHooks<T>) {
    const now = Date.now();
    const since = resolveBound('since', options.since, now);
    this.#until = options.until === undefined ? undefined : resolveBound('until', options.until, now);
    const batch = options.batchSize ?? 256;
    if (!Number.isSafeInteger(batch) || batch < 1) {
      throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `batchSize must be a positive integer, got ${String(batch)}`);
    }
    this.subjects = subjects;
    this.#stream = stream;
    this.#options = options;
    this.#hooks = hooks;
    this.#map = hooks.map ?? ((msg) => toMarketValue(msg.subject, msg.data, msg.seq) as T);
    this.stats = hooks.stats ?? emptyStats();

    const consumerOptions: Partial<OrderedConsumerOptions> = {};
    if (subjects.length === 1) {
      consumerOptions.filter_subjects = subjects[0] as string;
    } else if (hooks.multiFilter) {
      consumerOptions.filter_subjects = subjects;
    } else {
      // Older servers take one filter: read every tickgate subject and select here.
      this.#clientFilter = subjects;
    }
    if (since.kind === 'seq') consumerOptions.opt_start_seq = since.seq;
    else consumerOptions.opt_start_time = since.date.toISOString();

    this.#ready = this.#start(js, stream, consumerOptions, batch);
    this.#ready.catch(() => undefined); // surfaced by next()
  }

  async #start(js: JetStreamClient, stream: string, options: Partial<OrderedConsumerOptions>, batch: number): Promise<void> {
    let consumer: Consumer;
    try {
      consumer = await js.consumers.get(stream, options);
    } catch (cause) {
      throw mapJetStreamError(stream, cause);
    }
    this.#consumer = consumer;
    if (this.#ended) {
      await consumer.delete().catch(() => undefined);
      return;
    }
    const info = await consumer.info(true);
    if (info.num_pending === 0 && !this.#options.follow) {
      this.#endAfterCurrent = true;
      return;
    }
    this.#messages = await consumer.consume({ max_messages: batch });
    this.#iterator = this.#messages[Symbol.asyncIterator]();
  }

  #pastUntil(msg: JsMsg): boolean {
    const until = this.#until;
    if (until === undefined) return false;
    return until.kind === 'seq' ? msg.seq > until.seq : msg.info.timestampNanos > until.nanos;
  }

  #decode(msg: JsMsg): T | undefined {
    try {
      const value = this.#map(msg);
      if (value === undefined) return undefined;
      this.stats.delivered++;
      this.#hooks.clientStats.delivered++;
      return value;
    } catch (error) {
      recordMalformed(error, msg.subject, this.stats, this.#hooks.clientStats, this.#options.onMalformed, this.#hooks.onMalformed);
      return undefined;
    }
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.#busy) throw new ClientError('TICKGATE_CLIENT_SUBSCRIPTION', 'next() called while another next() is pending');
    this.#busy = true;
    try {
      return await this.#next();
    } finally {
      this.#busy = false;
    }
  }

  async #next(): Promise<IteratorResult<T>> {
    if (this.#ended) return { done: true, value: undefined };
    try {
      await this.#ready;
    } catch (error) {
      await this.close();
      throw error;
    }
    for (;;) {
      if (this.#ended || this.#endAfterCurrent || this.#iterator === undefined) {
        await this.close();
        return { done: true, value: undefined };
      }
      this.#pulling = true;
      let r: IteratorResult<JsMsg>;
      try {
        r = await this.#iterator.next();
      } catch (cause) {
        this.#pulling = false;
        await this.close();
        throw mapJetStreamError(this.#stream, cause);
      } finally {
        this.#pulling = false;
      }
      if (r.done) {
        await this.close();
        return { done: true, value: undefined };
      }
      const msg = r.value;
      if (this.#pastUntil(msg)) {
        await this.close();
        return { done: true, value: undefined };
      }
      if (!this.#options.follow && msg.info.pending === 0) this.#endAfterCurrent = true;
      if (this.#until?.kind === 'seq' && msg.seq >= this.#until.seq) this.#endAfterCurrent = true;
      if (this.#clientFilter !== undefined && !this.#clientFilter.some((f) => subjectMatches(f, msg.subject))) continue;
      this.stats.received++;
      this.#hooks.clientStats.received++;
      const value = this.#decode(msg);
      if (value !== undefined) return { done: false, value };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    await this.close();
    throw error;
  }

  close(): Promise<void> {
    this.#ended = true;
    this.#closing ??= (async () => {
      this.#hooks.onClose(this);
      await this.#ready.catch(() => undefined);
      // Stopping unsubscribes at once; the library finishes its iterator only when it is read, so end
      // it here unless a pending next() is reading it (that read then completes as done).
      this.#messages?.stop();
      if (!this.#pulling) await this.#iterator?.return?.();
      await this.#consumer?.delete().catch(() => undefined);
    })();
    return this.#closing;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
