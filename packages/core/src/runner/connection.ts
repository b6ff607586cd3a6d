import WebSocket, { type ClientOptions, type RawData } from 'ws';
import type { Bbo, Trade } from '@tickgate/schema';
import type { ConnectPlan, ControlEvent, FrameParser, HeartbeatRule, ParseSink, Rejection } from '../adapter.js';
import type { BookDelta, BookSnapshot } from '../books/types.js';
import { FeedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AttemptBudget } from './attempt-budget.js';
import { monotonicMs, type Clock } from '../clock.js';

/** Why a connection was lost (it failed or the venue ended it); each of these makes the runner reconnect. */
export type LossReason =
  /** The socket never opened (refused, DNS, HTTP error on upgrade, handshake timeout). */
  | 'connect-failed'
  /** The venue closed it with a close frame. */
  | 'closed'
  /** It ended without a close frame (reset, server killed: close code 1006). */
  | 'dropped'
  /** A socket or protocol error. */
  | 'error'
  /** No inbound traffic at all (frames, pings, pongs) for `staleAfterMs`. */
  | 'stale'
  /** A client ping got no answer (nor any other traffic) within the heartbeat rule's `timeoutMs`. */
  | 'heartbeat'
  /** Subscribe requests were sent but neither an acknowledgement nor a trade came back in time. */
  | 'subscribe-timeout';

/** Why the runner itself closed a healthy connection. */
export type CloseCause = 'rotated' | 'discarded' | 'stopped';

/** How a connection ended. */
export interface ConnectionEnd {
  readonly reason: LossReason | CloseCause;
  /** Set for losses. */
  readonly error?: FeedError;
  /** WebSocket close code, when a close frame or an abnormal close was seen. */
  readonly code?: number;
}

/** The lifecycle of one connection. */
export type ConnectionPhase = 'connecting' | 'open' | 'ready' | 'ended';

/** Callbacks from a connection to its runner. */
export interface ConnectionHandler {
  opened(conn: Connection): void;
  ready(conn: Connection): void;
  /** The first frame after the connection became ready (rotation uses it). */
  firstFrameAfterReady(conn: Connection): void;
  trade(conn: Connection, trade: Trade, span: number): void;
  rejection(conn: Connection, rejection: Rejection): void;
  control(conn: Connection, event: ControlEvent): void;
  /** A book delta, an in-band book snapshot, a best bid/offer (book and bbo channels). */
  bookDelta(conn: Connection, instrument: string, delta: BookDelta): void;
  bookSnapshot(conn: Connection, instrument: string, snapshot: BookSnapshot): void;
  bbo(conn: Connection, bbo: Bbo): void;
  /** Exactly once, when the connection is lost or closed on purpose. */
  ended(conn: Connection, end: ConnectionEnd): void;
}

/** Counters a connection adds to (shared with its runner). */
export interface ConnectionCounters {
  frames: number;
  clientMessagesSent: number;
  pingsSent: number;
  handlerErrors: number;
}

export interface ConnectionSettings {
  readonly id: number;
  readonly plan: ConnectPlan;
  readonly parser: FrameParser;
  readonly heartbeat: HeartbeatRule;
  readonly staleAfterMs: number;
  readonly subscribeTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly maxClientMessagesPerSecond: number | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly counters: ConnectionCounters;
  readonly webSocketOptions: ClientOptions | undefined;
}

const WS_PING = Symbol('ws-ping');
type Outgoing = string | typeof WS_PING;

const LOSS_CODES: Record<LossReason, ConstructorParameters<typeof FeedError>[0]> = {
  'connect-failed': 'TICKGATE_FEED_CONNECT',
  closed: 'TICKGATE_FEED_CLOSED',
  dropped: 'TICKGATE_FEED_CLOSED',
  error: 'TICKGATE_FEED_CLOSED',
  stale: 'TICKGATE_FEED_STALE',
  heartbeat: 'TICKGATE_FEED_HEARTBEAT',
  'subscribe-timeout': 'TICKGATE_FEED_SUBSCRIBE',
};

/**
 * One WebSocket connection of a feed: opens the socket, sends the subscribe messages (paced), keeps the
 * venue's heartbeat rule, watches for stalls, and hands every text frame to the adapter's parser with
 * its receive time. It never reconnects: it reports how it ended and the runner decides.
 */
export class Connection {
  readonly id: number;
  readonly url: string;
  private readonly settings: ConnectionSettings;
  private readonly handler: ConnectionHandler;
  private ws: WebSocket | undefined;
  private phaseValue: ConnectionPhase = 'connecting';
  private endedValue = false;
  private sawFrameAfterReady = false;
  /** Monotonic ms of the last inbound traffic of any kind. */
  private lastInboundMs = 0;
  private lastError: unknown;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private readonly outbox: Outgoing[] = [];
  private draining = false;
  private readonly limiter: AttemptBudget | undefined;
  private readonly sink: ParseSink;
  private resolveClosed!: () => void;
  /** Resolves once the socket is closed (or was never created). */
  readonly closed: Promise<void>;

  constructor(settings: ConnectionSettings, handler: ConnectionHandler) {
    this.settings = settings;
    this.handler = handler;
    this.id = settings.id;
    this.url = settings.plan.url;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    const rate = settings.maxClientMessagesPerSecond;
    this.limiter = rate !== undefined && rate > 0 ? new AttemptBudget({ max: Math.max(1, Math.floor(rate)), windowMs: 1000 }) : undefined;
    this.sink = {
      trade: (trade, span) => {
        if (this.endedValue) return;
        if (this.phaseValue === 'open') this.becomeReady();
        this.handler.trade(this, trade, span ?? 1);
      },
      control: (event) => {
        if (this.endedValue) return;
        if (event.type === 'subscribed' && this.phaseValue === 'open') this.becomeReady();
        this.handler.control(this, event);
      },
      reject: (rejection) => {
        if (this.endedValue) return;
        this.handler.rejection(this, rejection);
      },
      // Book and top-of-book data count as traffic that makes a connection ready, like trades.
      bookDelta: (instrument, delta) => {
        if (this.endedValue) return;
        if (this.phaseValue === 'open') this.becomeReady();
        this.handler.bookDelta(this, instrument, delta);
      },
      bookSnapshot: (instrument, snapshot) => {
        if (this.endedValue) return;
        if (this.phaseValue === 'open') this.becomeReady();
        this.handler.bookSnapshot(this, instrument, snapshot);
      },
      bbo: (bbo) => {
        if (this.endedValue) return;
        if (this.phaseValue === 'open') this.becomeReady();
        this.handler.bbo(this, bbo);
      },
    };
  }

  /** Where the connection is in its life. */
  get phase(): ConnectionPhase {
    return this.phaseValue;
  }

  /** Monotonic ms of the last inbound traffic (frame, ping or pong); the open time before any. */
  get lastActivityMs(): number {
    return this.lastInboundMs;
  }

  /** Ready: open, and subscribed (acknowledged or delivering trades) where the venue takes subscribe messages. */
  get isReady(): boolean {
    return this.phaseValue === 'ready';
  }

  /** Open the socket. */
  start(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, { handshakeTimeout: this.settings.connectTimeoutMs, ...this.settings.webSocketOptions });
    } catch (error) {
      this.resolveClosed();
      this.lose('connect-failed', error);
      return;
    }
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('ping', () => this.touch());
    ws.on('pong', () => this.touch());
    ws.on('error', (error) => {
      this.lastError = error;
      this.settings.logger.debug({ connectionId: this.id, err: error.message }, 'websocket error');
    });
    ws.on('close', (code) => this.onClose(code));
  }

  /** Run `fn` after `ms` unless the connection has ended by then. */
  after(ms: number, fn: () => void): void {
    if (this.endedValue) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.endedValue) fn();
    }, Math.max(0, ms));
    this.timers.add(timer);
  }

  /**
   * Close on purpose: politely (close frame, code 1000) when open, forcibly after `closeTimeoutMs`;
   * a socket still connecting is aborted. Reports `ended` with `cause` if not ended already.
   */
  close(cause: CloseCause): void {
    this.shutdownSocket(false, cause);
    this.end({ reason: cause });
  }

  private onOpen(): void {
    if (this.endedValue) return;
    this.phaseValue = 'open';
    this.touch();
    this.settings.logger.debug({ connectionId: this.id }, 'websocket open');
    this.handler.opened(this);
    if (this.endedValue) return;
    this.watchStale();
    this.startHeartbeat();
    const { subscribe } = this.settings.plan;
    if (subscribe.length === 0) {
      this.becomeReady();
    } else {
      for (const message of subscribe) this.send(message);
      this.after(this.settings.subscribeTimeoutMs, () => {
        if (this.phaseValue === 'open') this.lose('subscribe-timeout', undefined, `no subscribe acknowledgement within ${this.settings.subscribeTimeoutMs} ms`);
      });
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    // The receive time is read first, once per frame.
    const receiveTimeUs = this.settings.clock.nowUs();
    this.touch();
    if (this.endedValue) return;
    this.settings.counters.frames += 1;
    const wasReady = this.phaseValue === 'ready';
    try {
      if (isBinary) {
        this.sink.reject({ reason: 'unknown-message', message: 'binary frame (text expected)', raw: '' });
      } else {
        this.settings.parser(rawText(data), receiveTimeUs, this.sink);
      }
    } catch (error) {
      // The parser must not throw and listeners should not: count it, log it, keep the feed alive.
      this.settings.counters.handlerErrors += 1;
      this.settings.logger.error({ connectionId: this.id, err: error instanceof Error ? error.message : String(error) }, 'frame handling threw');
    }
    if (wasReady && !this.sawFrameAfterReady && !this.endedValue) {
      this.sawFrameAfterReady = true;
      this.handler.firstFrameAfterReady(this);
    }
  }

  private onClose(code: number): void {
    this.clearTimers();
    this.resolveClosed();
    if (this.endedValue) return;
    if (this.phaseValue === 'connecting') this.lose('connect-failed', this.lastError, undefined, code);
    else if (this.lastError !== undefined) this.lose('error', this.lastError, undefined, code);
    else if (code === 1006) this.lose('dropped', undefined, 'connection dropped without a close frame', code);
    else this.lose('closed', undefined, `closed by the venue with code ${code}`, code);
  }

  private becomeReady(): void {
    if (this.phaseValue !== 'open') return;
    this.phaseValue = 'ready';
    this.handler.ready(this);
  }

  private touch(): void {
    this.lastInboundMs = monotonicMs();
  }

  /** Stall watchdog: a timer checks the last inbound time instead of being re-armed on every frame. */
  private watchStale(): void {
    const staleAfterMs = this.settings.staleAfterMs;
    const check = (): void => {
      const silentMs = monotonicMs() - this.lastInboundMs;
      if (silentMs >= staleAfterMs) {
        this.lose('stale', undefined, `no frames, pings or heartbeats for ${Math.round(silentMs)} ms`);
      } else {
        this.after(Math.max(1, Math.ceil(staleAfterMs - silentMs)), check);
      }
    };
    this.after(staleAfterMs, check);
  }

  private startHeartbeat(): void {
    const rule = this.settings.heartbeat;
    if (rule.kind !== 'client-ping') return;
    const interval = setInterval(() => this.send(rule.message === 'ws-ping' ? WS_PING : rule.message), rule.intervalMs);
    this.intervals.add(interval);
  }

  /** Queue an outgoing message; the queue drains within the venue's message rate. */
  private send(message: Outgoing): void {
    if (this.endedValue) return;
    this.outbox.push(message);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.outbox.length > 0 && !this.endedValue) {
        if (this.limiter) await this.limiter.take(this.abort.signal);
        const message = this.outbox.shift() as Outgoing;
        const ws = this.ws;
        if (this.endedValue || !ws || ws.readyState !== WebSocket.OPEN) return;
        if (message === WS_PING) ws.ping();
        else ws.send(message, ignoreSendError);
        this.settings.counters.clientMessagesSent += 1;
        if (this.isPing(message)) this.pingSent();
      }
    } catch {
      // Aborted: the connection ended.
    } finally {
      this.draining = false;
    }
  }

  private isPing(message: Outgoing): boolean {
    const rule = this.settings.heartbeat;
    return rule.kind === 'client-ping' && (message === WS_PING ? rule.message === 'ws-ping' : message === rule.message);
  }

  private pingSent(): void {
    const rule = this.settings.heartbeat;
    if (rule.kind !== 'client-ping') return;
    this.settings.counters.pingsSent += 1;
    const sentAt = monotonicMs();
    this.after(rule.timeoutMs, () => {
      if (this.lastInboundMs < sentAt) this.lose('heartbeat', undefined, `no pong or other traffic within ${rule.timeoutMs} ms of a ping`);
    });
  }

  private lose(reason: LossReason, cause?: unknown, message?: string, code?: number): void {
    if (this.endedValue) return;
    const text = message ?? (cause instanceof Error ? cause.message : reason);
    const error = new FeedError(LOSS_CODES[reason], `connection ${this.id}: ${text}`, cause === undefined ? {} : { cause });
    this.shutdownSocket(true);
    this.end(code === undefined ? { reason, error } : { reason, error, code });
  }

  private end(end: ConnectionEnd): void {
    if (this.endedValue) return;
    this.endedValue = true;
    this.phaseValue = 'ended';
    this.abort.abort();
    this.outbox.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const interval of this.intervals) clearInterval(interval);
    this.intervals.clear();
    this.handler.ended(this, end);
  }

  /** Close the socket: forcibly for a dead connection, politely otherwise (forcibly after a timeout). */
  private shutdownSocket(force: boolean, reason?: string): void {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    if (force || ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, reason);
    if (this.closeTimer !== undefined) return;
    const timer = setTimeout(() => ws.terminate(), this.settings.closeTimeoutMs);
    // Cleared by `onClose` (not tracked with `after`, which stops once the connection has ended).
    this.closeTimer = timer;
  }

  private closeTimer: NodeJS.Timeout | undefined;

  private clearTimers(): void {
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function ignoreSendError(): void {
  // A failed send means the socket is closing; its close event reports the loss.
}
