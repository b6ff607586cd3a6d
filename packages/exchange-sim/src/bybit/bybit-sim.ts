import type { SymbolSpec } from '../core/market.js';
import { deliverToEach, groupByTakerOrder } from '../core/kit/fan-out.js';
import { requestCountLimit, withRetryAfter, type VenueRestOptions } from '../core/kit/rest.js';
import { startVenueSim, upgradeOnlyAt, type VenueSim, type VenueSimOptions, type VenueWsOptions } from '../core/kit/start.js';
import { resolveCheckedSymbol, type VenueSymbolInput, type VenueSymbolRules } from '../core/kit/symbols.js';
import { BybitConnection, type BybitWsLimits } from './connection.js';
import { bybitAnswer, handleBybitRest } from './rest.js';

export type BybitWsOptions = BybitWsLimits & VenueWsOptions;

/** Requests per window per IP. Venue: 600 per 5 s; past it the venue answers HTTP 403. */
export type BybitRestOptions = VenueRestOptions;

export const BYBIT_WS_DEFAULTS: BybitWsOptions = { idleTimeoutMs: 10 * 60_000, reorderFlushMs: 100 };
export const BYBIT_REST_DEFAULTS: BybitRestOptions = { requestsPerWindow: 600, windowMs: 5_000 };

/**
 * Options of `startBybitSim`.
 * - `symbols`: Spot symbols; default `['BTCUSDT']`. Known: BTCUSDT, ETHUSDT, SOLUSDT.
 * - `sweeps`: Taker orders filling several trades (one push with several `data` entries). Default 0.2 / up to 3.
 */
export type BybitSimOptions = VenueSimOptions<BybitWsOptions, BybitRestOptions>;

/**
 * A running Bybit v5 spot simulator.
 * - `wsUrl`: `ws://127.0.0.1:<port>`; connect to `${wsUrl}/v5/public/spot`.
 * - `restUrl`: `http://127.0.0.1:<port>`; append `/v5/market/recent-trade?category=spot&symbol=BTCUSDT`.
 */
export type BybitSim = VenueSim<BybitConnection>;

const QUOTES = ['USDT', 'USDC', 'BTC', 'ETH', 'EUR'];

const RULES: VenueSymbolRules = {
  known: {
    BTCUSDT: { base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', startPrice: '97000.00', maxQty: '2' },
    ETHUSDT: { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', startPrice: '3400.00', maxQty: '40' },
    SOLUSDT: { base: 'SOL', quote: 'USDT', tickSize: '0.01', stepSize: '0.001', startPrice: '180.00', maxQty: '500' },
  },
  split: (s) => {
    const quote = QUOTES.find((q) => s.endsWith(q) && s.length > q.length) ?? s.slice(-4);
    return { base: s.slice(0, s.length - quote.length), quote };
  },
  status: 'Trading',
  form: /^[A-Z0-9]{2,30}$/,
  what: 'Bybit symbol',
};

/** A Bybit spot symbol spec (`BTCUSDT`). */
export function resolveBybitSymbol(input: VenueSymbolInput): SymbolSpec {
  return resolveCheckedSymbol(input, RULES);
}

/** Start a Bybit v5 spot simulator: public WebSocket at `/v5/public/spot` (`publicTrade`) and market REST. */
export async function startBybitSim(options: BybitSimOptions = {}): Promise<BybitSim> {
  return startVenueSim(options, {
    venue: 'bybit',
    defaultSymbols: ['BTCUSDT'],
    resolveSymbol: resolveBybitSymbol,
    defaultSweeps: { probability: 0.2, maxTrades: 3 },
    wsDefaults: BYBIT_WS_DEFAULTS,
    restDefaults: BYBIT_REST_DEFAULTS,
    build: ({ ws, rest, seed }) => ({
      groupTrades: groupByTakerOrder,
      checkUpgrade: upgradeOnlyAt('/v5/public/spot'),
      createConnection: (ctx) => new BybitConnection(ctx, ws, seed),
      fanOut: deliverToEach,
      rest: {
        handle: handleBybitRest,
        limiter: requestCountLimit(rest),
        tooManyRequests: (status, retryAfterSec, source) =>
          source === 'limit'
            ? withRetryAfter({ status: 403, body: '{"retCode":403,"retMsg":"access too frequent"}' }, retryAfterSec)
            : withRetryAfter(bybitAnswer(status, 10006, 'Too many visits!'), retryAfterSec),
        errorAnswer: (status) => (status === 404 ? bybitAnswer(404, 10001, 'Not Found') : bybitAnswer(status, 10016, 'Service unavailable, please try again later')),
      },
    }),
  });
}
