import { inAskedOrder, invalidFieldError, isJsonObject, ParseError, parseRestJson, readRestInstrument, requireDecimalField, requireStringField, REST_VALUE_PREVIEW_CHARS, valuePreview, type InstrumentInfo, type RestApi, type RestInstrumentFields, type RestLimits, type RestRequest } from '@tickgate/core';
import type { Trade } from '@tickgate/schema';
import type { BybitInstrument, BybitRestTrade } from './messages.js';
import { BYBIT_VENUE, msToMicros, sideOf, tradeIdOf } from './parse.js';

/** Default public REST endpoint. */
export const BYBIT_REST_URL = 'https://api.bybit.com';

/** Most trades `recent-trade` returns on spot (and there is no pagination). */
export const MAX_TRADES_PER_PAGE = 60;

/** 600 requests per 5 s per IP for public endpoints, as weight 1 each. */
export const bybitRestLimits: RestLimits = {
  weightPerMinute: 7200,
  maxTradesPerPage: MAX_TRADES_PER_PAGE,
};

/** `result.list` of a Bybit body; a non-zero `retCode` is an `unknown-message` naming the venue's message. */
function readList(body: string, endpoint: string): unknown[] {
  const value = parseRestJson(body, endpoint);
  if (!isJsonObject(value)) throw invalidFieldError(endpoint, 'body is not an object', value);
  if (value['retCode'] !== 0) throw new ParseError('unknown-message', `${endpoint}: Bybit error ${valuePreview(value['retCode'], REST_VALUE_PREVIEW_CHARS)}: ${typeof value['retMsg'] === 'string' ? value['retMsg'] : '?'}`);
  const result = value['result'];
  const list = isJsonObject(result) ? result['list'] : undefined;
  if (!Array.isArray(list)) throw invalidFieldError(`${endpoint}.result.list`, 'not an array', list);
  return list;
}

function checkSymbol(symbol: string): string {
  if (!/^[A-Z0-9]{2,30}$/.test(symbol)) throw new RangeError(`not a Bybit symbol: ${JSON.stringify(symbol)}`);
  return symbol;
}

/**
 * Parse a `recent-trade` body (newest first) into trades of `instrument`, oldest first, `source: 'rest'`.
 * Ids carry no order, so "ascending" is by trade time, keeping the venue's order among equal times.
 */
export function parseRestTrades(body: string, instrument: InstrumentInfo, receiveTimeUs: number): Trade[] {
  const endpoint = 'recent-trade';
  const list = readList(body, endpoint);
  const seen = new Set<string>();
  const trades = list.map((item, i): Trade => {
    const path = `${endpoint}[${i}]`;
    if (!isJsonObject(item)) throw invalidFieldError(path, 'trade is not an object', item);
    const raw = item as Partial<Record<keyof BybitRestTrade, unknown>>;
    if (raw.symbol !== instrument.symbol) throw invalidFieldError(`${path}.symbol`, `not the symbol asked for (${instrument.symbol})`, raw.symbol);
    const id = tradeIdOf(raw.execId);
    if (id === undefined) throw invalidFieldError(`${path}.execId`, 'not a trade id', raw.execId);
    if (seen.has(id)) throw invalidFieldError(`${path}.execId`, 'duplicate trade id', raw.execId);
    seen.add(id);
    const tradeTime = msToMicros(raw.time);
    if (tradeTime === undefined) throw invalidFieldError(`${path}.time`, 'not a plausible time in ms', raw.time);
    const side = sideOf(raw.side);
    if (side === undefined) throw invalidFieldError(`${path}.side`, 'not "Buy" or "Sell"', raw.side);
    return {
      v: 1,
      type: 'trade',
      venue: BYBIT_VENUE,
      instrument: instrument.instrument,
      symbol: instrument.symbol,
      id,
      price: requireDecimalField(item, 'price', path),
      quantity: requireDecimalField(item, 'size', path),
      side,
      tradeTime,
      receiveTime: receiveTimeUs,
      source: 'rest',
    };
  });
  // Newest first on the wire: reverse, then a stable sort by time fixes any out-of-order rows.
  trades.reverse();
  return trades.sort((a, b) => a.tradeTime - b.tradeTime);
}

/** Where a Bybit instrument names itself. */
const INSTRUMENT_FIELDS: RestInstrumentFields = { what: 'instrument', symbol: 'symbol', base: 'baseCoin', quote: 'quoteCoin', parts: 'coins' };

/** Parse one spot instrument: the instrument id comes from `baseCoin`/`quoteCoin` (`BTCUSDT` → `BTC-USDT`). */
export function parseInstrument(value: unknown, path: string): InstrumentInfo {
  const { object, info } = readRestInstrument(value, path, INSTRUMENT_FIELDS);
  const raw = object as Partial<Record<keyof BybitInstrument, unknown>>;
  if (isJsonObject(raw.priceFilter) && raw.priceFilter['tickSize'] !== undefined) info.tickSize = requireDecimalField(raw.priceFilter, 'tickSize', `${path}.priceFilter`);
  if (isJsonObject(raw.lotSizeFilter) && raw.lotSizeFilter['basePrecision'] !== undefined) info.stepSize = requireDecimalField(raw.lotSizeFilter, 'basePrecision', `${path}.lotSizeFilter`);
  if (raw.status !== undefined) info.status = requireStringField(object, 'status', path);
  return info;
}

/** Parse an `instruments-info` body, keeping the asked `symbols` in their order (unknown ones left out). */
export function parseInstruments(body: string, symbols: readonly string[]): InstrumentInfo[] {
  const list = readList(body, 'instruments-info');
  const wanted = new Set(symbols);
  const found = new Map<string, InstrumentInfo>();
  list.forEach((item, i) => {
    if (isJsonObject(item) && typeof item['symbol'] === 'string' && !wanted.has(item['symbol'])) return;
    const info = parseInstrument(item, `instruments-info[${i}]`);
    found.set(info.symbol, info);
  });
  return inAskedOrder(symbols, found);
}

/** Parse a `tickers` body into the last price of `symbol`. */
export function parseTicker(body: string, symbol: string): string {
  const list = readList(body, 'tickers');
  const first = list[0];
  if (!isJsonObject(first)) throw invalidFieldError('tickers[0]', 'not an object', first);
  if (first['symbol'] !== symbol) throw invalidFieldError('tickers[0].symbol', `not the symbol asked for (${symbol})`, first['symbol']);
  return requireDecimalField(first, 'lastPrice', 'tickers[0]');
}

/** `GET /v5/market/instruments-info?category=spot&symbol=` for one symbol; the whole spot list (filtered) for several. */
export function instrumentsRequest(symbols: readonly string[]): RestRequest<InstrumentInfo[]> {
  symbols.forEach(checkSymbol);
  const path = symbols.length === 1 ? `/v5/market/instruments-info?category=spot&symbol=${symbols[0] as string}` : '/v5/market/instruments-info?category=spot';
  return { path, weight: 1, parse: (body) => parseInstruments(body, symbols) };
}

/** `GET /v5/market/recent-trade?category=spot&symbol=&limit=` (at most 60, no pagination), oldest first. */
export function recentTradesRequest(instrument: InstrumentInfo, limit: number): RestRequest<Trade[]> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_TRADES_PER_PAGE) throw new RangeError(`limit must be an integer from 1 to ${MAX_TRADES_PER_PAGE} (got ${limit})`);
  return {
    path: `/v5/market/recent-trade?category=spot&symbol=${checkSymbol(instrument.symbol)}&limit=${limit}`,
    weight: 1,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs),
  };
}

/** `GET /v5/market/tickers?category=spot&symbol=` → last price. */
export function lastPriceRequest(instrument: InstrumentInfo): RestRequest<string> {
  const symbol = checkSymbol(instrument.symbol);
  return { path: `/v5/market/tickers?category=spot&symbol=${symbol}`, weight: 1, parse: (body) => parseTicker(body, symbol) };
}

/**
 * Bybit v5 spot public REST endpoints. No `tradesFrom`: trade ids are not ordered and `recent-trade`
 * has no cursor, so only the most recent 60 trades can ever be fetched.
 */
export const bybitRest: RestApi = {
  limits: bybitRestLimits,
  instruments: instrumentsRequest,
  recentTrades: recentTradesRequest,
  lastPrice: lastPriceRequest,
};
