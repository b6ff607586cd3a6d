import type { FrameParser, InstrumentMap, ParseSink, RejectionReason } from '@tickgate/core';
import { canonicalDecimalOrUndefined, MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';
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

/** Longest start of a raw frame kept in a rejection. */
export const RAW_PREVIEW_CHARS = 200;

type JsonObject = { readonly [key: string]: JsonValue | undefined };

function head(raw: string): string {
  return raw.length > RAW_PREVIEW_CHARS ? raw.slice(0, RAW_PREVIEW_CHARS) : raw;
}

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

function reject(sink: ParseSink, reason: RejectionReason, message: string, raw: string, instrument?: string, tradeId?: string): void {
  const rejection: { reason: RejectionReason; message: string; raw: string; instrument?: string; tradeId?: string } = { reason, message, raw: head(raw) };
  if (instrument !== undefined) rejection.instrument = instrument;
  if (tradeId !== undefined) rejection.tradeId = tradeId;
  sink.reject(rejection);
}

function invalidField(sink: ParseSink, field: string, what: string, value: unknown, raw: string, instrument?: string, tradeId?: string): void {
  reject(sink, 'invalid-field', `${field}: ${what} (got ${preview(value)})`, raw, instrument, tradeId);
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
  return typeof value === 'string' ? canonicalDecimalOrUndefined(value) : undefined;
}

/** The trade id text for a non-negative integer JSON number (any size: ids are compared as BigInt). */
export function integerIdOf(value: JsonValue | undefined): string | undefined {
  if (!(value instanceof JsonNumber)) return undefined;
  const s = value.literal;
  if (s.length === 0 || s.length > 20 || (s.length > 1 && s.charCodeAt(0) === 48)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return s;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Microseconds since the Unix epoch for an RFC 3339 time (`2023-09-25T07:48:36.925533Z`, offsets
 * accepted), exact to the microsecond (digits beyond the sixth are truncated). `undefined` for anything
 * else, impossible dates, leap seconds and times outside `MIN_TIME_US`..`MAX_TIME_US`.
 */
export function rfc3339ToMicros(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value;
  const n = s.length;
  if (n < 20) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const t = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (t !== 84 && t !== 116 && t !== 32) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  let i = 19;
  let micros = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 6) micros = micros * 10 + c;
      i++;
    }
    const count = i - start;
    if (count === 0) return undefined;
    for (let k = count; k < 6; k++) micros *= 10;
  }
  let offsetMinutes = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    i++;
  } else if (z === 43 || z === 45) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (s.charCodeAt(i + 3) !== 58 || oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetMinutes = (z === 43 ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return undefined;
  }
  if (i !== n) return undefined;
  const us = (Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000) * 1000 + micros;
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

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
    reject(sink, 'unknown-instrument', `${at}.symbol: symbol ${preview(symbol)} is not one of this feed's instruments`, raw, undefined, tradeId);
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
  const side = t['side'];
  if (side !== 'buy' && side !== 'sell') {
    invalidField(sink, `${at}.side`, 'side is not "buy" or "sell"', side, raw, instrument, tradeId);
    return;
  }
  const trade: Trade = {
    v: 1,
    type: 'trade',
    venue: KRAKEN_VENUE,
    instrument,
    symbol: info.symbol,
    id: tradeId,
    price,
    quantity,
    side,
    tradeTime,
    receiveTime: receiveTimeUs,
    source: 'ws',
  };
  sink.trade(trade);
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
    reject(sink, 'unknown-message', `unknown method ${preview(method)}`, raw);
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
    reject(sink, 'malformed-json', 'frame is not JSON', raw);
    return;
  }
  if (!isObject(msg)) {
    reject(sink, 'unknown-message', 'frame is not a JSON object', raw);
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
    reject(sink, 'unknown-message', `unknown channel ${preview(channel)}`, raw);
    return;
  }
  const method = msg['method'];
  if (typeof method === 'string') {
    parseMethod(msg, method, raw, sink);
    return;
  }
  reject(sink, 'unknown-message', 'neither a channel message nor a method answer', raw);
}

/** A `FrameParser` for one connection carrying `instruments` (symbols are v2 `BTC/USD` names). */
export function createParser(instruments: InstrumentMap): FrameParser {
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments);
}
