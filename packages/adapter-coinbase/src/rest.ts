import { inAskedOrder, invalidFieldError, isJsonObject, ParseError, parseRestJson, readRestInstrument, requireDecimalField, requireStringField, rfc3339ToMicros, type InstrumentInfo, type RestApi, type RestInstrumentFields, type RestLimits, type RestRequest } from '@tickgate/core';
import type { Trade } from '@tickgate/schema';
import type { CoinbaseProduct, CoinbaseRestTrade, CoinbaseTicker } from './messages.js';
import { COINBASE_VENUE, takerSideOf } from './parse.js';

/** Default public REST endpoint. */
export const COINBASE_REST_URL = 'https://api.exchange.coinbase.com';

/** Most trades one `/products/{id}/trades` page returns. */
export const MAX_TRADES_PER_PAGE = 1000;

/** About 8 public requests per second per IP: every request weighs 1. */
export const coinbaseRestLimits: RestLimits = {
  weightPerMinute: 8 * 60,
  maxTradesPerPage: MAX_TRADES_PER_PAGE,
};

/** Coinbase Exchange refuses requests without a User-Agent. */
const HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'User-Agent': 'tickgate' });

/** JSON of a 2xx body; a Coinbase error object (`{"message":"NotFound"}`) is an `unknown-message`. */
function readJson(body: string, endpoint: string): unknown {
  const value = parseRestJson(body, endpoint);
  if (isJsonObject(value) && typeof value['message'] === 'string' && Object.keys(value).length === 1) {
    throw new ParseError('unknown-message', `${endpoint}: Coinbase error: ${value['message']}`);
  }
  return value;
}

function checkProductId(id: string): string {
  if (!/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/.test(id)) throw new RangeError(`not a Coinbase product id: ${JSON.stringify(id)}`);
  return id;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_TRADES_PER_PAGE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_TRADES_PER_PAGE} (got ${limit})`);
  }
  return limit;
}

function checkTradeId(id: string): bigint {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw new RangeError(`fromId must be a non-negative integer id (got ${JSON.stringify(id)})`);
  }
  return BigInt(id);
}

/**
 * Parse a `/products/{id}/trades` body (newest first) into trades of `instrument`, ascending by id,
 * `source: 'rest'`, taker side (the wire `side` is the maker's). With `range`, only ids in
 * `[from, to]` are kept (see `tradesFromRequest`).
 */
export function parseRestTrades(body: string, instrument: InstrumentInfo, receiveTimeUs: number, range?: { from: bigint; to: bigint }): Trade[] {
  const endpoint = 'trades';
  const value = readJson(body, endpoint);
  if (!Array.isArray(value)) throw invalidFieldError(endpoint, 'body is not an array of trades', value);
  const trades: { id: bigint; trade: Trade }[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const path = `${endpoint}[${i}]`;
    if (!isJsonObject(item)) throw invalidFieldError(path, 'trade is not an object', item);
    const rawTrade = item as Partial<Record<keyof CoinbaseRestTrade, unknown>>;
    const id = rawTrade.trade_id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw invalidFieldError(`${path}.trade_id`, 'not a non-negative integer', id);
    if (seen.has(id)) throw invalidFieldError(`${path}.trade_id`, 'duplicate trade id', id);
    seen.add(id);
    const big = BigInt(id);
    if (range !== undefined && (big < range.from || big > range.to)) continue;
    const tradeTime = rfc3339ToMicros(rawTrade.time);
    if (tradeTime === undefined) throw invalidFieldError(`${path}.time`, 'not a plausible RFC 3339 time', rawTrade.time);
    const side = takerSideOf(rawTrade.side);
    if (side === undefined) throw invalidFieldError(`${path}.side`, 'maker side is not "buy" or "sell"', rawTrade.side);
    trades.push({
      id: big,
      trade: {
        v: 1,
        type: 'trade',
        venue: COINBASE_VENUE,
        instrument: instrument.instrument,
        symbol: instrument.symbol,
        id: String(id),
        price: requireDecimalField(item, 'price', path),
        quantity: requireDecimalField(item, 'size', path),
        side,
        tradeTime,
        receiveTime: receiveTimeUs,
        source: 'rest',
      },
    });
  }
  trades.sort((a, b) => (a.id < b.id ? -1 : 1));
  return trades.map((t) => t.trade);
}

/** Where a Coinbase product names itself. */
const PRODUCT_FIELDS: RestInstrumentFields = { what: 'product', symbol: 'id', base: 'base_currency', quote: 'quote_currency', parts: 'currencies' };

/** Parse one product (`/products/{id}` or an element of `/products`) into `InstrumentInfo`. */
export function parseProduct(value: unknown, path = 'product'): InstrumentInfo {
  const { object, info } = readRestInstrument(value, path, PRODUCT_FIELDS);
  const raw = object as Partial<Record<keyof CoinbaseProduct, unknown>>;
  if (raw.quote_increment !== undefined) info.tickSize = requireDecimalField(object, 'quote_increment', path);
  if (raw.base_increment !== undefined) info.stepSize = requireDecimalField(object, 'base_increment', path);
  if (raw.status !== undefined) info.status = requireStringField(object, 'status', path);
  return info;
}

/** Parse a `/products/{id}` (one object) or `/products` (array) body, keeping only `symbols`, in their order. */
export function parseProducts(body: string, symbols: readonly string[]): InstrumentInfo[] {
  const value = readJson(body, 'products');
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const wanted = new Set(symbols);
  const found = new Map<string, InstrumentInfo>();
  list.forEach((item, i) => {
    // Read only the asked-for products: one odd listing elsewhere must not fail the request.
    if (isJsonObject(item) && typeof item['id'] === 'string' && !wanted.has(item['id'])) return;
    const info = parseProduct(item, Array.isArray(value) ? `products[${i}]` : 'product');
    found.set(info.symbol, info);
  });
  return inAskedOrder(symbols, found);
}

/** Parse a `/products/{id}/ticker` body into the last price, canonical decimal. */
export function parseTicker(body: string): string {
  const value = readJson(body, 'ticker');
  if (!isJsonObject(value)) throw invalidFieldError('ticker', 'body is not an object', value);
  const raw = value as Partial<Record<keyof CoinbaseTicker, unknown>>;
  if (raw.price === undefined) throw invalidFieldError('ticker.price', 'missing', raw.price);
  return requireDecimalField(value, 'price', 'ticker');
}

/**
 * Instrument metadata: `GET /products/{id}` for one product, `GET /products` (every product, filtered
 * here) for several, so that any number of products costs one request. Unknown products are left out.
 */
export function instrumentsRequest(symbols: readonly string[]): RestRequest<InstrumentInfo[]> {
  symbols.forEach(checkProductId);
  const path = symbols.length === 1 ? `/products/${symbols[0] as string}` : '/products';
  return { path, weight: 1, headers: HEADERS, parse: (body) => parseProducts(body, symbols) };
}

/**
 * Trades `fromId .. fromId+limit-1`, ascending. Coinbase pages by a cursor that returns OLDER trades:
 * `after=N` answers the newest `limit` trades with ids below `N`. So this asks for
 * `after=fromId+limit&limit=limit`, which returns ids `fromId+limit-1` down to `fromId`; ids outside
 * that range (fewer newer trades exist than asked for, or a venue that treats the cursor as inclusive)
 * are dropped. An empty answer means no trade from `fromId` on exists yet.
 */
export function tradesFromRequest(instrument: InstrumentInfo, fromId: string, limit: number): RestRequest<Trade[]> {
  const from = checkTradeId(fromId);
  const n = BigInt(checkLimit(limit));
  const after = from + n;
  const range = { from, to: after - 1n };
  return {
    path: `/products/${checkProductId(instrument.symbol)}/trades?limit=${n}&after=${after}`,
    weight: 1,
    headers: HEADERS,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs, range),
  };
}

/** `GET /products/{id}/trades?limit=`: the most recent trades, returned ascending. */
export function recentTradesRequest(instrument: InstrumentInfo, limit: number): RestRequest<Trade[]> {
  return {
    path: `/products/${checkProductId(instrument.symbol)}/trades?limit=${checkLimit(limit)}`,
    weight: 1,
    headers: HEADERS,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs),
  };
}

/** `GET /products/{id}/ticker` → last trade price. */
export function lastPriceRequest(instrument: InstrumentInfo): RestRequest<string> {
  return { path: `/products/${checkProductId(instrument.symbol)}/ticker`, weight: 1, headers: HEADERS, parse: (body) => parseTicker(body) };
}

/** Coinbase Exchange public REST endpoints. */
export const coinbaseRest: RestApi = {
  limits: coinbaseRestLimits,
  instruments: instrumentsRequest,
  tradesFrom: tradesFromRequest,
  recentTrades: recentTradesRequest,
  lastPrice: lastPriceRequest,
};
