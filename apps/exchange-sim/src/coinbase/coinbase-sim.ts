import type { ChaosOptions, Faults } from '../core/faults.js';
import type { Market, SymbolSpec } from '../core/market.js';
import {
  resolveVenueSymbol,
  startVenueSim,
  type VenueConnections,
  type VenueSimState,
  type VenueSymbolInput,
} from '../core/venue-kit.js';
import { CoinbaseConnection, type CoinbaseWsLimits } from './connection.js';
import { coinbaseError, handleCoinbaseRest } from './rest.js';

export interface CoinbaseWsOptions extends CoinbaseWsLimits {
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
}

export interface CoinbaseRestOptions {
  /** Public REST requests per window per IP. Venue: about 8 per second. */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
}

export const COINBASE_WS_DEFAULTS: CoinbaseWsOptions = { subscribeTimeoutMs: 5_000, heartbeatIntervalMs: 1_000, reorderFlushMs: 100 };
export const COINBASE_REST_DEFAULTS: CoinbaseRestOptions = { requestsPerWindow: 8, windowMs: 1_000 };

export interface CoinbaseSimOptions {
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  readonly seed?: number | string;
  /** Products; default `['BTC-USD']`. Known: BTC-USD, ETH-USD, ETH-BTC; others split on `-`. */
  readonly symbols?: readonly VenueSymbolInput[];
  readonly tradeIdStart?: number;
  readonly historySize?: number;
  /** Trades per second per product; 0 (default) is manual mode: `sim.market.generate`. */
  readonly rate?: number;
  readonly burst?: { readonly size: number; readonly everyMs: number };
  readonly ws?: Partial<CoinbaseWsOptions>;
  readonly rest?: Partial<CoinbaseRestOptions>;
  readonly chaos?: ChaosOptions;
}

/** A running Coinbase Exchange simulator (feed at `wsUrl`, REST at `restUrl`). */
export interface CoinbaseSim {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`: the feed root, where clients send `subscribe`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`; append `/products/BTC-USD/trades`. */
  readonly restUrl: string;
  readonly market: Market;
  readonly faults: Faults;
  readonly connections: VenueConnections;
  /** REST requests counted for an IP in the current window, and a reset of the limit. */
  readonly rest: { used(ip?: string): number; resetLimits(): void };
  state(): VenueSimState;
  close(): Promise<void>;
}

const KNOWN: Record<string, Omit<SymbolSpec, 'symbol' | 'status'>> = {
  'BTC-USD': { base: 'BTC', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '97000.00', maxQty: '2' },
  'ETH-USD': { base: 'ETH', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '3400.00', maxQty: '40' },
  'ETH-BTC': { base: 'ETH', quote: 'BTC', tickSize: '0.00001', stepSize: '0.00000001', startPrice: '0.03500', maxQty: '40' },
};

/** A Coinbase product spec (`BTC-USD`). */
export function resolveCoinbaseProduct(input: VenueSymbolInput): SymbolSpec {
  const spec = resolveVenueSymbol(
    input,
    KNOWN,
    (s) => {
      const [base = '', quote = ''] = s.split('-');
      return { base, quote };
    },
    'online',
  );
  if (!/^[A-Z0-9]{1,10}-[A-Z0-9]{1,10}$/.test(spec.symbol)) throw new Error(`invalid Coinbase product ${JSON.stringify(spec.symbol)}`);
  return spec;
}

/** Start a Coinbase Exchange simulator: the WebSocket feed (`matches`, `heartbeat`) and public REST. */
export async function startCoinbaseSim(options: CoinbaseSimOptions = {}): Promise<CoinbaseSim> {
  const ws: CoinbaseWsOptions = { ...COINBASE_WS_DEFAULTS, ...options.ws };
  const rest: CoinbaseRestOptions = { ...COINBASE_REST_DEFAULTS, ...options.rest };
  const core = await startVenueSim({
    venue: 'coinbase',
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    symbols: (options.symbols ?? ['BTC-USD']).map(resolveCoinbaseProduct),
    ...(options.tradeIdStart !== undefined ? { tradeIdStart: options.tradeIdStart } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate: options.rate ?? 0,
    ...(options.burst ? { burst: options.burst } : {}),
    ...(options.chaos ? { chaos: options.chaos } : {}),
    reorderFlushMs: ws.reorderFlushMs,
    checkUpgrade: (_req, url) => (url.pathname === '/' ? undefined : { status: 404, body: '{"message":"NotFound"}' }),
    createConnection: (ctx) => new CoinbaseConnection(ctx, ws),
    handleRest: handleCoinbaseRest,
    restLimit: { limit: rest.requestsPerWindow, windowMs: rest.windowMs },
    tooManyRequests: (status, retryAfterSec) => ({
      ...coinbaseError(status, 'Public rate limit exceeded'),
      headers: { 'Retry-After': String(retryAfterSec) },
    }),
    errorAnswer: (status) => coinbaseError(status, status === 404 ? 'NotFound' : status === 503 ? 'Service Unavailable' : 'Internal server error'),
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
