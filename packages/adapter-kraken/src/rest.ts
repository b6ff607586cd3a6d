import { inAskedOrder, ParseError, type InstrumentInfo, type RestApi, type RestLimits, type RestRequest } from '@tickgate/core';
import { isInstrumentId, MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';
import { JsonNumber, parseJsonExact, type JsonValue } from './json.js';
import type { KrakenAssetPair } from './messages.js';
import { exactDecimalOf, instrumentOfSymbol, integerIdOf, KRAKEN_VENUE } from './parse.js';

/** Default public REST endpoint. */
export const KRAKEN_REST_URL = 'https://api.kraken.com';

/** Most trades one `Trades` page returns (`count`). */
export const MAX_TRADES_PER_PAGE = 1000;

/** Public endpoints: about one request per second per IP, each weighing 1. */
export const krakenRestLimits: RestLimits = {
  weightPerMinute: 60,
  maxTradesPerPage: MAX_TRADES_PER_PAGE,
};

/**
 * Asset names where Kraken's REST pairs differ from the common (and WebSocket v2) names:
 * `BTC/USD` on the stream is the pair `XBTUSD` in REST, `DOGE` is `XDG`.
 */
export const REST_ASSET_NAMES: Readonly<Record<string, string>> = Object.freeze({ BTC: 'XBT', DOGE: 'XDG' });
const COMMON_ASSET_NAMES: Readonly<Record<string, string>> = Object.freeze({ XBT: 'BTC', XDG: 'DOGE' });

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

function preview(value: unknown): string {
  const text = value === undefined ? 'missing' : value instanceof JsonNumber ? value.literal : (JSON.stringify(value, (_k, v: unknown) => (v instanceof JsonNumber ? v.literal : v)) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function bad(path: string, what: string, value: unknown): ParseError {
  return new ParseError('invalid-field', `${path}: ${what} (got ${preview(value)})`);
}

/** The `result` of a Kraken REST body; a non-empty `error` list is an `unknown-message`. */
function readResult(body: string, endpoint: string): JsonObject {
  let value: JsonValue;
  try {
    value = parseJsonExact(body);
  } catch {
    throw new ParseError('malformed-json', `${endpoint}: body is not JSON (${preview(body.slice(0, 60))})`);
  }
  if (!isObject(value)) throw bad(endpoint, 'body is not an object', value);
  const error = value['error'];
  if (Array.isArray(error) && error.length > 0) throw new ParseError('unknown-message', `${endpoint}: Kraken error: ${error.map((e) => (typeof e === 'string' ? e : preview(e))).join('; ')}`);
  const result = value['result'];
  if (!isObject(result)) throw bad(`${endpoint}.result`, 'not an object', result);
  return result;
}

/** The one pair entry of a `result` (the venue names it by its internal name, `XXBTZUSD`). */
function onlyPairEntry(result: JsonObject, endpoint: string): JsonValue {
  const keys = Object.keys(result).filter((k) => k !== 'last');
  if (keys.length !== 1) throw bad(`${endpoint}.result`, 'expected exactly one pair', keys);
  return result[keys[0] as string] as JsonValue;
}

/** REST pair for an instrument: `BTC-USD` → `XBTUSD`. */
export function restPairOf(instrument: Pick<InstrumentInfo, 'base' | 'quote'>): string {
  const pair = (REST_ASSET_NAMES[instrument.base] ?? instrument.base) + (REST_ASSET_NAMES[instrument.quote] ?? instrument.quote);
  if (!/^[A-Z0-9]{2,24}$/.test(pair)) throw new RangeError(`not a Kraken pair: ${JSON.stringify(pair)}`);
  return pair;
}

/** REST pair for a v2 symbol: `BTC/USD` → `XBTUSD`. */
export function restPairOfSymbol(symbol: string): string {
  const parts = symbol.split('/');
  if (parts.length !== 2) throw new RangeError(`not a Kraken v2 symbol (BASE/QUOTE): ${JSON.stringify(symbol)}`);
  return restPairOf({ base: parts[0] as string, quote: parts[1] as string });
}

/** v2 symbol for a REST `wsname`: `XBT/USD` → `BTC/USD`. */
export function symbolOfWsName(wsname: string): string {
  return wsname
    .split('/')
    .map((a) => COMMON_ASSET_NAMES[a] ?? a)
    .join('/');
}

/** µs for a REST `time` (seconds with a fraction, as a JSON number or a string), exactly, by string operations. */
export function restSecondsToMicros(value: JsonValue | undefined): number | undefined {
  const text = value instanceof JsonNumber ? value.literal : typeof value === 'string' ? value : undefined;
  if (text === undefined || !/^[0-9]{1,12}(\.[0-9]+)?$/.test(text)) return undefined;
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  const fraction = dot < 0 ? '' : text.slice(dot + 1, dot + 7);
  const us = Number(whole) * 1_000_000 + Number(fraction.padEnd(6, '0'));
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

/**
 * Parse a `Trades` body into trades of `instrument`, ascending by id, `source: 'rest'`. Rows are
 * `[price, volume, time, side, type, misc, trade_id]`; `side` `b`/`s` is the taker's.
 */
export function parseRestTrades(body: string, instrument: InstrumentInfo, receiveTimeUs: number): Trade[] {
  const endpoint = 'Trades';
  const rows = onlyPairEntry(readResult(body, endpoint), endpoint);
  if (!Array.isArray(rows)) throw bad(`${endpoint}.result`, 'pair entry is not an array of rows', rows);
  const out: { id: bigint; trade: Trade }[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const path = `${endpoint}[${i}]`;
    if (!Array.isArray(row) || row.length < 7) throw bad(path, 'row is not [price, volume, time, side, type, misc, trade_id]', row);
    const id = integerIdOf(row[6]);
    if (id === undefined) throw bad(`${path}[6]`, 'trade id is not a non-negative integer', row[6]);
    if (seen.has(id)) throw bad(`${path}[6]`, 'duplicate trade id', row[6]);
    seen.add(id);
    const price = exactDecimalOf(row[0]);
    if (price === undefined) throw bad(`${path}[0]`, 'price is not a plain positive decimal', row[0]);
    const quantity = exactDecimalOf(row[1]);
    if (quantity === undefined) throw bad(`${path}[1]`, 'volume is not a plain positive decimal', row[1]);
    const tradeTime = restSecondsToMicros(row[2]);
    if (tradeTime === undefined) throw bad(`${path}[2]`, 'time is not plausible seconds since the epoch', row[2]);
    const side = row[3] === 'b' ? 'buy' : row[3] === 's' ? 'sell' : undefined;
    if (side === undefined) throw bad(`${path}[3]`, 'side is not "b" or "s"', row[3]);
    out.push({
      id: BigInt(id),
      trade: { v: 1, type: 'trade', venue: KRAKEN_VENUE, instrument: instrument.instrument, symbol: instrument.symbol, id, price, quantity, side, tradeTime, receiveTime: receiveTimeUs, source: 'rest' },
    });
  });
  out.sort((a, b) => (a.id < b.id ? -1 : 1));
  return out.map((t) => t.trade);
}

/** Parse one `AssetPairs` entry into `InstrumentInfo` with the v2 symbol (`BTC/USD`) and `BTC-USD`. */
export function parseAssetPair(value: JsonValue | undefined, path: string): InstrumentInfo {
  if (!isObject(value)) throw bad(path, 'pair is not an object', value);
  const raw = value as Partial<Record<keyof KrakenAssetPair, JsonValue>>;
  const wsname = raw.wsname;
  if (typeof wsname !== 'string' || wsname.split('/').length !== 2) throw bad(`${path}.wsname`, 'not a BASE/QUOTE name', wsname);
  const symbol = symbolOfWsName(wsname);
  const [base, quote] = symbol.split('/') as [string, string];
  const instrument = instrumentOfSymbol(symbol);
  if (!isInstrumentId(instrument)) throw bad(`${path}.wsname`, 'does not form a BASE-QUOTE instrument id', wsname);
  const info: { -readonly [K in keyof InstrumentInfo]: InstrumentInfo[K] } = { instrument, symbol, base, quote };
  if (raw.tick_size !== undefined) {
    const tick = exactDecimalOf(raw.tick_size);
    if (tick === undefined) throw bad(`${path}.tick_size`, 'not a plain positive decimal', raw.tick_size);
    info.tickSize = tick;
  }
  if (raw.lot_decimals !== undefined) {
    const n = raw.lot_decimals instanceof JsonNumber && /^[0-9]{1,2}$/.test(raw.lot_decimals.literal) ? Number(raw.lot_decimals.literal) : -1;
    if (n < 0 || n > 24) throw bad(`${path}.lot_decimals`, 'not an integer from 0 to 24', raw.lot_decimals);
    info.stepSize = n === 0 ? '1' : `0.${'0'.repeat(n - 1)}1`;
  }
  if (raw.status !== undefined) {
    if (typeof raw.status !== 'string') throw bad(`${path}.status`, 'not a string', raw.status);
    info.status = raw.status;
  }
  return info;
}

/** Parse an `AssetPairs` body, keeping the asked v2 `symbols`, in their order (unknown ones left out). */
export function parseAssetPairs(body: string, symbols: readonly string[]): InstrumentInfo[] {
  const result = readResult(body, 'AssetPairs');
  const found = new Map<string, InstrumentInfo>();
  for (const [key, value] of Object.entries(result)) {
    const info = parseAssetPair(value, `AssetPairs.result.${key}`);
    found.set(info.symbol, info);
  }
  return inAskedOrder(symbols, found);
}

/** Parse a `Ticker` body into the last trade price (`c[0]`), canonical decimal. */
export function parseTicker(body: string): string {
  const entry = onlyPairEntry(readResult(body, 'Ticker'), 'Ticker');
  if (!isObject(entry)) throw bad('Ticker.result', 'pair entry is not an object', entry);
  const c = entry['c'];
  const price = Array.isArray(c) ? exactDecimalOf(c[0]) : undefined;
  if (price === undefined) throw bad('Ticker.result.c', 'last trade [price, volume] is not readable', c);
  return price;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_TRADES_PER_PAGE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_TRADES_PER_PAGE} (got ${limit})`);
  }
  return limit;
}

/** `GET /0/public/AssetPairs?pair=XBTUSD,ETHUSD` for v2 `symbols` (`BTC/USD`). */
export function instrumentsRequest(symbols: readonly string[]): RestRequest<InstrumentInfo[]> {
  const pairs = symbols.map(restPairOfSymbol);
  return { path: `/0/public/AssetPairs?pair=${pairs.join(',')}`, weight: 1, parse: (body) => parseAssetPairs(body, symbols) };
}

/** `GET /0/public/Trades?pair=&count=`: the most recent `limit` trades, ascending. */
export function recentTradesRequest(instrument: InstrumentInfo, limit: number): RestRequest<Trade[]> {
  return {
    path: `/0/public/Trades?pair=${restPairOf(instrument)}&count=${checkLimit(limit)}`,
    weight: 1,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs),
  };
}

/**
 * `GET /0/public/Trades?pair=&since=&count=`: up to `limit` trades from the time `sinceUs` on
 * (the cursor is a nanosecond timestamp), ascending. This is a TIME cursor, not an id cursor, so it
 * is not the contract's `tradesFrom`: a caller that knows the time of the last trade before a gap can
 * use it and keep the ids it misses.
 */
export function tradesSinceRequest(instrument: InstrumentInfo, sinceUs: number, limit: number): RestRequest<Trade[]> {
  if (!Number.isSafeInteger(sinceUs) || sinceUs < 0) throw new RangeError(`sinceUs must be a non-negative integer (got ${sinceUs})`);
  return {
    path: `/0/public/Trades?pair=${restPairOf(instrument)}&since=${BigInt(sinceUs) * 1000n}&count=${checkLimit(limit)}`,
    weight: 1,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs),
  };
}

/** `GET /0/public/Ticker?pair=` → last trade price. */
export function lastPriceRequest(instrument: InstrumentInfo): RestRequest<string> {
  return { path: `/0/public/Ticker?pair=${restPairOf(instrument)}`, weight: 1, parse: (body) => parseTicker(body) };
}

/**
 * Kraken public REST endpoints. No `tradesFrom`: Kraken pages trades by time only, so a range of ids
 * cannot be asked for (see `tradesSinceRequest` and the README).
 */
export const krakenRest: RestApi = {
  limits: krakenRestLimits,
  instruments: instrumentsRequest,
  recentTrades: recentTradesRequest,
  lastPrice: lastPriceRequest,
};
