import type { ChaosOptions, Faults } from '../core/faults.js';
import type { Market, SymbolSpec } from '../core/market.js';
import {
  groupByTakerOrder,
  resolveVenueSymbol,
  startVenueSim,
  type VenueConnections,
  type VenueSimState,
  type VenueSymbolInput,
} from '../core/venue-kit.js';
import { BybitConnection, type BybitWsLimits } from './connection.js';
import { bybitAnswer, handleBybitRest } from './rest.js';

export interface BybitWsOptions extends BybitWsLimits {
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
}

export interface BybitRestOptions {
  /** Requests per window per IP. Venue: 600 per 5 s; past it the venue answers HTTP 403. */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
}

export const BYBIT_WS_DEFAULTS: BybitWsOptions = { idleTimeoutMs: 10 * 60_000, reorderFlushMs: 100 };
export const BYBIT_REST_DEFAULTS: BybitRestOptions = { requestsPerWindow: 600, windowMs: 5_000 };

export interface BybitSimOptions {
  readonly host?: string;
  readonly port?: number;
  readonly seed?: number | string;
  /** Spot symbols; default `['BTCUSDT']`. Known: BTCUSDT, ETHUSDT, SOLUSDT. */
  readonly symbols?: readonly VenueSymbolInput[];
  readonly tradeIdStart?: number;
  readonly historySize?: number;
  readonly rate?: number;
  readonly burst?: { readonly size: number; readonly everyMs: number };
  /** Taker orders filling several trades (one push with several `data` entries). Default 0.2 / up to 3. */
  readonly sweeps?: { readonly probability: number; readonly maxTrades: number };
  readonly ws?: Partial<BybitWsOptions>;
  readonly rest?: Partial<BybitRestOptions>;
  readonly chaos?: ChaosOptions;
}

/** A running Bybit v5 spot simulator. */
export interface BybitSim {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`; connect to `${wsUrl}/v5/public/spot`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`; append `/v5/market/recent-trade?category=spot&symbol=BTCUSDT`. */
  readonly restUrl: string;
  readonly market: Market;
  readonly faults: Faults;
  readonly connections: VenueConnections;
  readonly rest: { used(ip?: string): number; resetLimits(): void };
  state(): VenueSimState;
  close(): Promise<void>;
}

const KNOWN: Record<string, Omit<SymbolSpec, 'symbol' | 'status'>> = {
  BTCUSDT: { base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', startPrice: '97000.00', maxQty: '2' },
  ETHUSDT: { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', startPrice: '3400.00', maxQty: '40' },
  SOLUSDT: { base: 'SOL', quote: 'USDT', tickSize: '0.01', stepSize: '0.001', startPrice: '180.00', maxQty: '500' },
};

const QUOTES = ['USDT', 'USDC', 'BTC', 'ETH', 'EUR'];

/** A Bybit spot symbol spec (`BTCUSDT`). */
export function resolveBybitSymbol(input: VenueSymbolInput): SymbolSpec {
  const spec = resolveVenueSymbol(
    input,
    KNOWN,
    (s) => {
      const quote = QUOTES.find((q) => s.endsWith(q) && s.length > q.length) ?? s.slice(-4);
      return { base: s.slice(0, s.length - quote.length), quote };
    },
    'Trading',
  );
  if (!/^[A-Z0-9]{2,30}$/.test(spec.symbol)) throw new Error(`invalid Bybit symbol ${JSON.stringify(spec.symbol)}`);
  return spec;
}

/** Start a Bybit v5 spot simulator: public WebSocket at `/v5/public/spot` (`publicTrade`) and market REST. */
export async function startBybitSim(options: BybitSimOptions = {}): Promise<BybitSim> {
  const ws: BybitWsOptions = { ...BYBIT_WS_DEFAULTS, ...options.ws };
  const rest: BybitRestOptions = { ...BYBIT_REST_DEFAULTS, ...options.rest };
  const seed = options.seed ?? 1;
  const core = await startVenueSim({
    venue: 'bybit',
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    seed,
    symbols: (options.symbols ?? ['BTCUSDT']).map(resolveBybitSymbol),
    ...(options.tradeIdStart !== undefined ? { tradeIdStart: options.tradeIdStart } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate: options.rate ?? 0,
    ...(options.burst ? { burst: options.burst } : {}),
    sweeps: options.sweeps ?? { probability: 0.2, maxTrades: 3 },
    ...(options.chaos ? { chaos: options.chaos } : {}),
    reorderFlushMs: ws.reorderFlushMs,
    groupTrades: groupByTakerOrder,
    checkUpgrade: (_req, url) => (url.pathname === '/v5/public/spot' ? undefined : { status: 404 }),
    createConnection: (ctx) => new BybitConnection(ctx, ws, seed),
    handleRest: handleBybitRest,
    restLimit: { limit: rest.requestsPerWindow, windowMs: rest.windowMs },
    tooManyRequests: (status, retryAfterSec, source) =>
      source === 'limit'
        ? { status: 403, body: '{"retCode":403,"retMsg":"access too frequent"}', headers: { 'Retry-After': String(retryAfterSec) } }
        : { ...bybitAnswer(status, 10006, 'Too many visits!'), headers: { 'Retry-After': String(retryAfterSec) } },
    errorAnswer: (status) => (status === 404 ? bybitAnswer(404, 10001, 'Not Found') : bybitAnswer(status, 10016, 'Service unavailable, please try again later')),
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
