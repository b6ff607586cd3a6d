import {
  BOOK_SYNC_RULES,
  bookLevelsOf,
  compareUpdateIds,
  decimalTextOf,
  instrumentOrReject,
  invalidFieldError,
  isJsonObject,
  ParseError,
  parseRestJson,
  rejectChannelField,
  updateIdTextOf,
  type BookChannels,
  type BookSnapshot,
  type InstrumentInfo,
  type InstrumentMap,
  type JsonObject,
  type ParseSink,
  type RestRequest,
} from '@tickgate/core';
import { canonicalSizeOrUndefined, compareDecimals, WIRE_VERSION, type Bbo } from '@tickgate/schema';
import { scanDepthFrame, scannedDepthFrame } from './fast-depth.js';
import { BINANCE_VENUE, toMicros, type BinanceTimeUnit } from './parse.js';

/**
 * Binance spot L2 books and top of book: `<symbol>@depth@100ms` diffs (fields `U`, `u`, `b`, `a`, time
 * `E`) synced on the REST `/api/v3/depth` snapshot by the `range` rule, and `<symbol>@bookTicker` for the
 * best bid and offer (`u`, `b`/`B`, `a`/`A`; no time field on spot).
 */

/** Most levels per side `/api/v3/depth` serves (a larger limit is clamped to it). */
export const MAX_DEPTH_LIMIT = 5000;

/** Stream name of an instrument's diff depth at 100 ms: `btcusdt@depth@100ms`. */
export function depthStreamName(symbol: string): string {
  return `${symbol.toLowerCase()}@depth@100ms`;
}

/** Stream name of an instrument's best bid and offer: `btcusdt@bookTicker`. */
export function bookTickerStreamName(symbol: string): string {
  return `${symbol.toLowerCase()}@bookTicker`;
}

/** Request weight of `/api/v3/depth` by `limit` (the table since 2023-10-19). */
export function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

/**
 * Read one `depthUpdate` payload: one `bookDelta`, or a rejection naming the field (with the
 * instrument, `channel: 'book'`). A sink without `bookDelta` (trades only) ignores the frame.
 */
export function parseDepthPayload(d: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap, timeUnit: BinanceTimeUnit): void {
  if (sink.bookDelta === undefined) {
    sink.control({ type: 'ignored', what: 'depthUpdate' });
    return;
  }
  const info = instrumentOrReject(sink, instruments, 's', d['s'], raw);
  if (info === undefined) return;
  const instrument = info.instrument;
  const first = updateIdTextOf(d['U']);
  const last = updateIdTextOf(d['u']);
  if (first === undefined || last === undefined || compareUpdateIds(first, last) > 0) {
    rejectChannelField(sink, 'book', first === undefined ? 'U' : 'u', 'update ids are not non-negative integers with U <= u', first === undefined ? d['U'] : d['u'], raw, instrument);
    return;
  }
  const bids = bookLevelsOf(d['b'], true);
  if (typeof bids === 'string') return rejectChannelField(sink, 'book', 'b', `bids: ${bids}`, undefined, raw, instrument);
  const asks = bookLevelsOf(d['a'], true);
  if (typeof asks === 'string') return rejectChannelField(sink, 'book', 'a', `asks: ${asks}`, undefined, raw, instrument);
  const exchangeTime = toMicros(d['E'], timeUnit);
  sink.bookDelta(instrument, { firstUpdateId: first, updateId: last, bids, asks, receiveTime: receiveTimeUs, ...(exchangeTime !== undefined ? { exchangeTime } : {}) });
}

/** Scratch record of the fast path (fields are read out before the sink is called). */
const scanned = scannedDepthFrame();

/**
 * The fast path: when `raw` is exactly a Binance `depthUpdate` frame (see `fast-depth.ts`) that makes a
 * valid delta for a sink taking deltas, emit it (the object `parseDepthPayload` builds) and return `true`.
 * Otherwise return `false` without touching the sink: the caller then reads the frame with
 * `parseFrameGeneral`, which also gives every rejection its reason.
 */
export function parseDepthFrameFast(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap, timeUnit: BinanceTimeUnit): boolean {
  if (sink.bookDelta === undefined || !scanDepthFrame(raw, scanned)) return false;
  const info = instruments.bySymbol(scanned.symbol);
  if (info === undefined) return false;
  const first = scanned.firstUpdateId;
  const last = scanned.updateId;
  if (compareUpdateIds(first, last) > 0) return false;
  const exchangeTime = toMicros(scanned.time, timeUnit);
  sink.bookDelta(info.instrument, { firstUpdateId: first, updateId: last, bids: scanned.bids, asks: scanned.asks, receiveTime: receiveTimeUs, ...(exchangeTime !== undefined ? { exchangeTime } : {}) });
  return true;
}

/** Read one spot `bookTicker` payload: one `bbo`, or a rejection. A sink without `bbo` ignores it. */
export function parseBookTickerPayload(d: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  if (sink.bbo === undefined) {
    sink.control({ type: 'ignored', what: 'bookTicker' });
    return;
  }
  const info = instrumentOrReject(sink, instruments, 's', d['s'], raw);
  if (info === undefined) return;
  const instrument = info.instrument;
  const updateId = updateIdTextOf(d['u']);
  if (updateId === undefined) return rejectChannelField(sink, 'bbo', 'u', 'order book update id is not a non-negative integer', d['u'], raw, instrument);
  const bidPrice = decimalTextOf(d['b']);
  if (bidPrice === undefined) return rejectChannelField(sink, 'bbo', 'b', 'best bid price is not a plain positive decimal string', d['b'], raw, instrument);
  const bidSize = positiveSizeOf(d['B']);
  if (bidSize === undefined) return rejectChannelField(sink, 'bbo', 'B', 'best bid size is not a plain positive decimal string', d['B'], raw, instrument);
  const askPrice = decimalTextOf(d['a']);
  if (askPrice === undefined) return rejectChannelField(sink, 'bbo', 'a', 'best ask price is not a plain positive decimal string', d['a'], raw, instrument);
  const askSize = positiveSizeOf(d['A']);
  if (askSize === undefined) return rejectChannelField(sink, 'bbo', 'A', 'best ask size is not a plain positive decimal string', d['A'], raw, instrument);
  if (compareDecimals(bidPrice, askPrice) >= 0) return rejectChannelField(sink, 'bbo', 'b', `best bid is not below the best ask ${askPrice}`, d['b'], raw, instrument);
  const bbo: Bbo = { v: WIRE_VERSION, type: 'bbo', venue: BINANCE_VENUE, instrument, symbol: info.symbol, updateId, bidPrice, bidSize, askPrice, askSize, receiveTime: receiveTimeUs };
  sink.bbo(bbo);
}


function positiveSizeOf(value: unknown): string | undefined {
  const size = typeof value === 'string' ? canonicalSizeOrUndefined(value) : undefined;
  return size === '0' ? undefined : size;
}


/** Parse a `/api/v3/depth` body into a snapshot vouching for `limit` levels per side. Throws `ParseError`. */
export function parseDepthSnapshot(body: string, limit: number, receiveTimeUs: number): BookSnapshot {
  const value = parseRestJson(body, 'depth');
  if (!isJsonObject(value)) throw invalidFieldError('depth', 'body is not an object', value);
  if (typeof value['code'] === 'number' && typeof value['msg'] === 'string') throw new ParseError('unknown-message', `depth: Binance error ${value['code']}: ${value['msg']}`);
  const updateId = updateIdTextOf(value['lastUpdateId']);
  if (updateId === undefined) throw invalidFieldError('depth.lastUpdateId', 'not a non-negative integer', value['lastUpdateId']);
  const bids = bookLevelsOf(value['bids'], false);
  if (typeof bids === 'string') throw invalidFieldError('depth.bids', bids, undefined);
  const asks = bookLevelsOf(value['asks'], false);
  if (typeof asks === 'string') throw invalidFieldError('depth.asks', asks, undefined);
  return { source: 'rest', updateId, bids, asks, depth: Math.min(limit, MAX_DEPTH_LIMIT), receiveTime: receiveTimeUs };
}

/** `GET /api/v3/depth?symbol=&limit=`: the book snapshot, weighted by `limit` (5, 25, 50 or 250). */
export function depthRequest(instrument: InstrumentInfo, limit: number): RestRequest<BookSnapshot> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DEPTH_LIMIT) throw new RangeError(`depth limit must be an integer from 1 to ${MAX_DEPTH_LIMIT} (got ${limit})`);
  if (!/^[A-Z0-9._-]{1,32}$/.test(instrument.symbol)) throw new RangeError(`not a Binance symbol: ${JSON.stringify(instrument.symbol)}`);
  return {
    path: `/api/v3/depth?symbol=${encodeURIComponent(instrument.symbol)}&limit=${limit}`,
    weight: depthWeight(limit),
    parse: (body, receiveTimeUs) => parseDepthSnapshot(body, limit, receiveTimeUs),
  };
}

/** Binance's book channels: the `range` rule, snapshots up to 5000 levels, `@bookTicker` for the top. */
export const binanceBooks: BookChannels = {
  rule: BOOK_SYNC_RULES.binance,
  maxDepth: MAX_DEPTH_LIMIT,
  bbo: true,
  snapshot: depthRequest,
};
