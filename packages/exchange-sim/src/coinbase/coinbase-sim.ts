import type { SymbolSpec } from '../core/market.js';
import { deliverToEach } from '../core/kit/fan-out.js';
import { requestCountLimit, withRetryAfter, type VenueRestOptions } from '../core/kit/rest.js';
import { startVenueSim, upgradeOnlyAt, type VenueSim, type VenueSimOptions, type VenueWsOptions } from '../core/kit/start.js';
import { resolveCheckedSymbol, splitSymbolOn, type VenueSymbolInput, type VenueSymbolRules } from '../core/kit/symbols.js';
import { CoinbaseConnection, type CoinbaseWsLimits } from './connection.js';
import { coinbaseError, handleCoinbaseRest } from './rest.js';

export type CoinbaseWsOptions = CoinbaseWsLimits & VenueWsOptions;

/** Public REST requests per window per IP. Venue: about 8 per second. */
export type CoinbaseRestOptions = VenueRestOptions;

export const COINBASE_WS_DEFAULTS: CoinbaseWsOptions = { subscribeTimeoutMs: 5_000, heartbeatIntervalMs: 1_000, reorderFlushMs: 100 };
export const COINBASE_REST_DEFAULTS: CoinbaseRestOptions = { requestsPerWindow: 8, windowMs: 1_000 };

/**
 * Options of `startCoinbaseSim`.
 * - `symbols`: Products; default `['BTC-USD']`. Known: BTC-USD, ETH-USD, ETH-BTC; others split on `-`.
 */
export type CoinbaseSimOptions = Omit<VenueSimOptions<CoinbaseWsOptions, CoinbaseRestOptions>, 'sweeps'>;

/**
 * A running Coinbase Exchange simulator (feed at `wsUrl`, REST at `restUrl`).
 * - `wsUrl`: `ws://127.0.0.1:<port>`: the feed root, where clients send `subscribe`.
 * - `restUrl`: `http://127.0.0.1:<port>`; append `/products/BTC-USD/trades`.
 */
export type CoinbaseSim = VenueSim<CoinbaseConnection>;

const RULES: VenueSymbolRules = {
  known: {
    'BTC-USD': { base: 'BTC', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '97000.00', maxQty: '2' },
    'ETH-USD': { base: 'ETH', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '3400.00', maxQty: '40' },
    'ETH-BTC': { base: 'ETH', quote: 'BTC', tickSize: '0.00001', stepSize: '0.00000001', startPrice: '0.03500', maxQty: '40' },
  },
  split: splitSymbolOn('-'),
  status: 'online',
  form: /^[A-Z0-9]{1,10}-[A-Z0-9]{1,10}$/,
  what: 'Coinbase product',
};

/** A Coinbase product spec (`BTC-USD`). */
export function resolveCoinbaseProduct(input: VenueSymbolInput): SymbolSpec {
  return resolveCheckedSymbol(input, RULES);
}

/** Start a Coinbase Exchange simulator: the WebSocket feed (`matches`, `heartbeat`) and public REST. */
export async function startCoinbaseSim(options: CoinbaseSimOptions = {}): Promise<CoinbaseSim> {
  return startVenueSim(options, {
    venue: 'coinbase',
    defaultSymbols: ['BTC-USD'],
    resolveSymbol: resolveCoinbaseProduct,
    wsDefaults: COINBASE_WS_DEFAULTS,
    restDefaults: COINBASE_REST_DEFAULTS,
    build: ({ ws, rest }) => ({
      checkUpgrade: upgradeOnlyAt('/', { status: 404, body: '{"message":"NotFound"}' }),
      createConnection: (ctx) => new CoinbaseConnection(ctx, ws),
      fanOut: deliverToEach,
      rest: {
        handle: handleCoinbaseRest,
        limiter: requestCountLimit(rest),
        tooManyRequests: (status, retryAfterSec) => withRetryAfter(coinbaseError(status, 'Public rate limit exceeded'), retryAfterSec),
        errorAnswer: (status) => coinbaseError(status, status === 404 ? 'NotFound' : status === 503 ? 'Service Unavailable' : 'Internal server error'),
      },
    }),
  });
}
