import type { WebSocket } from 'ws';
import type { FaultTarget } from '../faults.js';
import type { DeliveryMode } from '../frame-sequencer.js';
import type { Market } from '../market.js';
import type { TradeGroup, TradeReceiver } from './fan-out.js';

/** What the starter hands a venue's new connection. */
export interface VenueConnectionContext {
  readonly id: number;
  readonly ws: WebSocket;
  readonly remoteAddress: string;
  readonly url: string;
  readonly market: Market;
  readonly onGone: (connection: SimConnection<unknown>) => void;
}

/**
 * One client WebSocket of a venue simulator: text in, text out, connection faults, timers that end with
 * the connection. `Info` is what the venue shows of a connection (`sim.connections.list()`, the control
 * endpoint's state). Subclasses parse requests (`onText`) and say what they show (`info`).
 */
export abstract class SimConnection<Info> implements FaultTarget {
  readonly id: number;
  protected readonly ws: WebSocket;
  protected readonly market: Market;
  protected readonly remoteAddress: string;
  protected readonly url: string;
  protected readonly openedAt = Date.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private stalledUntil = 0;
  protected closing = false;
  protected counts = { messagesReceived: 0, framesSent: 0 };

  constructor(ctx: VenueConnectionContext) {
    this.id = ctx.id;
    this.ws = ctx.ws;
    this.market = ctx.market;
    this.remoteAddress = ctx.remoteAddress;
    this.url = ctx.url;
    ctx.ws.on('message', (data, isBinary) => {
      if (!this.receive()) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      this.onText(text, isBinary);
    });
    ctx.ws.on('error', () => undefined);
    ctx.ws.on('close', () => {
      this.closing = true;
      this.clearTimers();
      ctx.onGone(this);
    });
  }

  /** A text (or binary) message from the client. */
  protected abstract onText(text: string, isBinary: boolean): void;

  /** What the venue shows of this connection. */
  abstract info(): Info;

  /**
   * Whether an incoming message that was counted may be read; default yes. A venue with an incoming message
   * limit closes the connection here and answers no.
   */
  protected admit(): boolean {
    return true;
  }

  /** Count one incoming message (text, or a venue's ping / pong) and say whether to read it. */
  protected receive(): boolean {
    if (this.closing) return false;
    this.counts.messagesReceived++;
    return this.admit();
  }

  /** The venue's "going away" notice; default: none (a venue without one documented sends nothing). */
  notifyShutdown(): void {
    /* nothing documented */
  }

  drop(): void {
    this.closing = true;
    this.clearTimers();
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.clearTimers();
    this.ws.close(code, reason);
  }

  stall(ms: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, Date.now() + ms);
  }

  protected isStalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  /** Whether frames can be sent now: open, not closing, not stalled. */
  protected canSend(): boolean {
    return !this.closing && !this.isStalled() && this.ws.readyState === this.ws.OPEN;
  }

  /** Send one text frame (nothing while stalled or closing). */
  protected send(frame: string): void {
    if (!this.canSend()) return;
    this.write(frame);
  }

  /** Send without checks: for a caller that checked `canSend` once for many frames. */
  protected write(frame: string): void {
    this.counts.framesSent++;
    this.ws.send(frame);
  }

  /** Send a trade frame as the delivery mode says (normal, duplicated, or damaged by `malform`). */
  protected sendWithMode(frame: string, mode: DeliveryMode, malform: (frame: string, kind: Extract<DeliveryMode, { kind: 'malformed' }>['malformed']) => string): void {
    if (mode.kind === 'malformed') this.send(malform(frame, mode.malformed));
    else for (let copy = 0; copy < (mode.copies ?? 1); copy++) this.send(frame);
  }

  /** A timeout that is cleared when the connection ends. */
  protected after(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  protected cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    clearInterval(timer);
    this.timers.delete(timer);
    this.intervals.delete(timer);
  }

  /** An interval that is cleared when the connection ends. */
  protected every(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setInterval(action, ms);
    this.intervals.add(timer);
    return timer;
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    this.timers.clear();
    this.intervals.clear();
  }
}

/** What the JSON venues' connections show. */
export interface VenueConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly url: string;
  /** The venue's subscriptions, in the venue's own names (`matches:BTC-USD`, `publicTrade.BTCUSDT`). */
  readonly subscriptions: readonly string[];
  readonly openedAt: number;
  readonly messagesReceived: number;
  readonly framesSent: number;
  readonly stalled: boolean;
}

/**
 * A connection of a JSON venue (Coinbase, Kraken, OKX, Bybit): it renders each group of trades itself
 * (`deliver`, for `deliverToEach`) and shows its subscriptions.
 */
export abstract class VenueConnection extends SimConnection<VenueConnectionInfo> implements TradeReceiver {
  /** Send this connection a group of trades, if it subscribes to them. */
  abstract deliver(group: TradeGroup, mode: DeliveryMode): void;

  /** The venue's subscription names. */
  abstract subscriptions(): readonly string[];

  info(): VenueConnectionInfo {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      url: this.url,
      subscriptions: [...this.subscriptions()],
      openedAt: this.openedAt,
      ...this.counts,
      stalled: this.isStalled(),
    };
  }
}
