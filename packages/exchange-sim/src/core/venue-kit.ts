import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { handleControl } from './control.js';
import { Faults, type ChaosOptions, type FaultState, type FaultTarget } from './faults.js';
import { FrameSequencer, type DeliveryMode } from './frame-sequencer.js';
import { clientIp, sendJson } from './http-util.js';
import { Market, type MarketOptions, type SimTrade, type SymbolSpec } from './market.js';
import { KeyedSlidingWindow } from './rate-limit.js';
import { startSimServer, type UpgradeRefusal } from './server.js';

/**
 * Shared wiring of the JSON-over-WebSocket venue simulators (Coinbase, Kraken, OKX, Bybit): the market,
 * faults, one port for WebSocket + REST + control, per-IP REST limits and a connection base class.
 * Each venue supplies its paths, its frames, its REST routes and its error bodies.
 */

/** One REST answer, already serialized. */
export interface VenueRestAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** One streamed frame's worth of trades of one symbol (one trade, or several of one taker order). */
export interface TradeGroup {
  readonly symbol: string;
  readonly trades: readonly SimTrade[];
}

/** What every venue's connection info shows. */
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

export interface VenueConnectionContext {
  readonly id: number;
  readonly ws: WebSocket;
  readonly remoteAddress: string;
  readonly url: string;
  readonly market: Market;
  readonly onGone: (connection: VenueConnection) => void;
}

/**
 * One client WebSocket of a venue simulator: text in, text out, connection faults, timers that end with
 * the connection. Subclasses parse requests (`onText`) and render trades (`deliver`).
 */
export abstract class VenueConnection implements FaultTarget {
  readonly id: number;
  protected readonly ws: WebSocket;
  protected readonly market: Market;
  private readonly openedAt = Date.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private stalledUntil = 0;
  protected closing = false;
  protected counts = { messagesReceived: 0, framesSent: 0 };

  constructor(private readonly ctx: VenueConnectionContext) {
    this.id = ctx.id;
    this.ws = ctx.ws;
    this.market = ctx.market;
    ctx.ws.on('message', (data, isBinary) => {
      if (this.closing) return;
      this.counts.messagesReceived++;
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

  /** Send this connection a group of trades, if it subscribes to them. */
  abstract deliver(group: TradeGroup, mode: DeliveryMode): void;

  /** The venue's subscription names. */
  abstract subscriptions(): readonly string[];

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

  info(): VenueConnectionInfo {
    return {
      id: this.id,
      remoteAddress: this.ctx.remoteAddress,
      url: this.ctx.url,
      subscriptions: [...this.subscriptions()],
      openedAt: this.openedAt,
      ...this.counts,
      stalled: this.isStalled(),
    };
  }

  protected isStalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  /** Send one text frame (nothing while stalled or closing). */
  protected send(frame: string): void {
    if (this.closing || this.isStalled() || this.ws.readyState !== this.ws.OPEN) return;
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

/** A per-IP request count limit for a venue's public REST. */
export interface VenueRestLimit {
  /** Requests per window per IP. */
  readonly limit: number;
  readonly windowMs: number;
}

/** A parsed REST request handed to a venue's routes. */
export interface VenueRestRequest {
  readonly method: string;
  readonly url: URL;
  readonly ip: string;
  readonly headers: IncomingMessage['headers'];
}

/**
 * The market and server options every venue simulator shares (all optional): the market's own options
 * (`seed` also seeds random faults; `rate` 0, the default, is manual mode: `sim.market.generate`).
 */
export interface VenueMarketOptions extends Omit<MarketOptions, 'symbols'> {
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  readonly chaos?: ChaosOptions;
}

/** A venue simulator's options: the shared ones, its symbols, and partial WebSocket / REST rules. */
export interface VenueSimOptions<Ws, Rest> extends VenueMarketOptions {
  readonly symbols?: readonly VenueSymbolInput[];
  readonly ws?: Partial<Ws>;
  readonly rest?: Partial<Rest>;
}

/** The WebSocket rules every venue has. */
export interface VenueWsOptions {
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
}

/** The REST rules every venue has: a per-IP request count per window. */
export interface VenueRestOptions {
  /** Public REST requests per window per IP. */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
}

export interface VenueSimSetup<C extends VenueConnection> extends VenueMarketOptions {
  readonly venue: string;
  readonly symbols: readonly SymbolSpec[];
  readonly reorderFlushMs: number;
  /** Group a batch of new trades into frames. Default: one trade per frame. */
  readonly groupTrades?: (symbol: string, trades: readonly SimTrade[]) => TradeGroup[];
  /** Accept or refuse a WebSocket upgrade (wrong path, limits). */
  readonly checkUpgrade: (req: IncomingMessage, url: URL) => UpgradeRefusal | undefined;
  readonly createConnection: (ctx: VenueConnectionContext) => C;
  /** The venue's REST routes; undefined for an unknown path. */
  readonly handleRest: (req: VenueRestRequest, market: Market) => VenueRestAnswer | undefined;
  readonly restLimit: VenueRestLimit;
  /** The venue's answer to a request over the limit (`limit`) or to a forced 429 / 418 (`fault`). */
  readonly tooManyRequests: (status: number, retryAfterSec: number, source: 'limit' | 'fault') => VenueRestAnswer;
  /** The venue's answer to an unknown path, a forced server error, or a crash. */
  readonly errorAnswer: (status: number) => VenueRestAnswer;
}

/** A running venue simulator: the handle every venue's `start…Sim` returns. */
export interface VenueSim {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`. */
  readonly restUrl: string;
  readonly market: Market;
  readonly faults: Faults;
  readonly connections: VenueConnections;
  /** REST requests counted for an IP in the current window (default 127.0.0.1), and a reset of the limits. */
  readonly rest: { used(ip?: string): number; resetLimits(): void };
  state(): VenueSimState;
  close(): Promise<void>;
}

/** A running venue simulator with its live connection objects (for the venue wrapper). */
export interface VenueSimCore<C extends VenueConnection> extends VenueSim {
  readonly live: ReadonlyMap<number, C>;
}

export interface VenueConnections {
  readonly count: number;
  list(): VenueConnectionInfo[];
  get(id: number): VenueConnectionInfo | undefined;
}

export interface VenueSimState {
  readonly venue: string;
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly market: {
    readonly running: boolean;
    readonly rate: number;
    readonly symbols: readonly { symbol: string; firstId?: number; lastId?: number; lastPrice: string }[];
  };
  readonly faults: FaultState;
  readonly connections: readonly VenueConnectionInfo[];
}

/** One trade per group, in order. */
export function singleTrades(symbol: string, trades: readonly SimTrade[]): TradeGroup[] {
  return trades.map((t) => ({ symbol, trades: [t] }));
}

/** Consecutive trades of one taker order (`takerOrder`) in one group; trades without an order alone. */
export function groupByTakerOrder(symbol: string, trades: readonly SimTrade[]): TradeGroup[] {
  const groups: { symbol: string; trades: SimTrade[] }[] = [];
  for (const trade of trades) {
    const last = groups[groups.length - 1];
    const prev = last?.trades[last.trades.length - 1];
    if (last && prev && trade.takerOrder !== undefined && prev.takerOrder === trade.takerOrder) last.trades.push(trade);
    else groups.push({ symbol, trades: [trade] });
  }
  return groups;
}

/** Start the venue-neutral part of a venue simulator. */
export async function startVenueSim<C extends VenueConnection>(setup: VenueSimSetup<C>): Promise<VenueSimCore<C>> {
  const market = new Market({
    symbols: setup.symbols,
    seed: setup.seed ?? 1,
    ...(setup.tradeIdStart !== undefined ? { tradeIdStart: setup.tradeIdStart } : {}),
    ...(setup.historySize !== undefined ? { historySize: setup.historySize } : {}),
    rate: setup.rate ?? 0,
    ...(setup.burst ? { burst: setup.burst } : {}),
    ...(setup.sweeps ? { sweeps: setup.sweeps } : {}),
  });
  const connections = new Map<number, C>();
  const faults = new Faults({ list: () => [...connections.values()] }, { seed: setup.seed ?? 1, ...(setup.chaos ? { chaos: setup.chaos } : {}) });
  const restWindow = new KeyedSlidingWindow(setup.restLimit.limit, setup.restLimit.windowMs);
  let nextConnectionId = 1;
  const group = setup.groupTrades ?? singleTrades;

  const sequencer = new FrameSequencer<TradeGroup>((g, mode) => {
    for (const connection of connections.values()) connection.deliver(g, mode);
  }, setup.reorderFlushMs);

  market.onTrades((symbol, trades) => {
    for (const g of group(symbol, trades)) {
      const last = g.trades[g.trades.length - 1] as SimTrade;
      sequencer.push(symbol, g, faults.decideFrame(symbol, last.id, g.trades.map((t) => t.id)));
    }
  });

  const answer = (res: ServerResponse, a: VenueRestAnswer) => sendJson(res, a.status, a.body, a.headers ?? {});

  const serveRest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const ip = clientIp(req);
    const request: VenueRestRequest = { method: req.method ?? 'GET', url, ip, headers: req.headers };
    const fault = faults.decideRest();
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.status !== undefined) {
      answer(res, fault.status === 429 || fault.status === 418 ? setup.tooManyRequests(fault.status, fault.retryAfterSec ?? 1, 'fault') : setup.errorAnswer(fault.status));
      return;
    }
    if (!restWindow.hit(ip)) {
      answer(res, setup.tooManyRequests(429, Math.max(1, Math.ceil(setup.restLimit.windowMs / 1000)), 'limit'));
      return;
    }
    let result: VenueRestAnswer | undefined;
    try {
      result = setup.handleRest(request, market);
    } catch {
      result = setup.errorAnswer(500);
    }
    answer(res, result ?? setup.errorAnswer(404));
  };

  let state: () => VenueSimState = () => {
    throw new Error('not started');
  };
  const server = await startSimServer({
    ...(setup.host !== undefined ? { host: setup.host } : {}),
    port: setup.port ?? 0,
    checkUpgrade: (req) => setup.checkUpgrade(req, new URL(req.url ?? '/', 'http://sim.invalid')),
    onConnection(ws, req) {
      const connection = setup.createConnection({
        id: nextConnectionId++,
        ws,
        remoteAddress: clientIp(req),
        url: req.url ?? '/',
        market,
        onGone: (gone) => connections.delete(gone.id),
      });
      connections.set(connection.id, connection);
    },
    handleHttp(req, res) {
      if (handleControl(req, res, { faults, market, state: () => state() })) return;
      serveRest(req, res).catch(() => {
        if (!res.headersSent) answer(res, setup.errorAnswer(500));
      });
    },
  });

  const host = server.host;
  const wsUrl = `ws://${host}:${server.port}`;
  const restUrl = `http://${host}:${server.port}`;
  state = () => ({
    venue: setup.venue,
    wsUrl,
    restUrl,
    market: {
      running: market.running,
      rate: market.rate,
      symbols: market.symbols().map((s) => {
        const firstId = market.firstId(s.symbol);
        const lastId = market.lastId(s.symbol);
        return {
          symbol: s.symbol,
          ...(firstId !== undefined ? { firstId } : {}),
          ...(lastId !== undefined ? { lastId } : {}),
          lastPrice: market.lastPrice(s.symbol),
        };
      }),
    },
    faults: faults.state(),
    connections: [...connections.values()].map((c) => c.info()),
  });
  if ((setup.rate ?? 0) > 0 || setup.burst) market.start();

  let closed: Promise<void> | undefined;
  return {
    host,
    port: server.port,
    wsUrl,
    restUrl,
    market,
    faults,
    live: connections,
    connections: {
      get count() {
        return connections.size;
      },
      list: () => [...connections.values()].map((c) => c.info()),
      get: (id) => connections.get(id)?.info(),
    },
    rest: {
      used: (ip = '127.0.0.1') => restWindow.count(ip),
      resetLimits: () => restWindow.reset(),
    },
    state: () => state(),
    close() {
      closed ??= (async () => {
        market.stop();
        faults.dispose();
        sequencer.dispose();
        for (const connection of connections.values()) connection.drop();
        await server.close();
      })();
      return closed;
    },
  };
}

/**
 * What a venue simulator supplies besides the shared options: its id, default symbols and their
 * resolver, its WebSocket / REST defaults, and the venue-specific part of `VenueSimSetup`.
 */
export interface VenueSimDefinition<Ws extends VenueWsOptions, Rest extends VenueRestOptions, C extends VenueConnection>
  extends Pick<VenueSimSetup<C>, 'venue' | 'groupTrades' | 'checkUpgrade' | 'handleRest' | 'tooManyRequests' | 'errorAnswer'> {
  readonly defaultSymbols: readonly VenueSymbolInput[];
  readonly resolveSymbol: (input: VenueSymbolInput) => SymbolSpec;
  /** Default sweeps; a venue without it takes no `sweeps` option. */
  readonly defaultSweeps?: { readonly probability: number; readonly maxTrades: number };
  readonly wsDefaults: Ws;
  readonly restDefaults: Rest;
  /** A connection, given the venue's WebSocket rules (defaults merged with the options) and the seed. */
  readonly createConnection: (ctx: VenueConnectionContext, ws: Ws, seed: number | string) => C;
}

/** Start a venue simulator from its options and its definition; the handle leaves out the live connections. */
export async function startDefinedVenueSim<Ws extends VenueWsOptions, Rest extends VenueRestOptions, C extends VenueConnection>(
  options: VenueSimOptions<Ws, Rest>,
  def: VenueSimDefinition<Ws, Rest, C>,
): Promise<VenueSim> {
  const ws: Ws = { ...def.wsDefaults, ...options.ws };
  const rest: Rest = { ...def.restDefaults, ...options.rest };
  const seed = options.seed ?? 1;
  const core = await startVenueSim({
    venue: def.venue,
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    seed,
    symbols: (options.symbols ?? def.defaultSymbols).map(def.resolveSymbol),
    ...(options.tradeIdStart !== undefined ? { tradeIdStart: options.tradeIdStart } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate: options.rate ?? 0,
    ...(options.burst ? { burst: options.burst } : {}),
    ...(def.defaultSweeps ? { sweeps: options.sweeps ?? def.defaultSweeps } : {}),
    ...(options.chaos ? { chaos: options.chaos } : {}),
    reorderFlushMs: ws.reorderFlushMs,
    ...(def.groupTrades ? { groupTrades: def.groupTrades } : {}),
    checkUpgrade: def.checkUpgrade,
    createConnection: (ctx) => def.createConnection(ctx, ws, seed),
    handleRest: def.handleRest,
    restLimit: { limit: rest.requestsPerWindow, windowMs: rest.windowMs },
    tooManyRequests: def.tooManyRequests,
    errorAnswer: def.errorAnswer,
  });
  return {
    host: core.host,
    port: core.port,
    wsUrl: core.wsUrl,
    restUrl: core.restUrl,
    market: core.market,
    faults: core.faults,
    connections: core.connections,
    rest: core.rest,
    state: core.state,
    close: core.close,
  };
}

/** Decimal digits of an increment (`"0.01"` → 2, `"1"` → 0). */
export function decimalsOf(increment: string): number {
  const dot = increment.indexOf('.');
  if (dot < 0) return 0;
  return increment.slice(dot + 1).replace(/0+$/, '').length;
}

/** Reject bad JSON-ish input quietly: parse text to an object, or undefined. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 3339 UTC time with exactly six fraction digits (µs): `2014-11-07T08:19:27.028459Z`. */
export function rfc3339Micros(timeUs: number): string {
  const ms = Math.floor(timeUs / 1000);
  const iso = new Date(ms).toISOString(); // 2014-11-07T08:19:27.028Z
  const micros = String(timeUs % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

/** A seeded UUID-like id (8-4-4-4-12 hex) from a number generator. */
export function uuidFrom(next: () => number): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += Math.floor(next() * 0x100000000).toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A damaged JSON frame standing in for a trade frame:
 * - `invalid-json`: the frame cut in half;
 * - `wrong-types`: the named fields with their JSON type flipped (numbers quoted, numeric strings unquoted);
 * - `missing-fields`: the `decimals` fields removed.
 */
export function malformJson(frame: string, kind: 'invalid-json' | 'wrong-types' | 'missing-fields', fields: { ids: readonly string[]; decimals: readonly string[] }): string {
  switch (kind) {
    case 'invalid-json':
      return frame.slice(0, Math.max(1, Math.floor(frame.length / 2)));
    case 'wrong-types': {
      let out = frame;
      for (const key of [...fields.ids, ...fields.decimals]) {
        const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        out = out.replace(new RegExp(`"${k}":(?:"([0-9.]+)"|([0-9.]+))`, 'g'), (_m, quoted: string | undefined, bare: string | undefined) =>
          quoted !== undefined ? `"${key}":${quoted}` : `"${key}":"${bare ?? ''}"`,
        );
      }
      return out;
    }
    case 'missing-fields': {
      let out = frame;
      for (const key of fields.decimals) {
        const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        out = out.replace(new RegExp(`,"${k}":(?:"[0-9.]+"|[0-9.]+)`, 'g'), '').replace(new RegExp(`"${k}":(?:"[0-9.]+"|[0-9.]+),`, 'g'), '');
      }
      return out;
    }
  }
}

/** A symbol given by name, or with some of its properties. */
export type VenueSymbolInput = string | ({ readonly symbol: string } & Partial<Omit<SymbolSpec, 'symbol'>>);

/** Fill a symbol spec from a venue's table of known symbols; `split` names base and quote of others. */
export function resolveVenueSymbol(
  input: VenueSymbolInput,
  known: Readonly<Record<string, Omit<SymbolSpec, 'symbol' | 'status'>>>,
  split: (symbol: string) => { base: string; quote: string },
  status: string,
): SymbolSpec {
  const given = typeof input === 'string' ? { symbol: input } : input;
  const symbol = given.symbol;
  const k = known[symbol];
  const names = k ? { base: k.base, quote: k.quote } : split(symbol);
  return {
    symbol,
    base: given.base ?? names.base,
    quote: given.quote ?? names.quote,
    tickSize: given.tickSize ?? k?.tickSize ?? '0.01',
    stepSize: given.stepSize ?? k?.stepSize ?? '0.001',
    startPrice: given.startPrice ?? k?.startPrice ?? '100.00',
    maxQty: given.maxQty ?? k?.maxQty ?? '100',
    status: given.status ?? status,
  };
}

/** A venue's symbol rules: its known symbols, how others split, their status, and the form a symbol must have. */
export interface VenueSymbolRules {
  readonly known: Readonly<Record<string, Omit<SymbolSpec, 'symbol' | 'status'>>>;
  readonly split: (symbol: string) => { base: string; quote: string };
  readonly status: string;
  readonly form: RegExp;
  /** What the venue calls a symbol, for the error (`Coinbase product`). */
  readonly what: string;
}

/** Base and quote of a symbol around a separator (`BTC-USD` on `-`). */
export function splitSymbolOn(separator: string): (symbol: string) => { base: string; quote: string } {
  return (s) => {
    const [base = '', quote = ''] = s.split(separator);
    return { base, quote };
  };
}

/** `resolveVenueSymbol` under a venue's rules; throws `invalid <what> "<symbol>"` for a symbol of the wrong form. */
export function resolveCheckedSymbol(input: VenueSymbolInput, rules: VenueSymbolRules): SymbolSpec {
  const spec = resolveVenueSymbol(input, rules.known, rules.split, rules.status);
  if (!rules.form.test(spec.symbol)) throw new Error(`invalid ${rules.what} ${JSON.stringify(spec.symbol)}`);
  return spec;
}
