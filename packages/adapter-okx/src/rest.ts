import { inAskedOrder, invalidFieldError, isJsonObject, ParseError, parseRestJson, readRestInstrument, requireDecimalField, requireStringField, REST_VALUE_PREVIEW_CHARS, valuePreview, type InstrumentInfo, type RestApi, type RestInstrumentFields, type RestLimits, type RestRequest } from '@tickgate/core';
import type { Trade } from '@tickgate/schema';
import type { OkxInstrument, OkxRestTrade } from './messages.js';
import { msToMicros, OKX_VENUE, tradeIdOf } from './parse.js';

/** Default public REST endpoint. */
export const OKX_REST_URL = 'https://www.okx.com';

/** Most trades one `market/trades` page returns. */
export const MAX_RECENT_TRADES = 500;
/** Most trades one `market/history-trades` page returns. */
export const MAX_HISTORY_TRADES = 100;

/**
 * The tightest public budget the adapter uses (history trades, instruments, ticker: 20 requests per
 * 2 s per IP), as weight 1 per request.
 */
export const okxRestLimits: RestLimits = {
  weightPerMinute: 600,
  maxTradesPerPage: MAX_HISTORY_TRADES,
};

/** The `data` array of an OKX body; a non-zero `code` is an `unknown-message` naming the venue's message. */
function readData(body: string, endpoint: string): unknown[] {
  const value = parseRestJson(body, endpoint);
  if (!isJsonObject(value)) throw invalidFieldError(endpoint, 'body is not an object', value);
  const code = value['code'];
  if (code !== '0' && code !== 0) throw new ParseError('unknown-message', `${endpoint}: OKX error ${valuePreview(code, REST_VALUE_PREVIEW_CHARS)}: ${typeof value['msg'] === 'string' ? value['msg'] : '?'}`);
  const data = value['data'];
  if (!Array.isArray(data)) throw invalidFieldError(`${endpoint}.data`, 'not an array', data);
  return data;
}

function checkInstId(id: string): string {
  if (!/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/.test(id)) throw new RangeError(`not an OKX spot instId: ${JSON.stringify(id)}`);
  return id;
}

function checkLimit(limit: number, max: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) throw new RangeError(`limit must be an integer from 1 to ${max} (got ${limit})`);
  return limit;
}

/**
 * Parse a `market/trades` / `market/history-trades` body (newest first, one id per row) into trades of
 * `instrument`, ascending, `source: 'rest'`. With `range`, only ids in `[from, to]` are kept.
 */
export function parseRestTrades(body: string, instrument: InstrumentInfo, receiveTimeUs: number, endpoint = 'trades', range?: { from: bigint; to: bigint }): Trade[] {
  const data = readData(body, endpoint);
  const out: { id: bigint; trade: Trade }[] = [];
  const seen = new Set<string>();
  data.forEach((item, i) => {
    const path = `${endpoint}[${i}]`;
    if (!isJsonObject(item)) throw invalidFieldError(path, 'trade is not an object', item);
    const raw = item as Partial<Record<keyof OkxRestTrade, unknown>>;
    if (raw.instId !== instrument.symbol) throw invalidFieldError(`${path}.instId`, `not the instrument asked for (${instrument.symbol})`, raw.instId);
    const id = tradeIdOf(raw.tradeId);
    if (id === undefined) throw invalidFieldError(`${path}.tradeId`, 'not a string of digits', raw.tradeId);
    if (seen.has(id)) throw invalidFieldError(`${path}.tradeId`, 'duplicate trade id', raw.tradeId);
    seen.add(id);
    const big = BigInt(id);
    if (range !== undefined && (big < range.from || big > range.to)) return;
    const tradeTime = msToMicros(raw.ts);
    if (tradeTime === undefined) throw invalidFieldError(`${path}.ts`, 'not a plausible time in ms', raw.ts);
    const side = raw.side;
    if (side !== 'buy' && side !== 'sell') throw invalidFieldError(`${path}.side`, 'not "buy" or "sell"', side);
    out.push({
      id: big,
      trade: {
        v: 1,
        type: 'trade',
        venue: OKX_VENUE,
        instrument: instrument.instrument,
        symbol: instrument.symbol,
        id,
        price: requireDecimalField(item, 'px', path),
        quantity: requireDecimalField(item, 'sz', path),
        side,
        tradeTime,
        receiveTime: receiveTimeUs,
        source: 'rest',
      },
    });
  });
  out.sort((a, b) => (a.id < b.id ? -1 : 1));
  return out.map((t) => t.trade);
}

/** Where a OKX instrument names itself. */
const INSTRUMENT_FIELDS: RestInstrumentFields = { what: 'instrument', symbol: 'instId', base: 'baseCcy', quote: 'quoteCcy', parts: 'currencies' };

/** Parse one SPOT instrument into `InstrumentInfo` (`instId` is already `BASE-QUOTE`). */
export function parseInstrument(value: unknown, path: string): InstrumentInfo {
  const { object, info } = readRestInstrument(value, path, INSTRUMENT_FIELDS);
  const raw = object as Partial<Record<keyof OkxInstrument, unknown>>;
  if (raw.tickSz !== undefined) info.tickSize = requireDecimalField(object, 'tickSz', path);
  if (raw.lotSz !== undefined) info.stepSize = requireDecimalField(object, 'lotSz', path);
  if (raw.state !== undefined) info.status = requireStringField(object, 'state', path);
  return info;
}

/** Parse a `public/instruments` body, keeping the asked `symbols` in their order (unknown ones left out). */
export function parseInstruments(body: string, symbols: readonly string[]): InstrumentInfo[] {
  const data = readData(body, 'instruments');
  const wanted = new Set(symbols);
  const found = new Map<string, InstrumentInfo>();
  data.forEach((item, i) => {
    if (isJsonObject(item) && typeof item['instId'] === 'string' && !wanted.has(item['instId'])) return;
    const info = parseInstrument(item, `instruments[${i}]`);
    found.set(info.symbol, info);
  });
  return inAskedOrder(symbols, found);
}

/** Parse a `market/ticker` body into the last price. */
export function parseTicker(body: string, instId: string): string {
  const data = readData(body, 'ticker');
  const first = data[0];
  if (!isJsonObject(first)) throw invalidFieldError('ticker[0]', 'not an object', first);
  if (first['instId'] !== instId) throw invalidFieldError('ticker[0].instId', `not the instrument asked for (${instId})`, first['instId']);
  return requireDecimalField(first, 'last', 'ticker[0]');
}

/**
 * `GET /api/v5/public/instruments?instType=SPOT&instId=` for one instrument; without `instId` (every
 * SPOT instrument, filtered here) for several, so any number costs one request.
 */
export function instrumentsRequest(symbols: readonly string[]): RestRequest<InstrumentInfo[]> {
  symbols.forEach(checkInstId);
  const path = symbols.length === 1 ? `/api/v5/public/instruments?instType=SPOT&instId=${symbols[0] as string}` : '/api/v5/public/instruments?instType=SPOT';
  return { path, weight: 1, parse: (body) => parseInstruments(body, symbols) };
}

/**
 * Trades `fromId .. fromId+limit-1`, ascending, from `market/history-trades` (pages by trade id,
 * `type=1`). Its `after` cursor returns OLDER ids than the cursor, newest first, so this asks for
 * `after=fromId+limit&limit=limit`: ids `fromId+limit-1` down to `fromId`. Ids outside that range are
 * dropped (fewer newer trades exist than asked for). An empty answer: no trade from `fromId` on yet.
 */
export function tradesFromRequest(instrument: InstrumentInfo, fromId: string, limit: number): RestRequest<Trade[]> {
  if (tradeIdOf(fromId) === undefined) throw new RangeError(`fromId must be a non-negative integer id (got ${JSON.stringify(fromId)})`);
  const from = BigInt(fromId);
  const n = BigInt(checkLimit(limit, MAX_HISTORY_TRADES));
  const after = from + n;
  const range = { from, to: after - 1n };
  return {
    path: `/api/v5/market/history-trades?instId=${checkInstId(instrument.symbol)}&type=1&after=${after}&limit=${n}`,
    weight: 1,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs, 'history-trades', range),
  };
}

/** `GET /api/v5/market/trades?instId=&limit=` (at most 500): the most recent trades, ascending. */
export function recentTradesRequest(instrument: InstrumentInfo, limit: number): RestRequest<Trade[]> {
  return {
    path: `/api/v5/market/trades?instId=${checkInstId(instrument.symbol)}&limit=${checkLimit(limit, MAX_RECENT_TRADES)}`,
    weight: 1,
    parse: (body, receiveTimeUs) => parseRestTrades(body, instrument, receiveTimeUs, 'trades'),
  };
}

/** `GET /api/v5/market/ticker?instId=` → last price. */
export function lastPriceRequest(instrument: InstrumentInfo): RestRequest<string> {
  const instId = checkInstId(instrument.symbol);
  return { path: `/api/v5/market/ticker?instId=${instId}`, weight: 1, parse: (body) => parseTicker(body, instId) };
}

/** OKX v5 public REST endpoints. */
export const okxRest: RestApi = {
  limits: okxRestLimits,
  instruments: instrumentsRequest,
  tradesFrom: tradesFromRequest,
  recentTrades: recentTradesRequest,
  lastPrice: lastPriceRequest,
};
