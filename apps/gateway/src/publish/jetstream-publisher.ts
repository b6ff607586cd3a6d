import { createInbox, type Msg, type NatsConnection, type QueuedIterator, type Status as NatsStatus, type Subscription } from '@nats-io/transport-node';
import { backoffCeilingMs, Fifo, silentLogger, type BackoffPolicy, type Logger } from '@tickgate/core';
import { encodeToString, serializeTrade, statusSubject, type Status, type Trade } from '@tickgate/schema';
import { StreamContents } from '../resume/last-stored.js';
import { parseAck } from './ack.js';
import { Deferred } from './deferred.js';
import { PublisherClosedError, PublishOverflowError } from './errors.js';
import { FailureLog } from './failure-log.js';
import { MsgIdHeaders, utf8 } from './msg-id-headers.js';
import { statusMsgId } from './status-msg-id.js';
import { TradeMsgIds, TradeSubjects } from './subjects.js';
import { positive, zeroCounters, type Publisher, type PublisherOptions, type PublisherStats } from './types.js';

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
  /** Sent, and no reply has said it was not stored (a timeout or a lost connection leaves it open). */
  maybeStored: boolean;
}

/** How many per-subject look-ups run at once when the publisher checks what the stream holds. */
const LOOKUP_CONCURRENCY = 16;

/**
 * Publishes to a JetStream stream: every message is acknowledged, and retried with the same
 * `Nats-Msg-Id` until it is, so that the stream stores every event once however often it is sent.
 *
 * **Backpressure.** `publishTrade` returns a promise when `maxBuffered` messages are unacknowledged;
 * it resolves when the count has fallen to half. A caller that ignores it gets `PublishOverflowError`
 * at twice the bound. Status events are never refused for backpressure; their promise resolves once
 * the stream has acknowledged them.
 *
 * **How publishes are sent.** Not through `jetstream().publish()`, which builds a request (promise
 * chain, timer, inbox token, header map) per message and cost about 40 µs of CPU per trade: each
 * message is a plain publish with a reply subject `<inbox>.<token>` and its `Nats-Msg-Id` header,
 * answered on one subscription (`<inbox>.*`) for the whole publisher; one timer sweeps the publishes
 * whose acknowledgement is overdue. Replies are read by `parseAck`.
 *
 * **Guarantees.** Up to `window` publishes are in flight. When one fails (timeout, no responders while
 * JetStream recovers, connection lost, API error) the publisher stops sending new messages, lets every
 * outstanding publish settle, waits (100 ms doubling to 2 s), then resends every unacknowledged message
 * in the original order with the same msg id, until each is acknowledged; the stream's duplicate window
 * makes resends of messages it already holds harmless. Until the first acknowledgement after a failure
 * it sends one message at a time (a probe), so that a recovering server is not flooded and nothing
 * overtakes the oldest message. A lost connection abandons the outstanding publishes at once and
 * resends them after the reconnect, so nothing is sent on a new connection before older messages.
 * Memory stays bounded by `2 × maxBuffered` messages.
 *
 * Known limits: a message the stream keeps rejecting (e.g. a stream limit with discard `new`) is
 * retried for ever and holds back everything behind it (the failures counter and the log show it);
 * an outage longer than the stream's duplicate window can store a message twice if its
 * acknowledgement was lost; in a cluster, a stream leader lost without a client disconnect can let a
 * later message be stored before an earlier one that was sent within one `ackTimeoutMs` of the loss
 * (ids stay exactly-once).
 */
export class JetStreamPublisher implements Publisher {
  readonly mode = 'jetstream' as const;
  private readonly logger: Logger;
  private readonly failures: FailureLog;
  private readonly window: number;
  private readonly maxBuffered: number;
  private readonly lowWater: number;
  private readonly hardLimit: number;
  private readonly ackTimeoutMs: number;
  private readonly retryPolicy: BackoffPolicy;
  private retryAttempt = 0;

  /** Unacknowledged messages in send order (acknowledged ones leave from the front). */
  private readonly queue = new Fifo<Outgoing>();
  /** Position in `queue` of the next message to send in the current pass. */
  private next = 0;
  private inFlight = 0;
  private unacked = 0;
  private connected: boolean;
  /** A publish failed: send nothing new until the outstanding ones settle and the retry pause ends. */
  private holding = false;
  /** After a failure, one message at a time until one is acknowledged again. */
  private probing = false;
  private retryTimer: NodeJS.Timeout | undefined;

  private roomWaiter: Deferred | undefined;
  private flushWaiter: Deferred | undefined;
  private closing = false;
  private dead: Error | undefined;

  // replies: `<inbox>.<token>` answered on one subscription; `awaiting` in send order
  private readonly inbox: string;
  private readonly replies: Subscription;
  private readonly awaiting = new Map<number, Outgoing>();
  private lastToken = 0;
  /** When the stream last took a message (an acknowledgement or a confirmation), `performance.now()`. */
  private lastProgress = performance.now();
  private sweepTimer: NodeJS.Timeout | undefined;

  private readonly subjects = new TradeSubjects();
  private readonly msgIds = new TradeMsgIds();
  private readonly statusIterator: QueuedIterator<NatsStatus>;
  private readonly counters = zeroCounters();
  /** The stream whose contents are checked before a resend (`options.stream`); none: resend blindly. */
  private readonly stream: StreamContents | undefined;
  private resuming = false;
  private resumeAgain = false;

  constructor(
    private readonly nc: NatsConnection,
    options: PublisherOptions = {},
  ) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'publisher', mode: this.mode });
    this.failures = new FailureLog(this.logger);
    this.window = positive(options.window ?? 1_000, 'window');
    this.maxBuffered = positive(options.maxBuffered ?? 4_000, 'maxBuffered');
    this.lowWater = Math.floor(this.maxBuffered / 2);
    this.hardLimit = this.maxBuffered * 2;
    this.ackTimeoutMs = positive(options.ackTimeoutMs ?? 5_000, 'ackTimeoutMs');
    const baseMs = positive(options.retryDelayMs ?? 100, 'retryDelayMs');
    this.retryPolicy = { baseMs, capMs: Math.max(options.retryDelayMaxMs ?? 2_000, baseMs) };
    this.stream = options.stream === undefined ? undefined : new StreamContents(nc, options.stream);
    this.connected = !nc.isClosed();
    this.inbox = createInbox(options.inboxPrefix ?? (nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
    this.replies = nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => this.onReply(error, msg) });
    this.sweepTimer = setInterval(() => this.sweepOverdue(), Math.max(10, Math.min(250, Math.floor(this.ackTimeoutMs / 4))));
    this.sweepTimer.unref();
    this.statusIterator = nc.status() as QueuedIterator<NatsStatus>;
    void this.watchStatus();
    void nc.closed().then(() => this.die(new PublisherClosedError('the NATS connection is closed')));
  }

  publishTrade(trade: Trade): void | Promise<void> {
    if (this.closing || this.dead) throw this.dead ?? new PublisherClosedError();
    if (this.unacked >= this.hardLimit) {
      this.counters.rejected += 1;
      throw new PublishOverflowError(this.unacked);
    }
    const subject = this.subjects.of(trade.venue, trade.instrument);
    const headers = new MsgIdHeaders(this.msgIds.of(trade));
    this.counters.publishedJetStream += 1;
    this.enqueue(subject, utf8(serializeTrade(trade)), headers, undefined);
    return this.unacked >= this.maxBuffered ? this.room() : undefined;
  }

  async publishStatus(status: Status, options: { msgId?: string } = {}): Promise<void> {
    if (this.closing || this.dead) throw this.dead ?? new PublisherClosedError();
    const data = utf8(encodeToString(status));
    this.msgIds.observe(status);
    const headers = new MsgIdHeaders(options.msgId ?? statusMsgId(status));
    this.counters.publishedStatus += 1;
    const done = new Deferred();
    this.enqueue(statusSubject(status.venue, status.instrument), data, headers, done);
    await done.promise;
  }

  ready(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return this.unacked < this.maxBuffered ? Promise.resolve() : this.room();
  }

  /** Resolves when every accepted message has been acknowledged. */
  flush(): Promise<void> {
    if (this.unacked === 0) return Promise.resolve();
    if (this.dead) return Promise.reject(this.dead);
    this.flushWaiter ??= new Deferred();
    return this.flushWaiter.promise;
  }

  async close(options: { timeoutMs?: number } = {}): Promise<{ abandoned: number }> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.flush().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 10_000)))]);
    } finally {
      clearTimeout(timer);
    }
    const abandoned = this.unacked;
    if (abandoned > 0) this.logger.error({ abandoned }, 'publisher closed with unacknowledged messages');
    this.die(new PublisherClosedError());
    return { abandoned };
  }

  stats(): PublisherStats {
    return { mode: this.mode, ...this.counters, inFlight: this.inFlight, buffered: this.unacked };
  }

  get buffered(): number {
    return this.unacked;
  }

  stalledMs(): number {
    return this.unacked === 0 ? 0 : performance.now() - this.lastProgress;
  }

  private enqueue(subject: string, data: Uint8Array, headers: MsgIdHeaders, done: Deferred | undefined): void {
    if (this.unacked === 0) this.lastProgress = performance.now(); // nothing was waiting: no stall before now
    this.queue.push({ subject, data, headers, state: WAITING, token: 0, sentAt: 0, done, maybeStored: false });
    this.unacked += 1;
    this.pump();
  }

  /** Send waiting messages, in order, while the window has room. */
  private pump(): void {
    if (this.holding || !this.connected || this.dead) return;
    const window = this.probing ? 1 : this.window;
    while (this.inFlight < window && this.next < this.queue.length) {
      const out = this.queue.at(this.next++);
      if (out?.state === WAITING) this.send(out);
    }
  }

  private send(out: Outgoing): void {
    if (out.token !== 0) this.counters.retries += 1;
    const token = ++this.lastToken;
    out.token = token;
    out.state = IN_FLIGHT;
    out.sentAt = performance.now();
    out.maybeStored = true;
    this.inFlight += 1;
    this.awaiting.set(token, out);
    try {
      this.nc.publish(out.subject, out.data, { reply: `${this.inbox}.${token}`, headers: out.headers });
    } catch (error) {
      this.awaiting.delete(token);
      out.maybeStored = false;
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
    const outcome = parseAck(msg);
    if (outcome.ok) {
      this.onAck(out, outcome.duplicate);
    } else {
      out.maybeStored = false; // the stream said why it did not store it
      this.onError(out, token, new Error(outcome.error));
    }
  }

  /** Publishes whose acknowledgement is overdue fail with a timeout (the oldest first; `awaiting` is in send order). */
  private sweepOverdue(): void {
    if (this.awaiting.size === 0) return;
    const deadline = performance.now() - this.ackTimeoutMs;
    for (const [token, out] of this.awaiting) {
      if (out.sentAt > deadline && out.token === token) break;
      this.awaiting.delete(token);
      this.onError(out, token, new Error(`no acknowledgement within ${this.ackTimeoutMs} ms`));
    }
  }

  private onAck(out: Outgoing, duplicate: boolean): void {
    // an acknowledgement is good news whichever send it answers
    if (out.state === ACKED) return;
    this.settle(out);
    this.counters.acked += 1;
    if (duplicate) this.counters.duplicates += 1;
    this.failures.succeeded('JetStream publishing recovered');
    this.retryAttempt = 0;
    this.probing = false;
    this.afterSettled();
    if (this.holding) {
      if (this.inFlight === 0) this.scheduleRetry();
    } else {
      this.pump();
    }
  }

  /** `out` is in the stream: it leaves the count of unacknowledged messages. */
  private settle(out: Outgoing): void {
    this.lastProgress = performance.now();
    if (out.state === IN_FLIGHT) this.inFlight -= 1;
    out.state = ACKED;
    this.unacked -= 1;
    out.done?.resolve();
  }

  /** After messages settled: drop them from the front and wake whoever waits for room or a flush. */
  private afterSettled(): void {
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
  }

  private onError(out: Outgoing, token: number, error: unknown): void {
    if (out.state !== IN_FLIGHT || out.token !== token) return; // a stale send
    out.state = WAITING;
    this.inFlight -= 1;
    this.counters.failures += 1;
    this.failures.failed(error);
    this.holding = true;
    this.probing = true;
    if (this.inFlight === 0) this.scheduleRetry();
  }

  /** Everything outstanding has settled after a failure: resend from the oldest unacknowledged message after a pause. */
  private scheduleRetry(): void {
    if (this.retryTimer || this.dead) return;
    const delay = backoffCeilingMs(this.retryPolicy, this.retryAttempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.resume();
    }, delay);
  }

  /**
   * Send again from the oldest unacknowledged message. With a stream to ask, first learn which of the
   * messages whose fate is unknown it already holds, and settle those without sending them again: a
   * core subscriber then sees each message once, in order, whenever the server received it the first
   * time. If the stream cannot be asked (NATS still stalled), nothing is sent and the retry waits.
   */
  private async resume(): Promise<void> {
    if (this.resuming) {
      this.resumeAgain = true;
      return;
    }
    this.resuming = true;
    try {
      do {
        this.resumeAgain = false;
        if (this.stream !== undefined) await this.confirmStored(this.stream);
      } while (this.resumeAgain && !this.dead);
    } catch (error) {
      this.resuming = false;
      if (this.dead) return;
      this.counters.failures += 1;
      this.failures.failed(error);
      this.holding = true;
      this.scheduleRetry();
      return;
    }
    this.resuming = false;
    if (this.dead) return;
    this.holding = false;
    this.next = 0;
    this.pump();
  }

  /**
   * Settle every sent-but-unconfirmed message the stream holds. Per subject, the stream's last message
   * names the newest one stored; the messages sent on that subject before it were received before it
   * on this connection and, as no reply said otherwise, are stored too.
   */
  private async confirmStored(stream: StreamContents): Promise<void> {
    const bySubject = new Map<string, Outgoing[]>();
    for (let i = 0; i < this.queue.length; i++) {
      const out = this.queue.at(i)!;
      if (out.state === ACKED || !out.maybeStored) continue;
      const list = bySubject.get(out.subject);
      if (list) list.push(out);
      else bySubject.set(out.subject, [out]);
    }
    if (bySubject.size === 0) return;
    const subjects = [...bySubject.keys()];
    let confirmed = 0;
    for (let i = 0; i < subjects.length; i += LOOKUP_CONCURRENCY) {
      const batch = subjects.slice(i, i + LOOKUP_CONCURRENCY);
      const lastIds = await Promise.all(batch.map(async (subject) => (await stream.last(subject))?.msgId));
      if (this.dead) return;
      batch.forEach((subject, k) => {
        const lastId = lastIds[k];
        if (lastId === undefined) return;
        const list = bySubject.get(subject)!;
        const upTo = list.findIndex((out) => out.headers.msgId === lastId);
        for (let j = 0; j <= upTo; j++) {
          const out = list[j]!;
          if (out.state === ACKED) continue;
          this.settle(out);
          confirmed += 1;
        }
      });
    }
    if (confirmed === 0) return;
    this.counters.confirmedStored += confirmed;
    this.logger.info({ confirmed }, 'the stream already held messages whose acknowledgement was lost; not sending them again');
    this.failures.succeeded('JetStream publishing recovered');
    this.retryAttempt = 0;
    this.afterSettled();
  }

  /** Acknowledged messages at the front leave the queue (later ones wait for the older ones). */
  private dropAcked(): void {
    while (this.queue.peek()?.state === ACKED) {
      this.queue.shift();
      if (this.next > 0) this.next -= 1;
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
    let abandoned = 0;
    for (let i = 0; i < this.queue.length; i++) {
      const out = this.queue.at(i)!;
      if (out.state === IN_FLIGHT) {
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
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.holding = true;
    this.probing = true;
    void this.resume();
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
      if (!this.nc.isClosed()) this.replies.unsubscribe();
    } catch {
      // the connection is draining or closing: the subscription goes with it
    }
    this.statusIterator.stop();
    for (let i = 0; i < this.queue.length; i++) {
      const out = this.queue.at(i)!;
      if (out.state !== ACKED) out.done?.reject(error);
    }
    this.roomWaiter?.reject(error);
    this.roomWaiter = undefined;
    this.flushWaiter?.reject(error);
    this.flushWaiter = undefined;
  }
}

