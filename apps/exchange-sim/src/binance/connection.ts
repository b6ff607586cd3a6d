import type { WebSocket } from 'ws';
import { nowUs } from '../core/clock.js';
import type { FaultTarget } from '../core/faults.js';
import type { DeliveryMode } from '../core/frame-sequencer.js';
import type { BookTop, SimTrade } from '../core/market.js';
import { SlidingWindow } from '../core/rate-limit.js';
import {
  SHUTDOWN_STREAM,
  aggTradePayload,
  bookTickerPayload,
  combinedFrame,
  malformFrame,
  serverShutdownPayload,
  timeIn,
  tradePayload,
} from './messages.js';
import { handleRequest } from './requests.js';
import { parseStreamName, type BinanceStream } from './stream-names.js';

/** Connection rules; the defaults are the venue's, tests shrink them to milliseconds. */
export interface BinanceWsLimits {
  /** Server ping period. Venue: 20 s. */
  readonly pingIntervalMs: number;
  /** A pong echoing a ping's payload must arrive within this. Venue: 60 s. */
  readonly pongTimeoutMs: number;
  /** The server closes a connection this long after it opened. Venue: 24 h. */
  readonly lifetimeMs: number;
  /** Incoming messages (text, ping, pong) allowed per `messageWindowMs`. Venue: 5 per second. */
  readonly maxMessagesPerSecond: number;
  readonly messageWindowMs: number;
  /** Streams per connection. Venue: 1024. */
  readonly maxStreams: number;
}

/** One trade as streamed: the trade and the id of its (single-trade) aggregate. */
export interface TradeEvent {
  readonly trade: SimTrade;
  readonly aggId: number;
}

/** What tests and the control endpoint see of a connection. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly url: string;
  readonly combined: boolean;
  readonly timeUnit: 'MILLISECOND' | 'MICROSECOND';
  readonly streams: readonly string[];
  readonly openedAt: number;
  readonly messagesReceived: number;
  readonly framesSent: number;
  readonly pingsSent: number;
  readonly pongsReceived: number;
  readonly stalled: boolean;
}

/** A rendering cache shared by all connections for one event, keyed by payload kind and time unit. */
export type RenderCache = Map<string, string>;

/** One client WebSocket of the Binance simulator: its streams, limits, heartbeat and faults. */
export class BinanceConnection implements FaultTarget {
  private streams: string[];
  private parsed = new Map<string, BinanceStream>();
  private combined: boolean;
  private readonly microseconds: boolean;
  private readonly openedAt = Date.now();
  private readonly incoming: SlidingWindow;
  private readonly pendingPings = new Map<string, NodeJS.Timeout>();
  private pingTimer: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private stalledUntil = 0;
  private closing = false;
  private counts = { messagesReceived: 0, framesSent: 0, pingsSent: 0, pongsReceived: 0 };

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    private readonly meta: { remoteAddress: string; url: string; combined: boolean; streams: readonly string[]; microseconds: boolean },
    private readonly limits: BinanceWsLimits,
    onGone: (connection: BinanceConnection) => void,
  ) {
    this.combined = meta.combined;
    this.microseconds = meta.microseconds;
    this.streams = [];
    this.setStreams(meta.streams);
    this.incoming = new SlidingWindow(limits.maxMessagesPerSecond, limits.messageWindowMs);
    ws.on('message', (data) => {
      if (!this.countIncoming()) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      this.onRequest(text);
    });
    ws.on('ping', () => this.countIncoming());
    ws.on('pong', (payload) => {
      this.counts.pongsReceived++;
      if (!this.countIncoming()) return;
      this.onPong(payload.toString('utf8'));
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.stopTimers();
      onGone(this);
    });
    this.pingTimer = setInterval(() => this.ping(), limits.pingIntervalMs);
    this.lifetimeTimer = setTimeout(() => this.close(1000, 'connection lifetime reached'), limits.lifetimeMs);
  }

  /** Send this connection the frames of one trade, if it subscribes to any of that symbol's trade streams. */
  deliverTrade(event: TradeEvent, mode: DeliveryMode, eventTimeUs: number, cache: RenderCache): void {
    if (this.closing) return;
    for (const name of this.streams) {
      const stream = this.parsed.get(name) as BinanceStream;
      if (stream.symbol !== event.trade.symbol || stream.kind === 'bookTicker') continue;
      const key = `${stream.kind}:${this.microseconds ? 'us' : 'ms'}`;
      let payload = cache.get(key);
      if (payload === undefined) {
        const eventTime = timeIn(eventTimeUs, this.microseconds);
        payload =
          stream.kind === 'trade'
            ? tradePayload(event.trade, eventTime, this.microseconds)
            : aggTradePayload(event.trade, event.aggId, eventTime, this.microseconds);
        cache.set(key, payload);
      }
      const frame = this.combined ? combinedFrame(name, payload) : payload;
      if (mode.kind === 'malformed') this.send(malformFrame(frame, mode.malformed));
      else for (let copy = 0; copy < (mode.copies ?? 1); copy++) this.send(frame);
    }
  }

  /** Send this connection the best bid/ask of `symbol`, if it subscribes to its book ticker. */
  deliverBook(symbol: string, book: BookTop): void {
    if (this.closing) return;
    for (const name of this.streams) {
      const stream = this.parsed.get(name) as BinanceStream;
      if (stream.symbol !== symbol || stream.kind !== 'bookTicker') continue;
      const payload = bookTickerPayload(symbol, book);
      this.send(this.combined ? combinedFrame(name, payload) : payload);
    }
  }

  // ---- FaultTarget --------------------------------------------------------------------------------

  drop(): void {
    this.closing = true;
    this.stopTimers();
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.stopTimers();
    this.ws.close(code, reason);
  }

  stall(ms: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, Date.now() + ms);
    // Nothing is sent while stalled, so no pong can be owed for pings sent before.
    for (const timer of this.pendingPings.values()) clearTimeout(timer);
    this.pendingPings.clear();
  }

  notifyShutdown(): void {
    const payload = serverShutdownPayload(timeIn(nowUs(), this.microseconds));
    this.send(this.combined ? combinedFrame(SHUTDOWN_STREAM, payload) : payload);
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      remoteAddress: this.meta.remoteAddress,
      url: this.meta.url,
      combined: this.combined,
      timeUnit: this.microseconds ? 'MICROSECOND' : 'MILLISECOND',
      streams: [...this.streams],
      openedAt: this.openedAt,
      ...this.counts,
      stalled: this.isStalled(),
    };
  }

  private isStalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  private send(frame: string): void {
    if (this.isStalled() || this.ws.readyState !== this.ws.OPEN) return;
    this.counts.framesSent++;
    this.ws.send(frame);
  }

  /** Count one incoming message; over the limit the connection is closed and false is returned. */
  private countIncoming(): boolean {
    if (this.closing) return false;
    this.counts.messagesReceived++;
    if (this.incoming.hit()) return true;
    this.close(1008, 'Too many messages');
    return false;
  }

  private onRequest(text: string): void {
    const outcome = handleRequest(text, { streams: this.streams, combined: this.combined, maxStreams: this.limits.maxStreams });
    if (outcome.streams) this.setStreams(outcome.streams);
    if (outcome.combined !== undefined) this.combined = outcome.combined;
    this.send(outcome.response);
  }

  private setStreams(names: readonly string[]): void {
    this.streams = [...names];
    this.parsed = new Map(names.map((n) => [n, parseStreamName(n) as BinanceStream]));
  }

  private ping(): void {
    if (this.closing || this.isStalled() || this.ws.readyState !== this.ws.OPEN) return;
    const payload = String(Date.now());
    this.counts.pingsSent++;
    this.ws.ping(payload);
    if (this.pendingPings.has(payload)) return;
    this.pendingPings.set(
      payload,
      setTimeout(() => {
        // No pong echoing this ping in time: the connection is dropped.
        this.drop();
      }, this.limits.pongTimeoutMs),
    );
  }

  private onPong(payload: string): void {
    const timer = this.pendingPings.get(payload);
    if (!timer) return; // unsolicited pong: allowed, but it does not keep the connection alive
    // A pong answers its ping and every older one.
    for (const [key, t] of this.pendingPings) {
      clearTimeout(t);
      this.pendingPings.delete(key);
      if (key === payload) break;
    }
  }

  private stopTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    for (const timer of this.pendingPings.values()) clearTimeout(timer);
    this.pendingPings.clear();
    this.pingTimer = undefined;
    this.lifetimeTimer = undefined;
  }
}
