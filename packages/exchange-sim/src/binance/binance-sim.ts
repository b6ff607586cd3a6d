import type { IncomingMessage } from 'node:http';
import { nowUs } from '../core/clock.js';
import { handleControl } from '../core/control.js';
import { Faults, type ChaosOptions, type FaultState } from '../core/faults.js';
import { FrameSequencer } from '../core/frame-sequencer.js';
import { clientIp, sendJson } from '../core/http-util.js';
import { Market, type SimTrade } from '../core/market.js';
import { KeyedSlidingWindow, WeightBudget } from '../core/rate-limit.js';
import { startSimServer, type UpgradeRefusal } from '../core/server.js';
import { BinanceConnection, TradePayloads, type BinanceWsLimits, type ConnectionInfo, type TradeStream } from './connection.js';
import { handleBinanceRest } from './rest.js';
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
}

export interface BinanceWsOptions extends BinanceWsLimits {
  /** Connection attempts per IP per `connectionAttemptWindowMs`. Venue: 300 per 5 minutes. */
  readonly maxConnectionAttempts: number;
  readonly connectionAttemptWindowMs: number;
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
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
};

export const BINANCE_REST_DEFAULTS: BinanceRestOptions = {
  weightLimit: 6000,
  weightWindowMs: 60_000,
  banMs: 120_000,
};

/** Live connections of the simulator. */
export interface BinanceConnections {
  readonly count: number;
  list(): ConnectionInfo[];
  get(id: number): ConnectionInfo | undefined;
}

export interface BinanceSimState {
  readonly venue: 'binance';
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly market: {
    readonly running: boolean;
    readonly rate: number;
    readonly symbols: readonly { symbol: string; firstId?: number; lastId?: number; lastPrice: string }[];
  };
  readonly faults: FaultState;
  readonly connections: readonly ConnectionInfo[];
}

/** A running Binance spot simulator. */
export interface BinanceSim {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`; append `/ws/btcusdt@trade` or `/stream?streams=…`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`; append `/api/v3/…`. */
  readonly restUrl: string;
  /** The trade generator and its history (REST and WebSocket serve the same trades). */
  readonly market: Market;
  /** Fault injection and its counters. */
  readonly faults: Faults;
  readonly connections: BinanceConnections;
  /** Weight used by an IP in the current window (default 127.0.0.1), and a reset of all REST limits. */
  readonly rest: { usedWeight(ip?: string): number; resetLimits(): void };
  state(): BinanceSimState;
  /** Stop trading, terminate every connection and stop listening. */
  close(): Promise<void>;
}

/** Start a Binance spot simulator: WebSocket streams and REST on one port. */
export async function startBinanceSim(options: BinanceSimOptions = {}): Promise<BinanceSim> {
  const wsOptions: BinanceWsOptions = { ...BINANCE_WS_DEFAULTS, ...options.ws };
  const restOptions: BinanceRestOptions = { ...BINANCE_REST_DEFAULTS, ...options.rest };
  const tradeIdStart = options.tradeIdStart ?? 1;
  const aggIdStart = options.aggTradeIdStart ?? 1;
  const aggIdOf = (tradeId: number) => tradeId - tradeIdStart + aggIdStart;
  const tradeIdOf = (aggId: number) => aggId - aggIdStart + tradeIdStart;

  const market = new Market({
    symbols: (options.symbols ?? ['BTCUSDT']).map(resolveSymbol),
    seed: options.seed ?? 1,
    tradeIdStart,
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate: options.rate ?? 0,
    ...(options.burst ? { burst: options.burst } : {}),
  });
  const connections = new Map<number, BinanceConnection>();
  const faults = new Faults({ list: () => [...connections.values()] }, { seed: options.seed ?? 1, ...(options.chaos ? { chaos: options.chaos } : {}) });
  const budget = new WeightBudget({ limit: restOptions.weightLimit, windowMs: restOptions.weightWindowMs, banMs: restOptions.banMs });
  const attempts = new KeyedSlidingWindow(wsOptions.maxConnectionAttempts, wsOptions.connectionAttemptWindowMs);
  let nextConnectionId = 1;

  // The connections a trade of `batchSymbol` goes to, with their streams of it: found once per batch of trades
  // (`market.onTrades`), since nothing changes them while a batch is sent; found afresh for held (reordered)
  // trades released by a timer.
  let batchSymbol: string | undefined;
  let batchTargets: { connection: BinanceConnection; streams: readonly TradeStream[] }[] | undefined;
  const targetsFor = (symbol: string) => {
    if (symbol === batchSymbol && batchTargets) return batchTargets;
    const targets: { connection: BinanceConnection; streams: readonly TradeStream[] }[] = [];
    for (const connection of connections.values()) {
      const streams = connection.tradeStreams(symbol);
      if (streams) targets.push({ connection, streams });
    }
    if (symbol === batchSymbol) batchTargets = targets;
    return targets;
  };
  const payloads = new TradePayloads();

  const sequencer = new FrameSequencer<SimTrade>((trade, mode) => {
    const targets = targetsFor(trade.symbol);
    if (targets.length === 0) return;
    payloads.set(trade, aggIdOf(trade.id), nowUs());
    for (const target of targets) target.connection.sendTrade(target.streams, payloads, mode);
  }, wsOptions.reorderFlushMs);

  market.onTrades((symbol, trades) => {
    batchSymbol = symbol;
    batchTargets = undefined;
    try {
      for (const trade of trades) sequencer.push(symbol, trade, faults.decideFrame(symbol, trade.id));
    } finally {
      batchSymbol = undefined;
      batchTargets = undefined;
    }
    const book = market.book(symbol);
    for (const connection of connections.values()) connection.deliverBook(symbol, book);
  });

  const checkUpgrade = (req: IncomingMessage): UpgradeRefusal | undefined => {
    if (!attempts.hit(clientIp(req))) {
      return { status: 429, headers: { 'Retry-After': String(Math.ceil(wsOptions.connectionAttemptWindowMs / 1000)) } };
    }
    const parsed = parseStreamUrl(req.url ?? '/', wsOptions.maxStreams);
    if (!parsed.ok) return { status: parsed.status, body: JSON.stringify({ code: -1, msg: parsed.msg }) };
    return undefined;
  };

  const restContext = { market, faults, budget, aggIdOf, tradeIdOf };
  let state: () => BinanceSimState = () => {
    throw new Error('not started');
  };
  const server = await startSimServer({
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    checkUpgrade,
    onConnection(ws, req) {
      const parsed = parseStreamUrl(req.url ?? '/', wsOptions.maxStreams);
      if (!parsed.ok) {
        ws.terminate();
        return;
      }
      const connection = new BinanceConnection(
        nextConnectionId++,
        ws,
        { remoteAddress: clientIp(req), url: req.url ?? '/', ...parsed.value },
        wsOptions,
        (gone) => connections.delete(gone.id),
      );
      connections.set(connection.id, connection);
    },
    handleHttp(req, res) {
      if (handleControl(req, res, { faults, market, state: () => state() })) return;
      handleBinanceRest(req, res, restContext).catch(() => {
        if (!res.headersSent) sendJson(res, 500, '{"code":-1000,"msg":"An unknown error occurred while processing the request."}');
      });
    },
  });

  const host = server.host;
  const wsUrl = `ws://${host}:${server.port}`;
  const restUrl = `http://${host}:${server.port}`;
  state = () => ({
    venue: 'binance',
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
  if ((options.rate ?? 0) > 0 || options.burst) market.start();

  let closed: Promise<void> | undefined;
  return {
    host,
    port: server.port,
    wsUrl,
    restUrl,
    market,
    faults,
    connections: {
      get count() {
        return connections.size;
      },
      list: () => [...connections.values()].map((c) => c.info()),
      get: (id) => connections.get(id)?.info(),
    },
    rest: {
      usedWeight: (ip = '127.0.0.1') => budget.used(ip),
      resetLimits: () => budget.reset(),
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
