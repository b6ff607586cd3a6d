import { createHash } from 'node:crypto';
import { createInbox, type Msg, type NatsConnection, type QueuedIterator, type Status as NatsStatus, type Subscription } from '@nats-io/transport-node';
import { silentLogger, type Logger } from '@tickgate/core';
import { encodeToString, serializeTrade, statusSubject, tradeMsgId, tradeSubject, type Status, type Trade } from '@tickgate/schema';
import { PublisherClosedError, PublishOverflowError } from './errors.js';
import { MsgIdHeaders, utf8 } from './msg-id-headers.js';

/**
 * - `jetstream`: every message is acknowledged by the stream; retried (same `Nats-Msg-Id`) until it is.
 * - `core`: plain NATS publish, fire-and-forget, lowest latency; lost while NATS is unreachable.
 */
export type PublishMode = 'jetstream' | 'core';

/** Options of `Publisher`. */
export interface PublisherOptions {
  /** Default `jetstream`. */
  mode?: PublishMode;
  /** JetStream publishes awaiting their acknowledgement at once (default 1,000). */
  window?: number;
  /**
   * Messages accepted but not yet acknowledged (in flight + queued + awaiting a retry) at which
   * `publishTrade` starts returning a promise (default 4,000). The promise resolves when the count
   * has fallen to half of this. A caller that ignores the promise gets `PublishOverflowError` at twice
   * this bound (the message is then *not* accepted). JetStream mode only.
   */
  maxBuffered?: number;
  /** How long one JetStream publish waits for its acknowledgement, ms (default 5,000). */
  ackTimeoutMs?: number;
  /** First pause before retrying after a failure, ms (default 100); doubles up to `retryDelayMaxMs`. */
  retryDelayMs?: number;
  /** Longest pause between retries, ms (default 2,000). */
  retryDelayMaxMs?: number;
  /** Core mode: publishes after which `publishTrade` returns a promise that yields to the event loop (default 1,000). */
  yieldEvery?: number;
  /** Where failures and recoveries are logged (default: nowhere). */
  logger?: Logger;
  /**
   * Subject prefix of the JetStream acknowledgements' reply inbox (default: the connection's
   * `inboxPrefix`, else `_INBOX`), for accounts whose permissions allow replies only under a prefix.
   */
  inboxPrefix?: string;
}

/** A snapshot of the publisher's counters, for metrics. Counters only grow; gauges go up and down. */
export interface PublisherStats {
  mode: PublishMode;
  /** Trades accepted for JetStream publishing (counter). */
  publishedJetStream: number;
  /** Trades published on core NATS (counter). */
  publishedCore: number;
  /** Status events accepted (counter). */
  publishedStatus: number;
  /** Messages acknowledged by the stream, duplicates included (counter). */
  acked: number;
  /** Acknowledgements that said "duplicate": the stream already held that msg id (counter). */
  duplicates: number;
  /** Sends of a message that had been sent before (counter). */
  retries: number;
  /** Failed attempts: timeouts, no responders, API errors, core publish errors (counter). */
  failures: number;
  /** Messages refused with `PublishOverflowError` (counter). */
  rejected: number;
  /** Publishes awaiting their acknowledgement now (gauge). */
  inFlight: number;
  /** Messages accepted and not yet acknowledged, in flight included (gauge). */
  buffered: number;
}

const WAITING = 0;
const IN_FLIGHT = 1;
const ACKED = 2;

/** One message on its way to the stream. */
interface Outgoing {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgIdHeaders;
  state: typeof WAITING | typeof IN_FLIGHT | typeof ACKED;
  /** Reply token of the latest send (0: not sent yet); replies to older sends are stale. */
  token: number;
  /** When the latest send left, ms (`performance.now()`). */
  sentAt: number;
  /** Settled when acknowledged (status events only: their caller awaits them). */
  done: Deferred | undefined;
}

/** Why an acknowledged publish failed (what the log and the failure counter see). */
class PublishAttemptError extends Error {}

class Deferred {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // a caller that dropped the promise must not turn a rejection at close into an unhandled one
    this.promise.catch(() => undefined);
  }
}

/**
 * Publishes trades and status events to NATS on the wire-contract subjects, each with its
 * `Nats-Msg-Id`, so that JetStream stores every event once however often it is sent.
 *
 * **Hot path.** `publishTrade(trade)` returns `undefined` while there is room, and a `Promise<void>`
 * when the caller should wait: in JetStream mode when `maxBuffered` messages are unacknowledged
 * (backpressure), in core mode every `yieldEvery` publishes (a turn of the event loop). The message is
 * accepted either way; the promise only says "do not publish more until I resolve". Typical use:
 *
 * ```ts
 * const wait = publisher.publishTrade(trade);
 * if (wait) await wait;
 * ```
 *
 * **How JetStream publishes are sent.** Not through `jetstream().publish()`, which builds a request
 * (promise chain, timer, inbox token, header map) per message and cost about 40 µs of CPU per trade:
 * each message is a plain publish with a reply subject `<inbox>.<token>` and its `Nats-Msg-Id`
 * header, answered on one subscription (`<inbox>.*`) for the whole publisher; one timer sweeps the
 * publishes whose acknowledgement is overdue. The stream's reply is its `PubAck` JSON, an API error
 * (`{"error": …}`) or, when no stream captures the subject, a 503 "no responders" status.
 *
 * **JetStream guarantees.** Up to `window` publishes are in flight. When one fails (timeout, no
 * responders while JetStream recovers, connection lost, API error) the publisher stops sending new
 * messages, lets every outstanding publish settle, waits (100 ms doubling to 2 s), then resends every
 * unacknowledged message in the original order with the same msg id, until each is acknowledged; the
 * stream's duplicate window makes resends of messages it already holds harmless. Until the first
 * acknowledgement after a failure it sends one message at a time (a probe), so that a recovering
 * server is not flooded and nothing overtakes the oldest message. A lost connection abandons the
 * outstanding publishes at once and resends them after the reconnect, so nothing is sent on a new
 * connection before older messages. While NATS is down, nothing is acknowledged, the
 * buffer reaches `maxBuffered` and the callers are held by the promise; memory stays bounded by
 * `2 × maxBuffered` messages.
 *
 * Known limits: a message the stream keeps rejecting (e.g. a stream limit with discard `new`) is
 * retried for ever and holds back everything behind it (the failures counter and the log show it);
 * an outage longer than the stream's duplicate window can store a message twice if its
 * acknowledgement was lost; in a cluster, a stream leader lost without a client disconnect can let a
 * later message be stored before an earlier one that was sent within one `ackTimeoutMs` of the loss
 * (ids stay exactly-once).
 */
export class Publisher {
  readonly mode: PublishMode;
  private readonly logger: Logger;
  private readonly window: number;
  private readonly maxBuffered: number;
  private readonly lowWater: number;
  private readonly hardLimit: number;
  private readonly ackTimeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly retryDelayMaxMs: number;
  private readonly yieldEvery: number;

  // the ordered queue of unacknowledged messages: queue[head..] (acked ones leave from the head)
  private queue: Outgoing[] = [];
  private head = 0;
  /** Index of the next message to send in the current pass. */
  private next = 0;
  private inFlight = 0;
  private unacked = 0;
  private connected = true;
  /** A publish failed: send nothing new until the outstanding ones settle and the retry pause ends. */
  private holding = false;
  /** After a failure, one message at a time until one is acknowledged again. */
  private probing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private failureStreak = 0;

  private roomWaiter: Deferred | undefined;
  private flushWaiter: Deferred | undefined;
  private closing = false;
  private dead: Error | undefined;

  private sinceYield = 0;
  private yieldWaiter: Promise<void> | undefined;

  // JetStream replies: `<inbox>.<token>` answered on one subscription; `awaiting` in send order.
  private readonly inbox: string;
  private readonly replies: Subscription | undefined;
  private readonly awaiting = new Map<number, Outgoing>();
  private lastToken = 0;
  private sweepTimer: NodeJS.Timeout | undefined;

  private readonly subjects = new Map<string, Map<string, string>>();
  private readonly statusIterator: QueuedIterator<NatsStatus>;

  private readonly counters = {
    publishedJetStream: 0,
    publishedCore: 0,
    publishedStatus: 0,
    acked: 0,
    duplicates: 0,
    retries: 0,
    failures: 0,
    rejected: 0,
  };

  constructor(
    private readonly nc: NatsConnection,
    options: PublisherOptions = {},
  ) {
    this.mode = options.mode ?? 'jetstream';
    this.logger = (options.logger ?? silentLogger).child({ component: 'publisher', mode: this.mode });
    this.window = positive(options.window ?? 1_000, 'window');
    this.maxBuffered = Math.max(positive(options.maxBuffered ?? 4_000, 'maxBuffered'), 1);
    this.lowWater = Math.floor(this.maxBuffered / 2);
    this.hardLimit = this.maxBuffered * 2;
    this.ackTimeoutMs = positive(options.ackTimeoutMs ?? 5_000, 'ackTimeoutMs');
    this.retryDelayMs = positive(options.retryDelayMs ?? 100, 'retryDelayMs');
    this.retryDelayMaxMs = Math.max(options.retryDelayMaxMs ?? 2_000, this.retryDelayMs);
    this.retryDelay = this.retryDelayMs;
    this.yieldEvery = positive(options.yieldEvery ?? 1_000, 'yieldEvery');
    this.connected = !nc.isClosed();
    this.inbox = createInbox(options.inboxPrefix ?? (nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
    if (this.mode === 'jetstream') {
      this.replies = nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => this.onReply(error, msg) });
      this.sweepTimer = setInterval(() => this.sweepOverdue(), Math.max(10, Math.min(250, Math.floor(this.ackTimeoutMs / 4))));
      this.sweepTimer.unref();
    }
    this.statusIterator = nc.status() as QueuedIterator<NatsStatus>;
    void this.watchStatus();
    void nc.closed().then(() => this.die(new PublisherClosedError('the NATS connection is closed')));
  }

  /**
   * Publish one trade (already schema-valid: no validation here). Returns `undefined` when the caller
   * may go on, or a promise to await before publishing more (see the class comment). Throws
   * `PublisherClosedError` after `close()`, `PublishOverflowError` at the hard bound.
   */
  publishTrade(trade: Trade): void | Promise<void> {
    if (this.closing || this.dead) throw this.dead ?? new PublisherClosedError();
    const subject = this.tradeSubjectOf(trade.venue, trade.instrument);
    const headers = new MsgIdHeaders(tradeMsgId(trade.venue, trade.instrument, trade.id));
    const data = utf8(serializeTrade(trade));
    if (this.mode === 'core') {
      this.publishCore(subject, data, headers);
      this.counters.publishedCore += 1;
      if (++this.sinceYield >= this.yieldEvery) return this.yieldTurn();
      return undefined;
    }
    if (this.unacked >= this.hardLimit) {
      this.counters.rejected += 1;
      throw new PublishOverflowError(this.unacked);
    }
    this.counters.publishedJetStream += 1;
    this.enqueue(subject, data, headers, undefined);
    return this.unacked >= this.maxBuffered ? this.room() : undefined;
  }

  /**
   * Publish a status event on `md.status.<venue>[.<instrument>]`, validated strictly first (throws
   * `WireDecodeError`). In JetStream mode the promise resolves once the stream has acknowledged it;
   * status events are never refused for backpressure. Its `Nats-Msg-Id` is `statusMsgId(status)`
   * unless `msgId` is given.
   */
  async publishStatus(status: Status, options: { msgId?: string } = {}): Promise<void> {
    if (this.closing || this.dead) throw this.dead ?? new PublisherClosedError();
    const text = encodeToString(status);
    const subject = statusSubject(status.venue, status.instrument);
    const headers = new MsgIdHeaders(options.msgId ?? statusMsgId(status));
    const data = utf8(text);
    this.counters.publishedStatus += 1;
    if (this.mode === 'core') {
      this.publishCore(subject, data, headers);
      return;
    }
    const done = new Deferred();
    this.enqueue(subject, data, headers, done);
    await done.promise;
  }

  /**
   * Resolves when `publishTrade` may be called again without exceeding the backpressure bound
   * (at once when there is room). Use it after a `PublishOverflowError`.
   */
  ready(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.mode === 'core') return this.yieldWaiter ?? Promise.resolve();
    return this.unacked < this.maxBuffered ? Promise.resolve() : this.room();
  }

  /**
   * JetStream: resolves when every accepted message has been acknowledged. Core: when the server has
   * received everything published so far (a round trip).
   */
  flush(): Promise<void> {
    if (this.mode === 'core') return this.dead ? Promise.reject(this.dead) : this.nc.flush();
    if (this.unacked === 0) return Promise.resolve();
    if (this.dead) return Promise.reject(this.dead);
    this.flushWaiter ??= new Deferred();
    return this.flushWaiter.promise;
  }

  /**
   * Stop accepting messages, wait up to `timeoutMs` (default 10,000) for the accepted ones to be
   * acknowledged, then let go. Resolves with the number of messages that were still unacknowledged
   * (0 after a clean flush). Does not close the NATS connection, which the caller owns.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<{ abandoned: number }> {
    this.closing = true;
    const timeoutMs = options.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.flush().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    const abandoned = this.mode === 'jetstream' ? this.unacked : 0;
    if (abandoned > 0) this.logger.error({ abandoned }, 'publisher closed with unacknowledged messages');
    this.die(new PublisherClosedError());
    return { abandoned };
  }

  /** Counters and gauges, for metrics (a fresh object per call). */
  stats(): PublisherStats {
    return { mode: this.mode, ...this.counters, inFlight: this.inFlight, buffered: this.unacked };
  }

  /** Messages accepted and not yet acknowledged (JetStream mode). */
  get buffered(): number {
    return this.unacked;
  }

  // ---- core mode

  private publishCore(subject: string, data: Uint8Array, headers: MsgIdHeaders): void {
    try {
      this.nc.publish(subject, data, { headers });
    } catch (error) {
      this.counters.failures += 1;
      if (this.nc.isClosed()) throw new PublisherClosedError('the NATS connection is closed');
      this.noteFailure(error);
    }
  }

  private yieldTurn(): Promise<void> {
    this.yieldWaiter ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.sinceYield = 0;
        this.yieldWaiter = undefined;
        resolve();
      }),
    );
    return this.yieldWaiter;
  }

  // ---- JetStream mode

  private enqueue(subject: string, data: Uint8Array, headers: MsgIdHeaders, done: Deferred | undefined): void {
    const out: Outgoing = { subject, data, headers, state: WAITING, token: 0, sentAt: 0, done };
    this.queue.push(out);
    this.unacked += 1;
    this.pump();
  }

  /** Send waiting messages, in order, while the window has room. */
  private pump(): void {
    if (this.holding || !this.connected || this.dead) return;
    const queue = this.queue;
    const window = this.probing ? 1 : this.window;
    while (this.inFlight < window && this.next < queue.length) {
      const out = queue[this.next++];
      if (out?.state === WAITING) this.send(out);
    }
  }

  private send(out: Outgoing): void {
    if (out.token !== 0) this.counters.retries += 1;
    const token = ++this.lastToken;
    out.token = token;
    out.state = IN_FLIGHT;
    out.sentAt = performance.now();
    this.inFlight += 1;
    this.awaiting.set(token, out);
    try {
      this.nc.publish(out.subject, out.data, { reply: `${this.inbox}.${token}`, headers: out.headers });
    } catch (error) {
      this.awaiting.delete(token);
      this.onError(out, token, error);
    }
  }

  /** A reply on the inbox: the stream's acknowledgement, its API error, or "no responders". */
  private onReply(error: Error | null, msg: Msg): void {
    if (error) return; // the subscription itself failed: only at close, when nothing waits any more
    const token = Number(msg.subject.slice(this.inbox.length + 1));
    const out = this.awaiting.get(token);
    if (out === undefined) return; // overdue and already retried, or abandoned at a disconnect
    this.awaiting.delete(token);
    if (msg.headers?.code === 503) {
      this.onError(out, token, new PublishAttemptError('no responders: no JetStream stream captures the subject (or JetStream is unavailable)'));
      return;
    }
    let reply: { stream?: unknown; duplicate?: unknown; error?: { code?: unknown; err_code?: unknown; description?: unknown } };
    try {
      reply = JSON.parse(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).toString('utf8')) as typeof reply;
    } catch {
      this.onError(out, token, new PublishAttemptError(`unreadable JetStream reply${msg.headers?.code ? ` (status ${msg.headers.code} ${msg.headers.description})` : ''}`));
      return;
    }
    if (reply.error !== undefined || typeof reply.stream !== 'string' || reply.stream === '') {
      const e = reply.error;
      const described = e ? `JetStream API error ${String(e.code)}/${String(e.err_code)}: ${String(e.description)}` : 'JetStream reply without a stream';
      this.onError(out, token, new PublishAttemptError(described));
      return;
    }
    this.onAck(out, reply.duplicate === true);
  }

  /** Publishes whose acknowledgement is overdue fail with a timeout (the oldest first; `awaiting` is in send order). */
  private sweepOverdue(): void {
    if (this.awaiting.size === 0) return;
    const deadline = performance.now() - this.ackTimeoutMs;
    for (const [token, out] of this.awaiting) {
      if (out.sentAt > deadline && out.token === token) break;
      this.awaiting.delete(token);
      this.onError(out, token, new PublishAttemptError(`no acknowledgement within ${this.ackTimeoutMs} ms`));
    }
  }

  private onAck(out: Outgoing, duplicate: boolean): void {
    // an acknowledgement is good news whichever send it answers
    if (out.state === ACKED) return;
    if (out.state === IN_FLIGHT) this.inFlight -= 1;
    out.state = ACKED;
    this.unacked -= 1;
    this.counters.acked += 1;
    if (duplicate) this.counters.duplicates += 1;
    out.done?.resolve();
    if (this.failureStreak > 0) {
      this.logger.info({ failures: this.failureStreak }, 'JetStream publishing recovered');
      this.failureStreak = 0;
    }
    this.retryDelay = this.retryDelayMs;
    this.probing = false;
    this.dropAcked();
    if (this.roomWaiter && this.unacked <= this.lowWater) {
      const waiter = this.roomWaiter;
      this.roomWaiter = undefined;
      waiter.resolve();
    }
    if (this.unacked === 0 && this.flushWaiter) {
      const waiter = this.flushWaiter;
      this.flushWaiter = undefined;
      waiter.resolve();
    }
    if (this.holding) {
      if (this.inFlight === 0) this.scheduleRetry();
    } else {
      this.pump();
    }
  }

  private onError(out: Outgoing, token: number, error: unknown): void {
    if (out.state !== IN_FLIGHT || out.token !== token) return; // a stale send
    out.state = WAITING;
    this.inFlight -= 1;
    this.counters.failures += 1;
    this.noteFailure(error);
    this.holding = true;
    this.probing = true;
    if (this.inFlight === 0) this.scheduleRetry();
  }

  private noteFailure(error: unknown): void {
    this.failureStreak += 1;
    const fields = { err: error instanceof Error ? error.message : String(error), failures: this.failureStreak };
    if (this.failureStreak === 1) this.logger.warn(fields, 'NATS publish failed; retrying');
    else if (this.failureStreak % 1_000 === 0) this.logger.warn(fields, 'NATS publish still failing');
  }

  /** Everything outstanding has settled after a failure: resend from the oldest unacknowledged message after a pause. */
  private scheduleRetry(): void {
    if (this.retryTimer || this.dead) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.retryDelayMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.holding = false;
      this.next = this.head;
      this.pump();
    }, delay);
  }

  private dropAcked(): void {
    const queue = this.queue;
    while (this.head < queue.length && queue[this.head]?.state === ACKED) this.head += 1;
    if (this.head === queue.length) {
      this.queue = [];
      this.next = 0;
      this.head = 0;
    } else if (this.head >= 1_024 && this.head * 2 >= queue.length) {
      this.queue = queue.slice(this.head);
      this.next -= this.head;
      this.head = 0;
    }
  }

  private room(): Promise<void> {
    this.roomWaiter ??= new Deferred();
    return this.roomWaiter.promise;
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.statusIterator) {
      if (status.type === 'disconnect') this.onDisconnect();
      else if (status.type === 'reconnect') this.onReconnect();
    }
  }

  /** The connection is gone: outstanding publishes may or may not have been stored; send them again after the reconnect. */
  private onDisconnect(): void {
    this.connected = false;
    if (this.mode !== 'jetstream') return;
    let abandoned = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const out = this.queue[i];
      if (out?.state === IN_FLIGHT) {
        out.state = WAITING;
        abandoned += 1;
      }
    }
    this.inFlight = 0;
    this.awaiting.clear();
    if (abandoned > 0) this.logger.warn({ abandoned }, 'NATS connection lost with publishes in flight; they will be resent after the reconnect');
  }

  private onReconnect(): void {
    this.connected = true;
    if (this.mode !== 'jetstream') return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.holding = false;
    this.probing = true;
    this.next = this.head;
    this.pump();
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.awaiting.clear();
    try {
      if (this.replies && !this.nc.isClosed()) this.replies.unsubscribe();
    } catch {
      // the connection is draining or closing: the subscription goes with it
    }
    this.statusIterator.stop();
    for (let i = this.head; i < this.queue.length; i++) {
      const out = this.queue[i];
      if (out && out.state !== ACKED) out.done?.reject(error);
    }
    this.roomWaiter?.reject(error);
    this.roomWaiter = undefined;
    this.flushWaiter?.reject(error);
    this.flushWaiter = undefined;
  }

  private tradeSubjectOf(venue: string, instrument: string): string {
    let byInstrument = this.subjects.get(venue);
    if (!byInstrument) {
      byInstrument = new Map();
      this.subjects.set(venue, byInstrument);
    }
    let subject = byInstrument.get(instrument);
    if (subject === undefined) {
      subject = tradeSubject(venue, instrument);
      byInstrument.set(instrument, subject);
    }
    return subject;
  }
}

/** States whose events describe an id range of the venue: every replica reports them alike. */
const RANGE_STATES = new Set<Status['state']>(['gap', 'recovered', 'unrecoverable']);

/**
 * The `Nats-Msg-Id` of a status event: `status:<venue>:<instrument or ->:<state>:<hash>`. The hash
 * covers the whole event, except that for `gap`, `recovered` and `unrecoverable` events naming an id
 * range (`fromId`/`toId`) it leaves out `time` and `message`, so that two replicas reporting the same
 * range at slightly different times dedupe; other states (connection events) differ by time.
 */
export function statusMsgId(status: Status): string {
  const basis: Record<string, unknown> = { ...status };
  if (RANGE_STATES.has(status.state) && (status.fromId !== undefined || status.toId !== undefined)) {
    delete basis['time'];
    delete basis['message'];
  }
  const keys = Object.keys(basis)
    .filter((k) => basis[k] !== undefined)
    .sort();
  const canonical = JSON.stringify(keys.map((k) => [k, basis[k]]));
  const hash = createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
  return `status:${status.venue}:${status.instrument ?? '-'}:${status.state}:${hash}`;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
