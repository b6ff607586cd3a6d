import { invalidFieldError, isJsonObject, ParseError, parseRestJson, readRestInstrument, requireDecimalField, requireStringField, type InstrumentInfo, type RestApi, type RestInstrumentFields, type RestLimits, type RestRequest } from '@tickgate/core';
import { canonicalDecimalOrUndefined, MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';
import type { BinanceExchangeInfo, BinanceRestTrade, BinanceSymbolInfo, BinanceTickerPrice } from './messages.js';
import { BINANCE_VENUE } from './parse.js';

/** Default public REST endpoint. */
export const BINANCE_REST_URL = 'https://api.binance.com';

/** Most trades one `trades` / `historicalTrades` page returns. */
export const MAX_TRADES_PER_PAGE = 1000;

export const binanceRestLimits: RestLimits = {
  weightPerMinute: 6000,
  usedWeightHeader: 'x-mbx-used-weight-1m',
  maxTradesPerPage: MAX_TRADES_PER_PAGE,
};

/** Asks for microsecond times in REST answers. */
const MICROSECOND_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'X-MBX-TIME-UNIT': 'MICROSECOND' });

/** JSON of a 2xx body; a Binance error object (`{"code":…,"msg":…}`) is an `unknown-message`. */
function readJson(body: string, endpoint: string): unknown {
  const value = parseRestJson(body, endpoint);
  if (isJsonObject(value) && typeof value['code'] === 'number' && typeof value['msg'] === 'string') {
    throw new ParseError('unknown-message', `${endpoint}: Binance error ${value['code']}: ${value['msg']}`);
  }
  return value;
}

/**
 * Microseconds for a REST `time`. The request asks for microseconds, but a mirror or proxy may drop the
 * header: values below 10^14 are taken as milliseconds (the two ranges of plausible times do not meet).
 */
export function restTimeToMicros(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  const us = value < 1e14 ? value * 1000 : value;
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

function checkSymbol(symbol: string): string {
  if (!/^[A-Z0-9._-]{1,32}$/.test(symbol)) throw new RangeError(`not a Binance symbol: ${JSON.stringify(symbol)}`);
  return symbol;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_TRADES_PER_PAGE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_TRADES_PER_PAGE} (got ${limit})`);
  }
  return limit;
}

/** Parse a `trades` / `historicalTrades` body into ascending trades of `instrument`, `source: 'rest'`. */
export function parseRestTrades(body: string, instrument: InstrumentInfo, receiveTimeUs: number, endpoint = 'trades'): Trade[] {
  const value = readJson(body, endpoint);
  if (!Array.isArray(value)) throw invalidFieldError(endpoint, 'body is not an array of trades', value);
  const trades: Trade[] = [];
  let lastId = -1;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const path = `${endpoint}[${i}]`;
    if (!isJsonObject(item)) throw invalidFieldError(path, 'trade is not an object', item);
    const rawTrade = item as Partial<Record<keyof BinanceRestTrade, unknown>>;
    const id = rawTrade.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw invalidFieldError(`${path}.id`, 'not a non-negative integer', id);
    if (id <= lastId) throw invalidFieldError(`${path}.id`, `trades are not in ascending id order (after ${lastId})`, id);
    lastId = id;
    const tradeTime = restTimeToMicros(rawTrade.time);
    if (tradeTime === undefined) throw invalidFieldError(`${path}.time`, 'not a plausible time in µs or ms', rawTrade.time);
    const isBuyerMaker = rawTrade.isBuyerMaker;
    if (typeof isBuyerMaker !== 'boolean') throw invalidFieldError(`${path}.isBuyerMaker`, 'not a boolean', isBuyerMaker);
    trades.push({
      v: 1,
      type: 'trade',
      venue: BINANCE_VENUE,
      instrument: instrument.instrument,
      symbol: instrument.symbol,
      id: String(id),
      price: requireDecimalField(item, 'price', path),
      quantity: requireDecimalField(item, 'qty', path),
      side: isBuyerMaker ? 'sell' : 'buy',
      tradeTime,
      receiveTime: receiveTimeUs,
      source: 'rest',
    });
  }
  return trades;
}

/** Where a `exchangeInfo` symbol names itself. */
const SYMBOL_INFO_FIELDS: RestInstrumentFields = { what: 'symbol', symbol: 'symbol', base: 'baseAsset', quote: 'quoteAsset', parts: 'assets' };

/** Parse one `exchangeInfo` symbol into `InstrumentInfo` (`BASE-QUOTE`, canonical tick and step sizes). */
export function parseSymbolInfo(value: unknown, path = 'symbols[0]'): InstrumentInfo {
  const { object, info } = readRestInstrument(value, path, SYMBOL_INFO_FIELDS);
  const raw = object as Partial<Record<keyof BinanceSymbolInfo, unknown>>;
  if (raw.status !== undefined) info.status = requireStringField(object, 'status', path);
  const filters = raw.filters;
  if (filters !== undefined) {
    if (!Array.isArray(filters)) throw invalidFieldError(`${path}.filters`, 'not an array', filters);
    filters.forEach((filter: unknown, j) => {
      if (!isJsonObject(filter)) throw invalidFieldError(`${path}.filters[${j}]`, 'filter is not an object', filter);
      // A zero increment means "no constraint": leave it out rather than reject the symbol.
      if (filter['filterType'] === 'PRICE_FILTER') {
        const tick = filter['tickSize'];
        if (typeof tick !== 'string') throw invalidFieldError(`${path}.filters[${j}].tickSize`, 'not a decimal string', tick);
        const canonical = canonicalDecimalOrUndefined(tick);
        if (canonical !== undefined) info.tickSize = canonical;
        else if (!/^0+(\.0+)?$/.test(tick)) throw invalidFieldError(`${path}.filters[${j}].tickSize`, 'not a plain decimal string', tick);
      } else if (filter['filterType'] === 'LOT_SIZE') {
        const step = filter['stepSize'];
        if (typeof step !== 'string') throw invalidFieldError(`${path}.filters[${j}].stepSize`, 'not a decimal string', step);
        const canonical = canonicalDecimalOrUndefined(step);
        if (canonical !== undefined) info.stepSize = canonical;
        else if (!/^0+(\.0+)?$/.test(step)) throw invalidFieldError(`${path}.filters[${j}].stepSize`, 'not a plain decimal string', step);
      }
    });
  }
  return info;
}

/** Parse an `exchangeInfo` body. */
export function parseExchangeInfo(body: string): InstrumentInfo[] {
  const value = readJson(body, 'exchangeInfo');
  if (!isJsonObject(value)) throw invalidFieldError('exchangeInfo', 'body is not an object', value);
  const symbols = (value as Partial<Record<keyof BinanceExchangeInfo, unknown>>).symbols;
  if (!Array.isArray(symbols)) throw invalidFieldError('exchangeInfo.symbols', 'not an array', symbols);
  return symbols.map((s: unknown, i) => parseSymbolInfo(s, `exchangeInfo.symbols[${i}]`));
}

/** Parse a `ticker/price` body for `symbol` into a canonical decimal. */
export function parseTickerPrice(body: string, symbol: string): string {
  const value = readJson(body, 'ticker/price');
  if (!isJsonObject(value)) throw invalidFieldError('ticker/price', 'body is not an object', value);
  const raw = value as Partial<Record<keyof BinanceTickerPrice, unknown>>;
  if (raw.symbol !== symbol) throw invalidFieldError('ticker/price.symbol', `not the symbol asked for (${symbol})`, raw.symbol);
  return requireDecimalField(value, 'price', 'ticker/price');
}

/** `GET /api/v3/exchangeInfo` for `symbols` (`symbol=` for one, a JSON array for several; weight 20). */
export function instrumentsRequest(symbols: readonly string[]): RestRequest<InstrumentInfo[]> {
  symbols.forEach(checkSymbol);
  let path = '/api/v3/exchangeInfo';
  if (symbols.length === 1) path += `?symbol=${encodeURIComponent(symbols[0] as string)}`;
  else if (symbols.length > 1) path += `?symbols=${encodeURIComponent(JSON.stringify(symbols))}`;
  return { path, weight: 20, parse: (body) => parseExchangeInfo(body) };
}

/** `GET /api/v3/historicalTrades`: up to `limit` trades from `fromId` inclusive (weight 25, no API key). */
export function tradesFromRequest(instrument: InstrumentInfo, fromId: string, limit: number): RestRequest<Trade[]> {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(fromId) || !Number.isSafeInteger(Number(fromId))) {
    throw new RangeError(`fromId must be a non-negative integer id (got ${JSON.stringify(fromId)})`);
  }
  const symbol = encodeURIComponent(checkSymbol(instrument.symbol));
  return {
    path: `/api/v3/historicalTrades?symbol=${symbol}&fromId=${fromId}&limit=${checkLimit(limit)}`,
    weight: 25,
    headers: MICROSECOND_HEADERS,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs, 'historicalTrades'),
  };
}

/** `GET /api/v3/trades`: the most recent `limit` trades, ascending (weight 25). */
export function recentTradesRequest(instrument: InstrumentInfo, limit: number): RestRequest<Trade[]> {
  const symbol = encodeURIComponent(checkSymbol(instrument.symbol));
  return {
    path: `/api/v3/trades?symbol=${symbol}&limit=${checkLimit(limit)}`,
    weight: 25,
    headers: MICROSECOND_HEADERS,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs, 'trades'),
  };
}

/** `GET /api/v3/ticker/price?symbol=` → last price, canonical decimal (weight 2). */
export function lastPriceRequest(instrument: InstrumentInfo): RestRequest<string> {
  const symbol = checkSymbol(instrument.symbol);
  return {
    path: `/api/v3/ticker/price?symbol=${encodeURIComponent(symbol)}`,
    weight: 2,
    parse: (body) => parseTickerPrice(body, symbol),
  };
}

/** Binance spot REST endpoints. */
export const binanceRest: RestApi = {
  limits: binanceRestLimits,
  instruments: instrumentsRequest,
  tradesFrom: tradesFromRequest,
  recentTrades: recentTradesRequest,
  lastPrice: lastPriceRequest,
};
