import { nowUs } from '../core/clock.js';
import type { ChaosOptions } from '../core/faults.js';
import { clientIp } from '../core/http-util.js';
import type { TradeFanOut } from '../core/kit/fan-out.js';
import { startVenueSim, type VenueBookOptions, type VenueConnections, type VenueSim, type VenueSimState, type VenueWsOptions } from '../core/kit/start.js';
import type { Market } from '../core/market.js';
import { KeyedSlidingWindow, WeightBudget } from '../core/rate-limit.js';
import { BinanceConnection, TradePayloads, type BinanceWsLimits, type ConnectionInfo, type TradeStream } from './connection.js';
import { binanceRestRoutes } from './rest.js';
import { parseStreamUrl } from './stream-names.js';
import { resolveSymbol, type SymbolInput } from './symbols.js';

export interface BinanceSimOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Seed of the market and of random faults. Default 1. */
  readonly seed?: number | string;
  /** Default `['BTCUSDT']` (tick 0.01, step 0.00001, BTC/USDT). */
  readonly symbols?: readonly SymbolInput[];
  /** Id of each symbol's first trade. Default 1. */
  readonly tradeIdStart?: number;
  /** Id of each symbol's first aggregate trade. Default 1. */
  readonly aggTradeIdStart?: number;
  /** Trades kept per symbol (REST history). Default 1,000,000. */
  readonly historySize?: number;
  /** Automatic trades per second per symbol; 0 (the default) is manual mode: `sim.market.generate`. */
  readonly rate?: number;
  /** In automatic mode, also `size` trades at once every `everyMs`. */
  readonly burst?: { readonly size: number; readonly everyMs: number };
  /** WebSocket rules (venue values by default). */
  readonly ws?: Partial<BinanceWsOptions>;
  /** REST rules (venue values by default). */
  readonly rest?: Partial<BinanceRestOptions>;
  /** Random faults from the start. */
  readonly chaos?: ChaosOptions;
  /**
   * L2 order books (off by default): `@depth@100ms` / `@depth` diff streams, REST `/api/v3/depth`, and a
   * `@bookTicker` from the book's best levels. `true` for the defaults.
   */
  readonly books?: boolean | VenueBookOptions;
}

export interface BinanceWsOptions extends BinanceWsLimits, VenueWsOptions {
  /** Connection attempts per IP per `connectionAttemptWindowMs`. Venue: 300 per 5 minutes. */
  readonly maxConnectionAttempts: number;
  readonly connectionAttemptWindowMs: number;
}

export interface BinanceRestOptions {
  /** Request weight per window per IP. Venue: 6000 per minute. */
  readonly weightLimit: number;
  readonly weightWindowMs: number;
  /** Ban (418) length for a client that keeps sending after a 429. Default 2 minutes. */
  readonly banMs: number;
}

export const BINANCE_WS_DEFAULTS: BinanceWsOptions = {
  pingIntervalMs: 20_000,
  pongTimeoutMs: 60_000,
  lifetimeMs: 24 * 60 * 60 * 1000,
  maxMessagesPerSecond: 5,
  messageWindowMs: 1000,
  maxStreams: 1024,
  maxConnectionAttempts: 300,
  connectionAttemptWindowMs: 5 * 60 * 1000,
  reorderFlushMs: 100,
  depthIntervalMs: 1000,
};

export const BINANCE_REST_DEFAULTS: BinanceRestOptions = {
  weightLimit: 6000,
  weightWindowMs: 60_000,
  banMs: 120_000,
};

/** Live connections of the simulator. */
export type BinanceConnections = VenueConnections<ConnectionInfo>;

export type BinanceSimState = VenueSimState<ConnectionInfo, 'binance'>;

/** A running Binance spot simulator. */
export interface BinanceSim extends VenueSim<BinanceConnection, 'binance'> {
  /** `ws://127.0.0.1:<port>`; append `/ws/btcusdt@trade` or `/stream?streams=…`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`; append `/api/v3/…`. */
  readonly restUrl: string;
  /**
   * Weight used by an IP in the current window (default 127.0.0.1; `used` is the same), and a reset of all
   * REST limits.
   */
  readonly rest: { used(ip?: string): number; usedWeight(ip?: string): number; resetLimits(): void };
}

/**
 * The kit's fan-out for Binance: the connections a trade of a batch goes to, with their streams of it, are
 * found once per batch (nothing changes them while a batch is sent synchronously) and afresh for held
 * (reordered) trades released by a timer; each trade's payloads are rendered once for all of them
 * (`TradePayloads`); after each batch, the book ticker of its symbol.
 */
function binanceFanOut(connections: ReadonlyMap<number, BinanceConnection>, market: Market, aggIdOf: (tradeId: number) => number): TradeFanOut {
  type Target = { connection: BinanceConnection; streams: readonly TradeStream[] };
  let batchSymbol: string | undefined;
  let batchTargets: Target[] | undefined;
  const targetsFor = (symbol: string) => {
    if (symbol === batchSymbol && batchTargets) return batchTargets;
    const targets: Target[] = [];
    for (const connection of connections.values()) {
      const streams = connection.tradeStreams(symbol);
      if (streams) targets.push({ connection, streams });
    }
    if (symbol === batchSymbol) batchTargets = targets;
    return targets;
  };
  const payloads = new TradePayloads();
  const lastTop = new Map<string, string>();
  return {
    batchStart(symbol) {
      batchSymbol = symbol;
      batchTargets = undefined;
    },
    deliver(group, mode) {
      // One trade per group (Binance frames carry one trade each).
      for (const trade of group.trades) {
        const targets = targetsFor(trade.symbol);
        if (targets.length === 0) continue;
        payloads.set(trade, aggIdOf(trade.id), nowUs());
        for (const target of targets) target.connection.sendTrade(target.streams, payloads, mode);
      }
    },
    batchEnd(symbol) {
      batchSymbol = undefined;
      batchTargets = undefined;
      // With books, the book ticker follows the book's batches instead (`bookChanged`).
      if (market.booksEnabled) return;
      const book = market.book(symbol);
      for (const connection of connections.values()) connection.deliverBook(symbol, book);
    },
    bookDelta(batch, mode) {
      for (const connection of connections.values()) connection.deliverDepth(batch, mode);
    },
    bookChanged(batch) {
      // Real time: a book ticker whenever the best bid or ask (price or quantity) changed.
      const top = market.book(batch.symbol);
      const key = `${top.bidPrice}/${top.bidQty}/${top.askPrice}/${top.askQty}`;
      if (lastTop.get(batch.symbol) === key) return;
      lastTop.set(batch.symbol, key);
      for (const connection of connections.values()) connection.deliverBook(batch.symbol, top);
    },
  };
}

/** Start a Binance spot simulator: WebSocket streams and REST on one port. */
export async function startBinanceSim(options: BinanceSimOptions = {}): Promise<BinanceSim> {
  const tradeIdStart = options.tradeIdStart ?? 1;
  const aggIdStart = options.aggTradeIdStart ?? 1;
  const aggIdOf = (tradeId: number) => tradeId - tradeIdStart + aggIdStart;
  const tradeIdOf = (aggId: number) => aggId - aggIdStart + tradeIdStart;
  const sim = await startVenueSim(options, {
    venue: 'binance',
    defaultSymbols: ['BTCUSDT'],
    resolveSymbol,
    wsDefaults: BINANCE_WS_DEFAULTS,
    restDefaults: BINANCE_REST_DEFAULTS,
    bookIds: { kind: 'per-change' },
    build: ({ ws, rest, market, faults }) => {
      const attempts = new KeyedSlidingWindow(ws.maxConnectionAttempts, ws.connectionAttemptWindowMs);
      const budget = new WeightBudget({ limit: rest.weightLimit, windowMs: rest.weightWindowMs, banMs: rest.banMs });
      return {
        checkUpgrade(req) {
          if (!attempts.hit(clientIp(req))) {
            return { status: 429, headers: { 'Retry-After': String(Math.ceil(ws.connectionAttemptWindowMs / 1000)) } };
          }
          const parsed = parseStreamUrl(req.url ?? '/', ws.maxStreams);
          if (!parsed.ok) return { status: parsed.status, body: JSON.stringify({ code: -1, msg: parsed.msg }) };
          return undefined;
        },
        createConnection(ctx) {
          const parsed = parseStreamUrl(ctx.url, ws.maxStreams);
          return parsed.ok ? new BinanceConnection(ctx, parsed.value, ws) : undefined;
        },
        fanOut: (connections) => binanceFanOut(connections, market, aggIdOf),
        rest: binanceRestRoutes({ market, budget, aggIdOf, tradeIdOf, faults }),
      };
    },
  });
  return { ...sim, rest: { ...sim.rest, usedWeight: sim.rest.used } };
}
