import type { NatsConnection } from '@nats-io/transport-node';
import { silentLogger } from '@tickgate/core';
import { encodeToString, serializeTrade, statusSubject, type Status, type Trade } from '@tickgate/schema';
import { PublisherClosedError } from './errors.js';
import { FailureLog } from './failure-log.js';
import { MsgIdHeaders, utf8 } from './msg-id-headers.js';
import { statusMsgId } from './status-msg-id.js';
import { TradeMsgIds, TradeSubjects } from './subjects.js';
import { positive, zeroCounters, type Publisher, type PublisherOptions, type PublisherStats } from './types.js';

/**
 * Plain NATS publishing, fire-and-forget: the lowest latency, and nothing survives NATS being
 * unreachable (the client library buffers during a reconnect, then drops). Every `yieldEvery`
 * publishes `publishTrade` returns a promise that yields one turn of the event loop, so that a busy
 * feed lets the socket write.
 */
export class CorePublisher implements Publisher {
  readonly mode = 'core' as const;
  private readonly failures;
  private readonly yieldEvery: number;
  private readonly subjects = new TradeSubjects();
  private readonly msgIds = new TradeMsgIds();
  private readonly counters = zeroCounters();
  private sinceYield = 0;
  private yieldWaiter: Promise<void> | undefined;
  private dead: Error | undefined;

  constructor(
    private readonly nc: NatsConnection,
    options: PublisherOptions = {},
  ) {
    this.failures = new FailureLog((options.logger ?? silentLogger).child({ component: 'publisher', mode: this.mode }));
    this.yieldEvery = positive(options.yieldEvery ?? 1_000, 'yieldEvery');
    void nc.closed().then(() => {
      this.dead ??= new PublisherClosedError('the NATS connection is closed');
    });
  }

  publishTrade(trade: Trade): void | Promise<void> {
    if (this.dead) throw this.dead;
    const subject = this.subjects.of(trade.venue, trade.instrument);
    this.publish(subject, utf8(serializeTrade(trade)), new MsgIdHeaders(this.msgIds.of(trade)));
    this.counters.publishedCore += 1;
    if (++this.sinceYield >= this.yieldEvery) return this.yieldTurn();
    return undefined;
  }

  async publishStatus(status: Status, options: { msgId?: string } = {}): Promise<void> {
    if (this.dead) throw this.dead;
    const data = utf8(encodeToString(status));
    this.msgIds.observe(status);
    this.counters.publishedStatus += 1;
    this.publish(statusSubject(status.venue, status.instrument), data, new MsgIdHeaders(options.msgId ?? statusMsgId(status)));
  }

  ready(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return this.yieldWaiter ?? Promise.resolve();
  }

  /** Resolves when the server has received everything published so far (a round trip). */
  flush(): Promise<void> {
    return this.dead ? Promise.reject(this.dead) : this.nc.flush();
  }

  async close(options: { timeoutMs?: number } = {}): Promise<{ abandoned: number }> {
    if (!this.dead) {
      this.dead = new PublisherClosedError();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([this.nc.flush().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 10_000)))]);
      } finally {
        clearTimeout(timer);
      }
    }
    return { abandoned: 0 };
  }

  stats(): PublisherStats {
    return { mode: this.mode, ...this.counters, inFlight: 0, buffered: 0 };
  }

  get buffered(): number {
    return 0;
  }

  stalledMs(): number {
    return 0;
  }

  private publish(subject: string, data: Uint8Array, headers: MsgIdHeaders): void {
    try {
      this.nc.publish(subject, data, { headers });
      this.failures.succeeded('NATS publishing recovered');
    } catch (error) {
      this.counters.failures += 1;
      if (this.nc.isClosed()) throw new PublisherClosedError('the NATS connection is closed');
      this.failures.failed(error);
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
}
