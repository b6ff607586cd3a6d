import { decimalOrReject, instrumentOrReject, rejectField, rejectFrame, valuePreview, wsTrade, type ControlEvent, type FrameParser, type InstrumentInfo, type InstrumentMap, type JsonObject, type ParseSink } from '@tickgate/core';
import { MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';
import { parseBookTickerPayload, parseDepthFrameFast, parseDepthPayload } from './books.js';
import { scannedTradeFrame, scanTradeFrame } from './fast-trade.js';
import type { BinanceRequestId } from './messages.js';

/**
 * Pure parsing of Binance spot stream frames into tickgate events.
 *
 * What is published: trades from `<symbol>@trade` only, raw (`/ws/…`) or wrapped in a combined-stream
 * frame; `depthUpdate` and `@bookTicker` payloads go to `books.ts` (book deltas and the best bid and offer,
 * for sinks that take them; `ignored` otherwise). `@aggTrade` frames are reported as `ignored`: an aggregate covers the trade ids `f..l` but
 * carries one price per taker order and its own id (`a`), so publishing it would either duplicate the
 * `@trade` stream or break the one-trade-per-venue-id contract the sequencer relies on. `@bookTicker`
 * frames are `ignored` likewise (quotes, not trades).
 *
 * Hot path, in two layers. First `parseTradeFrameFast`: a frame of exactly the shape Binance sends for a
 * trade (keys in the venue's order, no whitespace, no escapes, plain integers, a stream name matching the
 * symbol, nothing after the last brace) is read character by character by `scanTradeFrame`
 * (`fast-trade.ts`), without `JSON.parse` and without an intermediate object. Why that is safe: the scanner
 * accepts only text whose `JSON.parse` would give exactly the fields it read; the fields then pass the
 * general path's own checks (`instruments.bySymbol`, `toMicros`, and the rules of
 * `canonicalDecimalOrUndefined`, applied in place) into the same `tradeOf`; and the fast path only ever
 * emits a trade. Any other shape, and any frame that would be rejected, falls through untouched to
 * `parseFrameGeneral` (one `JSON.parse`, direct field reads with `typeof` checks), so every rejection keeps
 * its reason. Neither layer uses decimal.js, zod, closures or regexes per frame.
 * `depthUpdate` frames have the same two layers: `parseDepthFrameFast` (`books.ts`, scanner in
 * `fast-depth.ts`) emits the `bookDelta` that `parseDepthPayload` would, or declines.
 * `fast-trade.property.test.ts` and `fast-depth.property.test.ts` hold `parseFrame` to the sink calls of
 * `parseFrameGeneral` on valid, re-spelled and broken frames; `parse.property.test.ts` checks the output against the strict `TradeSchema`.
 */

/** The venue id used in subjects and on every trade. */
export const BINANCE_VENUE = 'binance';

/** Longest start of a raw frame kept in a rejection (shared by every adapter). */
export { RAW_PREVIEW_CHARS } from '@tickgate/core';

/** Unit of the stream's times: `ms` by default on Binance, `us` with `timeUnit=MICROSECOND` in the URL. */
export type BinanceTimeUnit = 'ms' | 'us';

export interface BinanceParserOptions {
  /**
   * Unit of `T`/`E` in the frames of this connection. Defaults to `us`, which is what the adapter's
   * connect URL asks for. A time in the other unit is rejected as implausible, not guessed.
   */
  readonly timeUnit?: BinanceTimeUnit;
}

/** A request id as Binance echoes it, or `undefined` when the field is absent or not an id. */
function requestIdOf(value: unknown): BinanceRequestId | undefined {
  return typeof value === 'number' || typeof value === 'string' || value === null ? value : undefined;
}

/**
 * Microseconds for a Binance time `value` in `unit`, or `undefined` when it is not an integer or not
 * a plausible exchange time (`MIN_TIME_US`..`MAX_TIME_US`): milliseconds read as microseconds fail here.
 */
export function toMicros(value: unknown, unit: BinanceTimeUnit): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  const us = unit === 'us' ? value : value * 1000;
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];

/**
 * Decimal text of a non-negative safe integer. Binance ids are above 2^31, where `String(n)` takes V8's
 * slow double-to-string path; two small-integer conversions are about three times cheaper.
 */
export function safeIntegerText(n: number): string {
  if (n < 1e9) return String(n);
  let hi = Math.floor(n / 1e9);
  let lo = n - hi * 1e9; // exact: both products stay below 2^53
  // Correctly rounded division cannot push the quotient across an integer below 2^53; guard anyway.
  if (lo < 0) {
    hi -= 1;
    lo += 1e9;
  } else if (lo >= 1e9) {
    hi += 1;
    lo -= 1e9;
  }
  const low = String(lo);
  return String(hi) + (ZEROS[9 - low.length] as string) + low;
}

/** The venue trade id as a string, when `value` is a non-negative safe integer. */
function tradeIdOf(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? safeIntegerText(value) : undefined;
}

/**
 * Read one `@trade` payload (already unwrapped from a combined frame): emits one trade or one rejection.
 * The rejection carries the instrument and trade id whenever those could be read, so the sequencer
 * treats an unreadable trade as a gap for that id and fetches it from REST.
 */
export function parseTradePayload(d: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap, timeUnit: BinanceTimeUnit): void {
  const tradeId = tradeIdOf(d['t']);
  const info = instrumentOrReject(sink, instruments, 's', d['s'], raw, tradeId);
  if (info === undefined) return;
  const instrument = info.instrument;
  if (tradeId === undefined) {
    rejectField(sink, 't', 'trade id is not a non-negative integer', d['t'], raw, instrument);
    return;
  }
  const price = decimalOrReject(sink, 'p', 'price', d['p'], raw, instrument, tradeId);
  if (price === undefined) return;
  const quantity = decimalOrReject(sink, 'q', 'quantity', d['q'], raw, instrument, tradeId);
  if (quantity === undefined) return;
  const tradeTime = toMicros(d['T'], timeUnit);
  if (tradeTime === undefined) {
    rejectField(sink, 'T', `trade time is not a plausible integer time in ${timeUnit === 'us' ? 'microseconds' : 'milliseconds'}`, d['T'], raw, instrument, tradeId);
    return;
  }
  const m = d['m'];
  if (typeof m !== 'boolean') {
    rejectField(sink, 'm', 'buyer-is-maker flag is not a boolean', m, raw, instrument, tradeId);
    return;
  }
  sink.trade(tradeOf(info, tradeId, price, quantity, m, tradeTime, receiveTimeUs));
}

/** The trade both paths emit, from checked fields. */
function tradeOf(info: InstrumentInfo, id: string, price: string, quantity: string, buyerIsMaker: boolean, tradeTime: number, receiveTimeUs: number): Trade {
  // `m`: the buyer is the maker, so the taker (aggressor) sold.
  return wsTrade(BINANCE_VENUE, info, id, price, quantity, buyerIsMaker ? 'sell' : 'buy', tradeTime, receiveTimeUs);
}

/** Scratch record of the fast path (fields are read out before the sink is called). */
const scanned = scannedTradeFrame();

/**
 * The fast path: when `raw` is exactly a Binance `@trade` frame (see `fast-trade.ts`) that makes a valid
 * trade, emit that trade and return `true`. Otherwise return `false` without touching the sink: the
 * caller then reads the frame with `parseFrameGeneral`, which also gives every rejection its reason.
 */
export function parseTradeFrameFast(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap, timeUnit: BinanceTimeUnit): boolean {
  if (!scanTradeFrame(raw, scanned)) return false;
  const info = instruments.bySymbol(scanned.symbol);
  if (info === undefined) return false;
  const tradeTime = toMicros(scanned.time, timeUnit);
  if (tradeTime === undefined) return false;
  sink.trade(tradeOf(info, scanned.id, scanned.price, scanned.quantity, scanned.buyerIsMaker, tradeTime, receiveTimeUs));
  return true;
}

/** A frame without `e`: a control answer (raw connections only) or a `@bookTicker` payload. */
function parseUntyped(d: JsonObject, combined: boolean, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  if (!combined && 'result' in d) {
    const result = d['result'];
    const requestId = requestIdOf(d['id']);
    if (result === null) {
      const event: ControlEvent = requestId === undefined ? { type: 'subscribed' } : { type: 'subscribed', requestId };
      sink.control(event);
    } else if (Array.isArray(result)) {
      sink.control({ type: 'ignored', what: 'subscription-list' });
    } else {
      sink.control({ type: 'ignored', what: 'request-result' });
    }
    return;
  }
  if (!combined && 'code' in d) {
    const code = d['code'];
    const msg = d['msg'];
    const requestId = requestIdOf(d['id']);
    const event: { type: 'error'; message: string; code?: string | number; requestId?: BinanceRequestId } = {
      type: 'error',
      message: typeof msg === 'string' ? msg : `error without a message (got ${valuePreview(msg)})`,
    };
    if (typeof code === 'number' || typeof code === 'string') event.code = code;
    if (requestId !== undefined) event.requestId = requestId;
    sink.control(event);
    return;
  }
  if ('u' in d && 's' in d && 'b' in d && 'a' in d && 'B' in d && 'A' in d) {
    parseBookTickerPayload(d, raw, receiveTimeUs, sink, instruments);
    return;
  }
  rejectFrame(sink, 'unknown-message', Array.isArray(d) ? 'frame or payload is not a JSON object' : 'no event type and not a control answer', raw);
}

/**
 * Parse one raw text frame of a Binance spot connection (raw or combined streams). Never throws:
 * anything unreadable goes to `sink.reject` with a stable reason. Trade and `depthUpdate` frames of the
 * venue's exact shape take a fast path; everything else, and whatever the fast path declines, `parseFrameGeneral`.
 */
export function parseFrame(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap, timeUnit: BinanceTimeUnit = 'us'): void {
  if (parseTradeFrameFast(raw, receiveTimeUs, sink, instruments, timeUnit)) return;
  if (parseDepthFrameFast(raw, receiveTimeUs, sink, instruments, timeUnit)) return;
  parseFrameGeneral(raw, receiveTimeUs, sink, instruments, timeUnit);
}

/**
 * `parseFrame` without the fast path: one `JSON.parse` and field reads, for any frame. Same events for
 * every frame (the fast path's property tests hold it to that).
 */
export function parseFrameGeneral(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap, timeUnit: BinanceTimeUnit = 'us'): void {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    rejectFrame(sink, 'malformed-json', 'frame is not JSON', raw);
    return;
  }
  // Arrays pass this check (cheaper than `Array.isArray` on every frame) and end as unknown messages below.
  if (typeof msg !== 'object' || msg === null) {
    rejectFrame(sink, 'unknown-message', 'frame is not a JSON object', raw);
    return;
  }
  const frame = msg as JsonObject;
  let d = frame;
  const stream = frame['stream'];
  const combined = stream !== undefined;
  if (combined) {
    if (typeof stream !== 'string') {
      rejectField(sink, 'stream', 'stream name is not a string', stream, raw);
      return;
    }
    const data = frame['data'];
    if (typeof data !== 'object' || data === null) {
      rejectField(sink, 'data', 'combined-stream payload is not an object', data, raw);
      return;
    }
    d = data as JsonObject;
  }
  const e = d['e'];
  if (e === 'trade') {
    parseTradePayload(d, raw, receiveTimeUs, sink, instruments, timeUnit);
  } else if (e === undefined) {
    parseUntyped(d, combined, raw, receiveTimeUs, sink, instruments);
  } else if (e === 'depthUpdate') {
    parseDepthPayload(d, raw, receiveTimeUs, sink, instruments, timeUnit);
  } else if (e === 'aggTrade') {
    sink.control({ type: 'ignored', what: 'aggTrade' });
  } else if (e === 'serverShutdown') {
    // Lenient on the unit here: the notice matters more than its time, so guess it from the magnitude.
    const E = d['E'];
    const timeUs = toMicros(E, typeof E === 'number' && E < 1e14 ? 'ms' : 'us');
    sink.control(timeUs === undefined ? { type: 'shutdown-notice' } : { type: 'shutdown-notice', timeUs });
  } else {
    rejectFrame(sink, 'unknown-message', `unknown event type ${valuePreview(e)}`, raw);
  }
}

/**
 * A `FrameParser` for one connection carrying `instruments`. `timeUnit` must match the connection's
 * URL: the adapter's `connect` asks for microseconds, which is the default.
 */
export function createParser(instruments: InstrumentMap, options: BinanceParserOptions = {}): FrameParser {
  const timeUnit: BinanceTimeUnit = options.timeUnit ?? 'us';
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments, timeUnit);
}
