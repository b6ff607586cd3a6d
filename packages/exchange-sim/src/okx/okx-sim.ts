import type { SymbolSpec } from '../core/market.js';
import { deliverToEach, groupByTakerOrder } from '../core/kit/fan-out.js';
import { requestCountLimit, withRetryAfter, type VenueRestOptions } from '../core/kit/rest.js';
import { startVenueSim, upgradeOnlyAt, type VenueSim, type VenueSimOptions, type VenueWsOptions } from '../core/kit/start.js';
import { resolveCheckedSymbol, splitSymbolOn, type VenueSymbolInput, type VenueSymbolRules } from '../core/kit/symbols.js';
import { OkxConnection, type OkxWsLimits } from './connection.js';
import { handleOkxRest, okxAnswer } from './rest.js';

export type OkxWsOptions = OkxWsLimits & VenueWsOptions;

/** Public REST requests per window per IP. Default 20 per 2 s (the venue's history-trades limit). */
export type OkxRestOptions = VenueRestOptions;

export const OKX_WS_DEFAULTS: OkxWsOptions = { idleTimeoutMs: 30_000, reorderFlushMs: 100, booksSnapshot: true, booksKeepAliveMs: 60_000 };
export const OKX_REST_DEFAULTS: OkxRestOptions = { requestsPerWindow: 20, windowMs: 2_000 };

/**
 * Options of `startOkxSim`.
 * - `symbols`: Instruments; default `['BTC-USDT']`. Known: BTC-USDT, ETH-USDT, SOL-USDT.
 * - `sweeps`: Taker orders filling several trades (one `trades` push with `count` > 1). Default 0.3 / up to 5.
 * - `books`: L2 order books (`books` and `bbo-tbt` channels, REST `/api/v5/market/books`); `seqId` jumps by 1..20
 *   per push. `ws.booksSnapshot` (default true) and `ws.booksKeepAliveMs` (default 60 s) shape the `books` channel.
 */
export type OkxSimOptions = VenueSimOptions<OkxWsOptions, OkxRestOptions>;

/**
 * A running OKX v5 simulator.
 * - `wsUrl`: `ws://127.0.0.1:<port>`; connect to `${wsUrl}/ws/v5/public`.
 * - `restUrl`: `http://127.0.0.1:<port>`; append `/api/v5/market/trades?instId=BTC-USDT`.
 */
export type OkxSim = VenueSim<OkxConnection>;

const RULES: VenueSymbolRules = {
  known: {
    'BTC-USDT': { base: 'BTC', quote: 'USDT', tickSize: '0.1', stepSize: '0.00000001', startPrice: '97000.0', maxQty: '2' },
    'ETH-USDT': { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', startPrice: '3400.00', maxQty: '40' },
    'SOL-USDT': { base: 'SOL', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', startPrice: '180.00', maxQty: '500' },
  },
  split: splitSymbolOn('-'),
  status: 'live',
  form: /^[A-Z0-9]{1,10}-[A-Z0-9]{1,10}$/,
  what: 'OKX instrument',
};

/** An OKX instrument spec (`BTC-USDT`). */
export function resolveOkxInstrument(input: VenueSymbolInput): SymbolSpec {
  return resolveCheckedSymbol(input, RULES);
}

/** Start an OKX v5 simulator: public WebSocket at `/ws/v5/public` (`trades`; with books `books`, `bbo-tbt`) and public REST. */
export async function startOkxSim(options: OkxSimOptions = {}): Promise<OkxSim> {
  return startVenueSim(options, {
    venue: 'okx',
    defaultSymbols: ['BTC-USDT'],
    resolveSymbol: resolveOkxInstrument,
    defaultSweeps: { probability: 0.3, maxTrades: 5 },
    // One seqId per push, jumping (the channel's ids are shared with other channels at the venue).
    bookIds: { kind: 'jump', maxJump: 20 },
    wsDefaults: OKX_WS_DEFAULTS,
    restDefaults: OKX_REST_DEFAULTS,
    build: ({ ws, rest, seed, faults }) => ({
      groupTrades: groupByTakerOrder,
      checkUpgrade: upgradeOnlyAt('/ws/v5/public'),
      createConnection: (ctx) => new OkxConnection(ctx, ws, seed),
      fanOut: deliverToEach,
      rest: {
        handle: (req, market) => handleOkxRest(req, market, faults),
        isSnapshot: (req) => req.url.pathname === '/api/v5/market/books',
        limiter: requestCountLimit(rest),
        tooManyRequests: (status, retryAfterSec) => withRetryAfter(okxAnswer(status, '50011', 'Too Many Requests'), retryAfterSec),
        errorAnswer: (status) =>
          status === 404 ? okxAnswer(404, '404', 'Not Found') : okxAnswer(status, '50001', 'Service temporarily unavailable. Please try again later.'),
      },
    }),
  });
}
