import type { IncomingMessage } from 'node:http';
import { handleControl } from '../control.js';
import { Faults, type ChaosOptions, type FaultState } from '../faults.js';
import { FrameSequencer } from '../frame-sequencer.js';
import { clientIp } from '../http-util.js';
import { Market, type MarketOptions, type SimTrade, type SymbolSpec } from '../market.js';
import { startSimServer, type SimServer, type UpgradeRefusal } from '../server.js';
import type { SimConnection, VenueConnection, VenueConnectionContext, VenueConnectionInfo } from './connection.js';
import type { BookBatch, BookIdPolicy, BookOptions } from '../order-book.js';
import type { TradeFanOut, TradeGroup } from './fan-out.js';
import { createRestHandler, type VenueRestRoutes } from './rest.js';
import type { VenueSymbolInput } from './symbols.js';

/**
 * The market and server options every venue simulator shares (all optional): the market's own options
 * (`seed` also seeds random faults; `rate` 0, the default, is manual mode: `sim.market.generate`).
 */
export interface VenueMarketOptions extends Omit<MarketOptions, 'symbols' | 'books'> {
  /**
   * L2 order books (off by default): `true` for the defaults, or the book options (the venue numbers the
   * updates its own way). Adds the venue's book channels and REST snapshot.
   */
  readonly books?: boolean | VenueBookOptions;
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

/** Book options of a venue simulator: the market's, without the id policy (the venue's own). */
export type VenueBookOptions = Omit<BookOptions, 'ids'>;

/** The WebSocket rules every venue has. */
export interface VenueWsOptions {
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
}

/** What a venue's parts are built from: its rules (defaults merged with the options), the seed, the market. */
export interface VenueRules<Ws, Rest> {
  readonly ws: Ws;
  readonly rest: Rest;
  readonly seed: number | string;
  readonly market: Market;
  /** The simulator's faults (book routes ask it for stale snapshots). */
  readonly faults: Faults;
}

/** The venue-specific parts of one running simulator, built once per start. */
export interface VenueParts<C extends SimConnection<unknown>> {
  /** Group a batch of new trades into frames. Default: one trade per frame. */
  readonly groupTrades?: (symbol: string, trades: readonly SimTrade[]) => TradeGroup[];
  /** Accept or refuse a WebSocket upgrade (wrong path, limits). */
  readonly checkUpgrade: (req: IncomingMessage, url: URL) => UpgradeRefusal | undefined;
  /** A connection for an accepted upgrade; undefined refuses it after all (the socket is terminated). */
  readonly createConnection: (ctx: VenueConnectionContext) => C | undefined;
  /** How released frames reach the live connections (`deliverToEach` unless the venue shares rendering). */
  readonly fanOut: (connections: ReadonlyMap<number, C>) => TradeFanOut;
  readonly rest: VenueRestRoutes;
}

/** A `checkUpgrade` that accepts WebSocket upgrades at `path` only and answers any other with `refusal`. */
export function upgradeOnlyAt(path: string, refusal: UpgradeRefusal = { status: 404 }): VenueParts<SimConnection<unknown>>['checkUpgrade'] {
  return (_req, url) => (url.pathname === path ? undefined : refusal);
}

/**
 * A venue simulator: its id, default symbols and their resolver, its WebSocket / REST defaults, and how to
 * build its parts from its rules.
 */
export interface VenueSimDefinition<Ws extends VenueWsOptions, Rest, C extends SimConnection<unknown>, V extends string = string> {
  readonly venue: V;
  readonly defaultSymbols: readonly VenueSymbolInput[];
  readonly resolveSymbol: (input: VenueSymbolInput) => SymbolSpec;
  /** Default sweeps; a venue without it takes no `sweeps` option. */
  readonly defaultSweeps?: { readonly probability: number; readonly maxTrades: number };
  /** How the venue numbers book updates (default per-change); a venue without book channels leaves books off. */
  readonly bookIds?: BookIdPolicy;
  readonly wsDefaults: Ws;
  readonly restDefaults: Rest;
  readonly build: (rules: VenueRules<Ws, Rest>) => VenueParts<C>;
}

/** What a connection shows, by its class. */
export type InfoOf<C> = C extends SimConnection<infer I> ? I : never;

export interface VenueConnections<Info = VenueConnectionInfo> {
  readonly count: number;
  list(): Info[];
  get(id: number): Info | undefined;
}

export interface VenueSimState<Info = VenueConnectionInfo, V extends string = string> {
  readonly venue: V;
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly market: {
    readonly running: boolean;
    readonly rate: number;
    readonly symbols: readonly { symbol: string; firstId?: number; lastId?: number; lastPrice: string; bookUpdateId?: number }[];
  };
  readonly faults: FaultState;
  readonly connections: readonly Info[];
}

/** A running venue simulator: the handle every venue's `start…Sim` returns. */
export interface VenueSim<C extends SimConnection<unknown> = VenueConnection, V extends string = string> {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`. */
  readonly restUrl: string;
  /** The trade generator and its history (REST and WebSocket serve the same trades). */
  readonly market: Market;
  /** Fault injection and its counters. */
  readonly faults: Faults;
  /** What the live connections show. */
  readonly connections: VenueConnections<InfoOf<C>>;
  /** The live connection objects, by id (for tests that need more than `connections` shows). */
  readonly live: ReadonlyMap<number, C>;
  /** What an IP used of the REST limit in the current window (default 127.0.0.1), and a reset of the limits. */
  readonly rest: { used(ip?: string): number; resetLimits(): void };
  state(): VenueSimState<InfoOf<C>, V>;
  /** Stop trading, terminate every connection and stop listening. */
  close(): Promise<void>;
}

/** Start a venue simulator from its options and its definition: the market, faults, one port for WebSocket + REST + control. */
export async function startVenueSim<Ws extends VenueWsOptions, Rest, C extends SimConnection<unknown>, V extends string>(
  options: VenueSimOptions<Ws, Rest>,
  def: VenueSimDefinition<Ws, Rest, C, V>,
): Promise<VenueSim<C, V>> {
  const seed = options.seed ?? 1;
  const rate = options.rate ?? 0;
  if (options.books !== undefined && options.books !== false && !def.bookIds) throw new Error(`${def.venue}: order books are not simulated for this venue`);
  const books: BookOptions | undefined =
    options.books === undefined || options.books === false ? undefined : { ...(options.books === true ? {} : options.books), ...(def.bookIds ? { ids: def.bookIds } : {}) };
  const market = new Market({
    symbols: (options.symbols ?? def.defaultSymbols).map(def.resolveSymbol),
    seed,
    ...(options.tradeIdStart !== undefined ? { tradeIdStart: options.tradeIdStart } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate,
    ...(options.burst ? { burst: options.burst } : {}),
    ...(def.defaultSweeps ? { sweeps: options.sweeps ?? def.defaultSweeps } : {}),
    ...(books ? { books } : {}),
  });
  const ws: Ws = { ...def.wsDefaults, ...options.ws };
  const connections = new Map<number, C>();
  const faults = new Faults({ list: () => [...connections.values()] }, { seed, ...(options.chaos ? { chaos: options.chaos } : {}) });
  if (books) faults.attachBookRestart((symbol) => market.restartBooks(symbol));
  const parts = def.build({ ws, rest: { ...def.restDefaults, ...options.rest }, seed, market, faults });
  let nextConnectionId = 1;
  const fanOut = parts.fanOut(connections);
  const sequencer = new FrameSequencer<TradeGroup>((g, mode) => fanOut.deliver(g, mode), ws.reorderFlushMs);
  // Book deltas go through their own sequencer (book faults), best bid/offer streams get every batch at once.
  const bookSequencer = new FrameSequencer<BookBatch>((b, mode) => fanOut.bookDelta?.(b, mode), ws.reorderFlushMs);
  market.onBook((batch) => {
    fanOut.bookChanged?.(batch);
    bookSequencer.push(batch.symbol, batch, faults.decideBook(batch.symbol, batch.lastUpdateId));
  });

  // One trade per frame (the usual case, and Binance's hot path): a frame delivered at once is only read during
  // the call, so one group object serves them all; a frame held back by a reorder fault gets its own.
  const single: { symbol: string; trades: SimTrade[] } = { symbol: '', trades: [] };
  const pushSingle = (symbol: string, trade: SimTrade) => {
    const fate = faults.decideFrame(symbol, trade.id);
    if (fate.kind === 'reorder') {
      sequencer.push(symbol, { symbol, trades: [trade] }, fate);
      return;
    }
    single.symbol = symbol;
    single.trades[0] = trade;
    sequencer.push(symbol, single, fate);
  };
  const pushGroup = (symbol: string, g: TradeGroup) => {
    const last = g.trades[g.trades.length - 1] as SimTrade;
    sequencer.push(symbol, g, faults.decideFrame(symbol, last.id, g.trades.map((t) => t.id)));
  };

  market.onTrades((symbol, trades) => {
    fanOut.batchStart?.(symbol);
    try {
      if (parts.groupTrades) for (const g of parts.groupTrades(symbol, trades)) pushGroup(symbol, g);
      else for (const trade of trades) pushSingle(symbol, trade);
    } finally {
      fanOut.batchEnd?.(symbol);
    }
  });

  const serveRest = createRestHandler(parts.rest, faults, market);
  let state: () => VenueSimState<InfoOf<C>, V> = () => {
    throw new Error('not started');
  };
  let server: SimServer;
  try {
    server = await startSimServer({
      ...(options.host !== undefined ? { host: options.host } : {}),
      port: options.port ?? 0,
      checkUpgrade: (req) => parts.checkUpgrade(req, new URL(req.url ?? '/', 'http://sim.invalid')),
      onConnection(socket, req) {
        const connection = parts.createConnection({
          id: nextConnectionId,
          ws: socket,
          remoteAddress: clientIp(req),
          url: req.url ?? '/',
          market,
          onGone: (gone) => connections.delete(gone.id),
        });
        if (!connection) {
          socket.terminate();
          return;
        }
        nextConnectionId++;
        connections.set(connection.id, connection);
      },
      handleHttp(req, res) {
        if (handleControl(req, res, { faults, market, state: () => state() })) return;
        serveRest(req, res);
      },
    });
  } catch (error) {
    // Nothing listens (e.g. the port is taken): stop the chaos timers so that nothing outlives the failed start.
    faults.dispose();
    sequencer.dispose();
    bookSequencer.dispose();
    throw error;
  }

  const host = server.host;
  const wsUrl = `ws://${host}:${server.port}`;
  const restUrl = `http://${host}:${server.port}`;
  const infos = () => [...connections.values()].map((c) => c.info() as InfoOf<C>);
  state = () => ({
    venue: def.venue,
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
          ...(market.booksEnabled ? { bookUpdateId: market.bookUpdateId(s.symbol) } : {}),
        };
      }),
    },
    faults: faults.state(),
    connections: infos(),
  });
  if (rate > 0 || options.burst) market.start();

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
      list: infos,
      get: (id) => connections.get(id)?.info() as InfoOf<C> | undefined,
    },
    rest: {
      used: (ip = '127.0.0.1') => parts.rest.limiter.used(ip),
      resetLimits: () => parts.rest.limiter.reset(),
    },
    state: () => state(),
    close() {
      closed ??= (async () => {
        market.stop();
        faults.dispose();
        sequencer.dispose();
        bookSequencer.dispose();
        for (const connection of connections.values()) connection.drop();
        await server.close();
      })();
      return closed;
    },
  };
}
