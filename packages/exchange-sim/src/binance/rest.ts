import { nowUs } from '../core/clock.js';
import { formatUnits, toUnits } from '../core/fixed-point.js';
import type { RestLimiter, VenueRestAnswer, VenueRestRequest, VenueRestRoutes } from '../core/kit/rest.js';
import type { Faults } from '../core/faults.js';
import type { Market, SimTrade, SymbolSpec } from '../core/market.js';
import type { WeightBudget } from '../core/rate-limit.js';
import { depthSnapshotBody, timeIn } from './messages.js';

export const WEIGHT_HEADER = 'X-MBX-USED-WEIGHT-1M';
export const TIME_UNIT_HEADER = 'x-mbx-time-unit';
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;

export interface BinanceRestContext {
  readonly market: Market;
  readonly budget: WeightBudget;
  /** Aggregate id of a trade id, and back (one aggregate per trade). */
  readonly aggIdOf: (tradeId: number) => number;
  readonly tradeIdOf: (aggId: number) => number;
  /** Asked for stale snapshots (book faults); without it every snapshot is current. */
  readonly faults?: Faults;
}

/** `/api/v3/depth` limits: default 100, larger values clamped to 5000. */
export const DEPTH_DEFAULT_LIMIT = 100;
export const DEPTH_MAX_LIMIT = 5000;

/** Request weight of `/api/v3/depth` by the (clamped) limit: 1–100 → 5, 101–500 → 25, 501–1000 → 50, 1001–5000 → 250. */
export function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

/** The requested depth limit: default 100, at least 1, clamped to 5000. */
function depthLimit(params: URLSearchParams): number {
  const limit = integerParam(params, 'limit') ?? DEPTH_DEFAULT_LIMIT;
  if (limit < 1) throw new ApiError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  return Math.min(limit, DEPTH_MAX_LIMIT);
}

/** A Binance error answer. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

interface Request {
  readonly params: URLSearchParams;
  readonly microseconds: boolean;
}

interface Endpoint {
  weight(params: URLSearchParams): number;
  /** The answer: a value to serialize, or an already serialized body (`{ raw }`). */
  handle(request: Request, ctx: BinanceRestContext): unknown;
  /** A book snapshot (book-only REST faults apply). */
  readonly snapshot?: boolean;
}

/** An answer body written by the endpoint itself. */
class RawBody {
  constructor(readonly text: string) {}
}

const illegal = (name: string, range = '^[0-9]{1,20}$') =>
  new ApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`);
const mandatory = (name: string) =>
  new ApiError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
const invalidSymbol = () => new ApiError(400, -1121, 'Invalid symbol.');

function integerParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^[0-9]{1,20}$/.test(raw)) throw illegal(name);
  return Number(raw);
}

function limitParam(params: URLSearchParams): number {
  const limit = integerParam(params, 'limit') ?? DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) throw new ApiError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  return limit;
}

function symbolParam(params: URLSearchParams, market: Market): SymbolSpec {
  const raw = params.get('symbol');
  if (raw === null || raw === '') throw mandatory('symbol');
  const spec = market.spec(raw);
  if (!spec) throw invalidSymbol();
  return spec;
}

/** `symbol` or `symbols` (a JSON array) or neither (all); undefined for a single symbol request. */
function symbolsParam(params: URLSearchParams, market: Market): SymbolSpec[] | undefined {
  const one = params.get('symbol');
  const many = params.get('symbols');
  if (one !== null && many !== null) throw new ApiError(400, -1128, 'Combination of optional parameters invalid.');
  if (one !== null) return undefined;
  if (many === null) return [...market.symbols()];
  const range = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';
  let list: unknown;
  try {
    list = JSON.parse(many);
  } catch {
    throw illegal('symbols', range);
  }
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || !/^[A-Z0-9-_.]{1,20}$/.test(s))) {
    throw illegal('symbols', range);
  }
  return (list as string[]).map((s) => market.spec(s) ?? (() => { throw invalidSymbol(); })());
}

function tradeJson(trade: SimTrade, microseconds: boolean) {
  return {
    id: trade.id,
    price: trade.price,
    qty: trade.qty,
    quoteQty: trade.quoteQty,
    time: timeIn(trade.timeUs, microseconds),
    isBuyerMaker: trade.buyerIsMaker,
    isBestMatch: true,
  };
}

function aggTradeJson(trade: SimTrade, aggId: number, microseconds: boolean) {
  return {
    a: aggId,
    p: trade.price,
    q: trade.qty,
    f: trade.id,
    l: trade.id,
    T: timeIn(trade.timeUs, microseconds),
    m: trade.buyerIsMaker,
    M: true,
  };
}

function symbolInfo(spec: SymbolSpec) {
  const eight = (d: string) => formatUnits(toUnits(d));
  return {
    symbol: spec.symbol,
    status: spec.status,
    baseAsset: spec.base,
    baseAssetPrecision: 8,
    quoteAsset: spec.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: eight(spec.tickSize), maxPrice: '1000000.00000000', tickSize: eight(spec.tickSize) },
      { filterType: 'LOT_SIZE', minQty: eight(spec.stepSize), maxQty: '9000.00000000', stepSize: eight(spec.stepSize) },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

function rateLimitsJson(budget: WeightBudget) {
  const windowMs = budget.options.windowMs;
  const minutes = windowMs % 60_000 === 0;
  return [
    {
      rateLimitType: 'REQUEST_WEIGHT',
      interval: minutes ? 'MINUTE' : 'SECOND',
      intervalNum: minutes ? windowMs / 60_000 : Math.max(1, Math.round(windowMs / 1000)),
      limit: budget.options.limit,
    },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
  ];
}

/** The REST endpoints, with their request weights. */
export const ENDPOINTS: Record<string, Endpoint> = {
  '/api/v3/ping': { weight: () => 1, handle: () => ({}) },
  '/api/v3/time': { weight: () => 1, handle: (r) => ({ serverTime: timeIn(nowUs(), r.microseconds) }) },
  '/api/v3/exchangeInfo': {
    weight: () => 20,
    handle: (r, ctx) => {
      const list = symbolsParam(r.params, ctx.market) ?? [symbolParam(r.params, ctx.market)];
      return {
        timezone: 'UTC',
        serverTime: timeIn(nowUs(), r.microseconds),
        rateLimits: rateLimitsJson(ctx.budget),
        exchangeFilters: [],
        symbols: list.map(symbolInfo),
      };
    },
  },
  '/api/v3/ticker/price': {
    weight: (p) => (p.get('symbol') !== null ? 2 : 4),
    handle: (r, ctx) => {
      const list = symbolsParam(r.params, ctx.market);
      if (!list) {
        const spec = symbolParam(r.params, ctx.market);
        return { symbol: spec.symbol, price: ctx.market.lastPrice(spec.symbol) };
      }
      return list.map((s) => ({ symbol: s.symbol, price: ctx.market.lastPrice(s.symbol) }));
    },
  },
  '/api/v3/trades': {
    weight: () => 25,
    handle: (r, ctx) => {
      const spec = symbolParam(r.params, ctx.market);
      const limit = limitParam(r.params);
      return ctx.market.latest(spec.symbol, limit).map((t) => tradeJson(t, r.microseconds));
    },
  },
  '/api/v3/historicalTrades': {
    weight: () => 25,
    handle: (r, ctx) => {
      const spec = symbolParam(r.params, ctx.market);
      const limit = limitParam(r.params);
      const fromId = integerParam(r.params, 'fromId');
      const trades = fromId === undefined ? ctx.market.latest(spec.symbol, limit) : ctx.market.trades(spec.symbol, { fromId, limit });
      return trades.map((t) => tradeJson(t, r.microseconds));
    },
  },
  '/api/v3/depth': {
    snapshot: true,
    weight: (p) => {
      try {
        return depthWeight(depthLimit(p));
      } catch {
        return depthWeight(DEPTH_DEFAULT_LIMIT);
      }
    },
    handle: (r, ctx) => {
      const spec = symbolParam(r.params, ctx.market);
      const limit = depthLimit(r.params);
      const status = r.params.get('symbolStatus');
      if (status !== null) {
        if (!/^(TRADING|HALT|BREAK)$/.test(status)) throw illegal('symbolStatus', '^(TRADING|HALT|BREAK)$');
        if (status !== spec.status) throw new ApiError(400, -1220, "The symbol's status does not match the requested symbolStatus.");
      }
      if (!ctx.market.booksEnabled) throw new ApiError(400, -1000, 'Order books are off in this simulator (start it with books).');
      const behind = ctx.faults?.decideSnapshot(spec.symbol);
      const book = behind === undefined ? ctx.market.orderBook(spec.symbol) : ctx.market.bookBehind(spec.symbol, behind);
      return new RawBody(depthSnapshotBody(book, limit));
    },
  },
  '/api/v3/aggTrades': {
    weight: () => 4,
    handle: (r, ctx) => {
      const spec = symbolParam(r.params, ctx.market);
      const limit = limitParam(r.params);
      const fromId = integerParam(r.params, 'fromId');
      const startTime = integerParam(r.params, 'startTime');
      const endTime = integerParam(r.params, 'endTime');
      let trades: SimTrade[];
      if (fromId !== undefined) {
        trades = ctx.market.trades(spec.symbol, { fromId: ctx.tradeIdOf(fromId), limit });
      } else if (startTime !== undefined || endTime !== undefined) {
        const scale = r.microseconds ? 1 : 1000;
        const startUs = (startTime ?? 0) * scale;
        const endUs = endTime === undefined ? Number.MAX_SAFE_INTEGER : endTime * scale + (scale - 1);
        trades = ctx.market.tradesBetween(spec.symbol, startUs, endUs, limit);
      } else {
        trades = ctx.market.latest(spec.symbol, limit);
      }
      return trades.map((t) => aggTradeJson(t, ctx.aggIdOf(t.id), r.microseconds));
    },
  },
};

const FORCED_BODIES: Record<number, { code: number; msg: string }> = {
  500: { code: -1000, msg: 'An unknown error occurred while processing the request.' },
  502: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
  503: { code: -1008, msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.' },
  504: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
};

function limitBody(status: number, limit: number, untilMs: number) {
  return status === 418
    ? { code: -1003, msg: `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.` }
    : {
        code: -1003,
        msg: `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      };
}

const answer = (status: number, body: unknown, headers?: Record<string, string>): VenueRestAnswer => ({
  status,
  body: JSON.stringify(body),
  ...(headers ? { headers } : {}),
});

/** The weight budget as the kit's REST limit: each request spends its endpoint's weight. */
function weightLimit(budget: WeightBudget): RestLimiter {
  return {
    admit(req) {
      const endpoint = ENDPOINTS[req.url.pathname] as Endpoint; // screened: a known endpoint
      const decision = budget.charge(req.ip, endpoint.weight(req.url.searchParams));
      return decision.status === 200 ? undefined : { status: decision.status, retryAfterSec: decision.retryAfterSec, untilMs: decision.untilMs };
    },
    used: (ip) => budget.used(ip),
    reset: () => budget.reset(),
  };
}

/** One request to a known endpoint: its time unit, then the endpoint's answer or its `ApiError`. */
function handle(req: VenueRestRequest, ctx: BinanceRestContext): VenueRestAnswer {
  const endpoint = ENDPOINTS[req.url.pathname] as Endpoint;
  try {
    const unit = req.headers[TIME_UNIT_HEADER];
    const unitText = Array.isArray(unit) ? unit[0] : unit;
    if (unitText !== undefined && !/^(MICROSECOND|MILLISECOND)$/i.test(unitText)) {
      throw new ApiError(400, -1100, `Invalid value for header X-MBX-TIME-UNIT: ${unitText}`);
    }
    const microseconds = unitText !== undefined && /^MICROSECOND$/i.test(unitText);
    const result = endpoint.handle({ params: req.url.searchParams, microseconds }, ctx);
    return result instanceof RawBody ? { status: 200, body: result.text } : answer(200, result);
  } catch (error) {
    if (error instanceof ApiError) return answer(error.status, { code: error.code, msg: error.message });
    throw error;
  }
}

/**
 * Binance's REST (`/api/v3/...`) as kit routes: an unknown path or method is answered first, free of weight
 * and faults; then REST faults, the weight budget (429, then 418), the endpoint. Every answer after the
 * screen carries the weight used (`X-MBX-USED-WEIGHT-1M`).
 */
export function binanceRestRoutes(ctx: BinanceRestContext): VenueRestRoutes {
  return {
    screen(req) {
      if (!ENDPOINTS[req.url.pathname]) return answer(404, { code: -1000, msg: `Unknown path ${req.url.pathname}` });
      if (req.method !== 'GET') return answer(405, { code: -1000, msg: `Method ${req.method} not allowed` });
      return undefined;
    },
    handle: (req) => handle(req, ctx),
    limiter: weightLimit(ctx.budget),
    tooManyRequests: (status, retryAfterSec, _source, untilMs) => answer(status, limitBody(status, ctx.budget.options.limit, untilMs), { 'Retry-After': String(retryAfterSec) }),
    errorAnswer: (status) => answer(status, FORCED_BODIES[status] ?? FORCED_BODIES[500]),
    headers: (req) => ({ [WEIGHT_HEADER]: String(ctx.budget.used(req.ip)) }),
    isSnapshot: (req) => ENDPOINTS[req.url.pathname]?.snapshot === true,
  };
}
