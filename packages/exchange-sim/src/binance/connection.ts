import { nowUs } from '../core/clock.js';
import type { DeliveryMode } from '../core/frame-sequencer.js';
import { SimConnection, type VenueConnectionContext } from '../core/kit/connection.js';
import type { BookTop, SimTrade } from '../core/market.js';
import { mergeBookBatches, type BookBatch } from '../core/order-book.js';
import { SlidingWindow } from '../core/rate-limit.js';
import {
  SHUTDOWN_STREAM,
  aggTradePayload,
  bookTickerPayload,
  combinedFrame,
  combinedPrefix,
  depthUpdatePayload,
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
  /** `<symbol>@depth` gathers the book batches of this long into one event. Venue: 1000 ms. */
  readonly depthIntervalMs?: number;
}

/**
 * The payloads of one trade event, each rendered at most once (per kind and time unit) however many connections
 * and streams carry it. One instance is reused from event to event (`set`).
 */
export class TradePayloads {
  private trade: SimTrade | undefined;
  private aggId = 0;
  private eventTimeUs = 0;
  private tradeMs: string | undefined;
  private tradeUs: string | undefined;
  private aggMs: string | undefined;
  private aggUs: string | undefined;

  /** Start a new event: `aggId` is the id of the trade's (single-trade) aggregate, `eventTimeUs` its `E`. */
  set(trade: SimTrade, aggId: number, eventTimeUs: number): void {
    this.trade = trade;
    this.aggId = aggId;
    this.eventTimeUs = eventTimeUs;
    this.tradeMs = this.tradeUs = this.aggMs = this.aggUs = undefined;
  }

  get(kind: TradeStreamKind, microseconds: boolean): string {
    const trade = this.trade as SimTrade;
    if (kind === 'trade') {
      if (microseconds) return (this.tradeUs ??= tradePayload(trade, this.eventTimeUs, true));
      return (this.tradeMs ??= tradePayload(trade, timeIn(this.eventTimeUs, false), false));
    }
    if (microseconds) return (this.aggUs ??= aggTradePayload(trade, this.aggId, this.eventTimeUs, true));
    return (this.aggMs ??= aggTradePayload(trade, this.aggId, timeIn(this.eventTimeUs, false), false));
  }
}

export type TradeStreamKind = 'trade' | 'aggTrade';

/** One subscribed trade or aggTrade stream, with its combined-frame prefix written in advance. */
export interface TradeStream {
  readonly name: string;
  readonly kind: TradeStreamKind;
  /** `{"stream":"<name>","data":` */
  readonly prefix: string;
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

/** What a connection's URL asked for (`parseStreamUrl`). */
export interface BinanceConnectionUrl {
  readonly combined: boolean;
  readonly streams: readonly string[];
  readonly microseconds: boolean;
}

/**
 * One client WebSocket of the Binance simulator: its streams, limits, heartbeat and faults. The server renders
 * each trade once for every connection (`TradePayloads`), so trades reach it through `tradeStreams` and
 * `sendTrade` rather than a per-connection render.
 */
export class BinanceConnection extends SimConnection<ConnectionInfo> {
  private streams: string[];
  /** The subscribed streams by symbol, in subscription order: trade and aggTrade streams, bookTicker streams. */
  private tradeStreamsBySymbol = new Map<string, TradeStream[]>();
  private bookStreamsBySymbol = new Map<string, string[]>();
  private depthStreamsBySymbol = new Map<string, string[]>();
  private slowDepthStreamsBySymbol = new Map<string, string[]>();
  /** Batches gathered for the `@depth` streams of a symbol, and the timer that sends them. */
  private readonly slowDepth = new Map<string, { batches: BookBatch[]; timer: NodeJS.Timeout }>();
  private combined: boolean;
  private readonly microseconds: boolean;
  private readonly incoming: SlidingWindow;
  private readonly pendingPings = new Map<string, NodeJS.Timeout>();
  private pingsSent = 0;
  private pongsReceived = 0;

  constructor(
    ctx: VenueConnectionContext,
    opened: BinanceConnectionUrl,
    private readonly limits: BinanceWsLimits,
  ) {
    super(ctx);
    this.combined = opened.combined;
    this.microseconds = opened.microseconds;
    this.streams = [];
    this.setStreams(opened.streams);
    this.incoming = new SlidingWindow(limits.maxMessagesPerSecond, limits.messageWindowMs);
    this.ws.on('ping', () => this.receive());
    this.ws.on('pong', (payload) => {
      this.pongsReceived++;
      if (!this.receive()) return;
      this.onPong(payload.toString('utf8'));
    });
    this.every(limits.pingIntervalMs, () => this.ping());
    this.after(limits.lifetimeMs, () => this.close(1000, 'connection lifetime reached'));
  }

  /**
   * This connection's trade and aggTrade streams of `symbol` when frames can be sent to it now (open, not
   * closing, not stalled), else undefined. The server asks once per batch of trades and sends the batch with
   * `sendTrade`: nothing that runs during a batch (synchronous) can change the answer.
   */
  tradeStreams(symbol: string): readonly TradeStream[] | undefined {
    const streams = this.tradeStreamsBySymbol.get(symbol);
    return streams && this.canSend() ? streams : undefined;
  }

  /** Send the frames of one trade on `streams` (from `tradeStreams`, in the same batch). */
  sendTrade(streams: readonly TradeStream[], payloads: TradePayloads, mode: DeliveryMode): void {
    for (const stream of streams) {
      const payload = payloads.get(stream.kind, this.microseconds);
      const frame = this.combined ? stream.prefix + payload + '}' : payload;
      if (mode.kind === 'malformed') {
        this.write(malformFrame(frame, mode.malformed));
      } else {
        const copies = mode.copies ?? 1;
        for (let copy = 0; copy < copies; copy++) this.write(frame);
      }
    }
  }

  /** Send this connection the best bid/ask of `symbol`, if it subscribes to its book ticker. */
  deliverBook(symbol: string, book: BookTop): void {
    const names = this.bookStreamsBySymbol.get(symbol);
    if (!names || !this.canSend()) return;
    const payload = bookTickerPayload(symbol, book);
    for (const name of names) this.write(this.combined ? combinedFrame(name, payload) : payload);
  }

  /** Send this connection a diff depth event of `batch`, if it subscribes to `@depth` or `@depth@100ms` of its symbol. */
  deliverDepth(batch: BookBatch, mode: DeliveryMode): void {
    const copies = mode.kind === 'normal' ? (mode.copies ?? 1) : 1;
    const fast = this.depthStreamsBySymbol.get(batch.symbol);
    if (fast && this.canSend()) this.writeDepth(fast, batch, copies);
    if (this.slowDepthStreamsBySymbol.has(batch.symbol)) for (let copy = 0; copy < copies; copy++) this.gatherSlow(batch);
  }

  /**
   * `@depth`: batches are gathered for `depthIntervalMs` and sent as one event (`U` of the first, `u` of the
   * last, each level's last size). A batch that does not follow the gathered ones (after a dropped,
   * duplicated or reordered delta) sends what was gathered first, so that the gap stays visible.
   */
  private gatherSlow(batch: BookBatch): void {
    const pending = this.slowDepth.get(batch.symbol);
    const last = pending?.batches[pending.batches.length - 1];
    if (pending && last && batch.firstUpdateId !== last.lastUpdateId + 1) this.flushSlow(batch.symbol);
    const open = this.slowDepth.get(batch.symbol);
    if (open) {
      open.batches.push(batch);
      return;
    }
    const timer = this.after(this.limits.depthIntervalMs ?? 1000, () => this.flushSlow(batch.symbol));
    this.slowDepth.set(batch.symbol, { batches: [batch], timer });
  }

  private flushSlow(symbol: string): void {
    const pending = this.slowDepth.get(symbol);
    if (!pending) return;
    this.slowDepth.delete(symbol);
    this.cancel(pending.timer);
    const names = this.slowDepthStreamsBySymbol.get(symbol);
    if (names && this.canSend()) this.writeDepth(names, mergeBookBatches(pending.batches), 1);
  }

  private writeDepth(names: readonly string[], batch: BookBatch, copies: number): void {
    const payload = depthUpdatePayload(batch, timeIn(nowUs(), this.microseconds));
    for (const name of names) {
      const frame = this.combined ? combinedFrame(name, payload) : payload;
      for (let copy = 0; copy < copies; copy++) this.write(frame);
    }
  }

  override stall(ms: number): void {
    super.stall(ms);
    // Nothing is sent while stalled, so no pong can be owed for pings sent before.
    for (const timer of this.pendingPings.values()) this.cancel(timer);
    this.pendingPings.clear();
  }

  override notifyShutdown(): void {
    const payload = serverShutdownPayload(timeIn(nowUs(), this.microseconds));
    this.send(this.combined ? combinedFrame(SHUTDOWN_STREAM, payload) : payload);
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      url: this.url,
      combined: this.combined,
      timeUnit: this.microseconds ? 'MICROSECOND' : 'MILLISECOND',
      streams: [...this.streams],
      openedAt: this.openedAt,
      ...this.counts,
      pingsSent: this.pingsSent,
      pongsReceived: this.pongsReceived,
      stalled: this.isStalled(),
    };
  }

  /** Incoming messages (text, ping, pong) past the per-window limit close the connection. */
  protected override admit(): boolean {
    if (this.incoming.hit()) return true;
    this.close(1008, 'Too many messages');
    return false;
  }

  protected onText(text: string): void {
    const outcome = handleRequest(text, { streams: this.streams, combined: this.combined, maxStreams: this.limits.maxStreams });
    if (outcome.streams) this.setStreams(outcome.streams);
    if (outcome.combined !== undefined) this.combined = outcome.combined;
    this.send(outcome.response);
  }

  private setStreams(names: readonly string[]): void {
    this.streams = [...names];
    this.tradeStreamsBySymbol = new Map();
    this.bookStreamsBySymbol = new Map();
    this.depthStreamsBySymbol = new Map();
    this.slowDepthStreamsBySymbol = new Map();
    for (const name of this.streams) {
      const stream = parseStreamName(name) as BinanceStream;
      if (stream.kind === 'bookTicker' || stream.kind === 'depth' || stream.kind === 'depth@100ms') {
        const bySymbol =
          stream.kind === 'bookTicker' ? this.bookStreamsBySymbol : stream.kind === 'depth' ? this.slowDepthStreamsBySymbol : this.depthStreamsBySymbol;
        const list = bySymbol.get(stream.symbol) ?? [];
        list.push(name);
        bySymbol.set(stream.symbol, list);
      } else {
        const list = this.tradeStreamsBySymbol.get(stream.symbol) ?? [];
        list.push({ name, kind: stream.kind, prefix: combinedPrefix(name) });
        this.tradeStreamsBySymbol.set(stream.symbol, list);
      }
    }
  }

  private ping(): void {
    if (!this.canSend()) return;
    const payload = String(Date.now());
    this.pingsSent++;
    this.ws.ping(payload);
    if (this.pendingPings.has(payload)) return;
    // No pong echoing this ping in time: the connection is dropped.
    this.pendingPings.set(
      payload,
      this.after(this.limits.pongTimeoutMs, () => this.drop()),
    );
  }

  private onPong(payload: string): void {
    const timer = this.pendingPings.get(payload);
    if (!timer) return; // unsolicited pong: allowed, but it does not keep the connection alive
    // A pong answers its ping and every older one.
    for (const [key, t] of this.pendingPings) {
      this.cancel(t);
      this.pendingPings.delete(key);
      if (key === payload) break;
    }
  }
}
