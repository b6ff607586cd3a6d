import type { SymbolSpec } from '../core/market.js';
import { deliverToEach, groupByTakerOrder } from '../core/kit/fan-out.js';
import { requestCountLimit, withRetryAfter, type VenueRestOptions } from '../core/kit/rest.js';
import { startVenueSim, upgradeOnlyAt, type VenueSim, type VenueSimOptions, type VenueWsOptions } from '../core/kit/start.js';
import { resolveCheckedSymbol, splitSymbolOn, type VenueSymbolInput, type VenueSymbolRules } from '../core/kit/symbols.js';
import { KrakenConnection, type KrakenWsLimits } from './connection.js';
import { handleKrakenRest, krakenError } from './rest.js';

export type KrakenWsOptions = KrakenWsLimits & VenueWsOptions;

/** Public REST requests per window per IP. Default 15 per 15 s (about one per second with a burst). */
export type KrakenRestOptions = VenueRestOptions;

export const KRAKEN_WS_DEFAULTS: KrakenWsOptions = { heartbeatIntervalMs: 1_000, snapshotSize: 50, reorderFlushMs: 100 };
export const KRAKEN_REST_DEFAULTS: KrakenRestOptions = { requestsPerWindow: 15, windowMs: 15_000 };

/**
 * Options of `startKrakenSim`.
 * - `symbols`: v2 symbols; default `['BTC/USD']` (REST pair `XBTUSD`). Known: BTC/USD, ETH/USD, SOL/USD.
 * - `sweeps`: Taker orders filling several trades (sent as one `update` with several trades). Default 0.3 / up to 4.
 */
export type KrakenSimOptions = VenueSimOptions<KrakenWsOptions, KrakenRestOptions>;

/**
 * A running Kraken (WebSocket v2 + public REST) simulator.
 * - `wsUrl`: `ws://127.0.0.1:<port>`; connect to `${wsUrl}/v2`.
 * - `restUrl`: `http://127.0.0.1:<port>`; append `/0/public/Trades?pair=XBTUSD`.
 */
export type KrakenSim = VenueSim<KrakenConnection>;

const RULES: VenueSymbolRules = {
  known: {
    'BTC/USD': { base: 'BTC', quote: 'USD', tickSize: '0.1', stepSize: '0.00000001', startPrice: '97000.0', maxQty: '2' },
    'ETH/USD': { base: 'ETH', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '3400.00', maxQty: '40' },
    'SOL/USD': { base: 'SOL', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '180.00', maxQty: '500' },
  },
  split: splitSymbolOn('/'),
  status: 'online',
  form: /^[A-Z0-9]{1,10}\/[A-Z0-9]{1,10}$/,
  what: 'Kraken symbol',
};

/** A Kraken v2 symbol spec (`BTC/USD`). */
export function resolveKrakenSymbol(input: VenueSymbolInput): SymbolSpec {
  return resolveCheckedSymbol(input, RULES);
}

/** Start a Kraken simulator: WebSocket v2 at `/v2` (`trade`, `heartbeat`, `status`, ping) and public REST. */
export async function startKrakenSim(options: KrakenSimOptions = {}): Promise<KrakenSim> {
  return startVenueSim(options, {
    venue: 'kraken',
    defaultSymbols: ['BTC/USD'],
    resolveSymbol: resolveKrakenSymbol,
    defaultSweeps: { probability: 0.3, maxTrades: 4 },
    wsDefaults: KRAKEN_WS_DEFAULTS,
    restDefaults: KRAKEN_REST_DEFAULTS,
    build: ({ ws, rest }) => ({
      groupTrades: groupByTakerOrder,
      checkUpgrade: upgradeOnlyAt('/v2'),
      createConnection: (ctx) => new KrakenConnection(ctx, ws),
      fanOut: deliverToEach,
      rest: {
        handle: handleKrakenRest,
        limiter: requestCountLimit(rest),
        tooManyRequests: (status, retryAfterSec) => withRetryAfter(krakenError('EGeneral:Too many requests', status), retryAfterSec),
        errorAnswer: (status) => krakenError(status === 404 ? 'EGeneral:Unknown method' : 'EService:Unavailable', status),
      },
    }),
  });
}
