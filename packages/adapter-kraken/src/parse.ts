import { decimalTextOf, isIntegerText, rejectFrame, rfc3339ToMicros, takerSideText, wsTrade, type FrameParser, type InstrumentMap, type ParseSink } from '@tickgate/core';
import { canonicalDecimalOrUndefined } from '@tickgate/schema';
import { JsonNumber, parseJsonExact, plainDecimalOf, type JsonValue } from './json.js';

/**
 * Pure parsing of Kraken WebSocket v2 frames into tickgate events.
 *
 * - `trade` channel, `snapshot` and `update` alike: every element of `data` is one trade (`side` is the
 *   taker's). A bad element is rejected on its own; the others of the frame are still published.
 * - Prices and quantities are JSON **numbers**: the frame is read with `parseJsonExact`, which keeps
 *   each number's literal, and the literal is canonicalized with string operations. Exponent forms
 *   (`1e-7`) are converted exactly (`0.0000001`); negative values and exponents beyond ±64 are rejected.
 *   A decimal string is accepted too (the REST API writes strings), never a float.
 * - `heartbeat` → `heartbeat`; `pong` → `pong`; subscribe acks → `subscribed` or `error`;
 *   `status` and unsubscribe acks → `ignored`; anything else is rejected.
 */

/** The venue id used in subjects and on every trade. */
export const KRAKEN_VENUE = 'kraken';

/** Longest start of a raw frame kept in a rejection (shared by every adapter). */
export { RAW_PREVIEW_CHARS } from '@tickgate/core';

type JsonObject = { readonly [key: string]: JsonValue | undefined };

/** Like `valuePreview` of `@tickgate/core`, but a JSON number is written as its exact literal. */
function preview(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value instanceof JsonNumber) return value.literal.length > 40 ? `${value.literal.slice(0, 37)}...` : value.literal;
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (v instanceof JsonNumber ? v.literal : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `rejectField` of `@tickgate/core` with this file's `preview` (JSON numbers as their literals). */
function invalidField(sink: ParseSink, field: string, what: string, value: unknown, raw: string, instrument?: string, tradeId?: string): void {
  rejectFrame(sink, 'invalid-field', `${field}: ${what} (got ${preview(value)})`, raw, instrument, tradeId);
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/** `BTC/USD` → `BTC-USD`: Kraken v2 symbols are `BASE/QUOTE` with the common asset names. */
export function instrumentOfSymbol(symbol: string): string {
  return symbol.replace('/', '-');
}

/** `BTC-USD` → `BTC/USD`. */
export function symbolOfInstrument(instrument: string): string {
  return instrument.replace('-', '/');
}

/**
 * Canonical decimal for a price or quantity given as a JSON number (its exact literal, exponents
 * converted with string operations) or as a decimal string; `undefined` for anything else.
 */
export function exactDecimalOf(value: JsonValue | undefined): string | undefined {
  if (value instanceof JsonNumber) {
    const plain = plainDecimalOf(value.literal);
    return plain === undefined ? undefined : canonicalDecimalOrUndefined(plain);
  }
  return decimalTextOf(value);
}

/** The trade id text for a non-negative integer JSON number (any size: ids are compared as BigInt). */
export function integerIdOf(value: JsonValue | undefined): string | undefined {
  if (!(value instanceof JsonNumber)) return undefined;
  const s = value.literal;
  return isIntegerText(s, 20) ? s : undefined;
}

/** RFC 3339 times (the `timestamp` field) to exact microseconds: shared with Coinbase, see `@tickgate/core`. */
export { rfc3339ToMicros } from '@tickgate/core';

/** Read one element of a `trade` message's `data`: one trade or one rejection. */
export function parseTrade(d: JsonValue | undefined, index: number, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const at = `data[${index}]`;
  if (!isObject(d)) {
    invalidField(sink, at, 'trade is not an object', d, raw);
    return;
  }
  const t = d as JsonObject;
  const symbol = t['symbol'];
  const tradeId = integerIdOf(t['trade_id']);
  if (typeof symbol !== 'string') {
    invalidField(sink, `${at}.symbol`, 'symbol is not a string', symbol, raw, undefined, tradeId);
    return;
  }
  const info = instruments.bySymbol(symbol);
  if (info === undefined) {
    rejectFrame(sink, 'unknown-instrument', `${at}.symbol: symbol ${preview(symbol)} is not one of this feed's instruments`, raw, undefined, tradeId);
    return;
  }
  const instrument = info.instrument;
  if (tradeId === undefined) {
    invalidField(sink, `${at}.trade_id`, 'trade id is not a non-negative integer number', t['trade_id'], raw, instrument);
    return;
  }
  const price = exactDecimalOf(t['price']);
  if (price === undefined) {
    invalidField(sink, `${at}.price`, 'price is not a positive number within the schema digits', t['price'], raw, instrument, tradeId);
    return;
  }
  const quantity = exactDecimalOf(t['qty']);
  if (quantity === undefined) {
    invalidField(sink, `${at}.qty`, 'qty is not a positive number within the schema digits', t['qty'], raw, instrument, tradeId);
    return;
  }
  const tradeTime = rfc3339ToMicros(t['timestamp']);
  if (tradeTime === undefined) {
    invalidField(sink, `${at}.timestamp`, 'timestamp is not a plausible RFC 3339 time', t['timestamp'], raw, instrument, tradeId);
    return;
  }
  const side = takerSideText(t['side']);
  if (side === undefined) {
    invalidField(sink, `${at}.side`, 'side is not "buy" or "sell"', t['side'], raw, instrument, tradeId);
    return;
  }
  sink.trade(wsTrade(KRAKEN_VENUE, info, tradeId, price, quantity, side, tradeTime, receiveTimeUs));
}

function requestIdOf(value: JsonValue | undefined): number | string | undefined {
  if (value instanceof JsonNumber) {
    const n = Number(value.literal);
    return Number.isSafeInteger(n) ? n : value.literal;
  }
  return typeof value === 'string' ? value : undefined;
}

function parseMethod(msg: JsonObject, method: string, raw: string, sink: ParseSink): void {
  const requestId = requestIdOf(msg['req_id']);
  if (method === 'pong') {
    sink.control({ type: 'pong' });
    return;
  }
  if (method !== 'subscribe' && method !== 'unsubscribe') {
    rejectFrame(sink, 'unknown-message', `unknown method ${preview(method)}`, raw);
    return;
  }
  const success = msg['success'];
  if (success === false) {
    const error = msg['error'];
    const event: { type: 'error'; message: string; requestId?: number | string } = {
      type: 'error',
      message: `${method}: ${typeof error === 'string' ? error : `failed without a message (got ${preview(error)})`}`,
    };
    if (requestId !== undefined) event.requestId = requestId;
    sink.control(event);
    return;
  }
  if (success !== true) {
    invalidField(sink, 'success', 'not a boolean', success, raw);
    return;
  }
  if (method === 'unsubscribe') {
    sink.control({ type: 'ignored', what: 'unsubscribed' });
    return;
  }
  const result = msg['result'];
  const event: { type: 'subscribed'; requestId?: number | string; detail?: string } = { type: 'subscribed' };
  if (requestId !== undefined) event.requestId = requestId;
  if (isObject(result) && typeof result['symbol'] === 'string') event.detail = `${typeof result['channel'] === 'string' ? result['channel'] : '?'}:${result['symbol']}`;
  sink.control(event);
}

/**
 * Parse one raw text frame of a Kraken v2 connection. Never throws: anything unreadable goes to
 * `sink.reject` with a stable reason. A `trade` frame may yield several trades and rejections.
 */
export function parseFrame(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  let msg: JsonValue;
  try {
    msg = parseJsonExact(raw);
  } catch {
    rejectFrame(sink, 'malformed-json', 'frame is not JSON', raw);
    return;
  }
  if (!isObject(msg)) {
    rejectFrame(sink, 'unknown-message', 'frame is not a JSON object', raw);
    return;
  }
  const channel = msg['channel'];
  if (channel === 'trade') {
    const type = msg['type'];
    if (type !== 'snapshot' && type !== 'update') {
      invalidField(sink, 'type', 'trade message type is not "snapshot" or "update"', type, raw);
      return;
    }
    const data = msg['data'];
    if (!Array.isArray(data)) {
      invalidField(sink, 'data', 'trades are not an array', data, raw);
      return;
    }
    for (let i = 0; i < data.length; i++) parseTrade(data[i], i, raw, receiveTimeUs, sink, instruments);
    return;
  }
  if (channel === 'heartbeat') {
    sink.control({ type: 'heartbeat' });
    return;
  }
  if (channel === 'status') {
    sink.control({ type: 'ignored', what: 'status' });
    return;
  }
  if (channel !== undefined) {
    // Other documented channels (book, ticker, ohlc, …) are not subscribed by this adapter.
    rejectFrame(sink, 'unknown-message', `unknown channel ${preview(channel)}`, raw);
    return;
  }
  const method = msg['method'];
  if (typeof method === 'string') {
    parseMethod(msg, method, raw, sink);
    return;
  }
  rejectFrame(sink, 'unknown-message', 'neither a channel message nor a method answer', raw);
}

/** A `FrameParser` for one connection carrying `instruments` (symbols are v2 `BTC/USD` names). */
export function createParser(instruments: InstrumentMap): FrameParser {
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments);
}
