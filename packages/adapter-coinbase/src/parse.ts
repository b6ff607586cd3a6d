import type { ControlEvent, FrameParser, InstrumentMap, ParseSink, RejectionReason } from '@tickgate/core';
import { canonicalDecimalOrUndefined, MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';

/**
 * Pure parsing of Coinbase Exchange `matches` + `heartbeat` frames into tickgate events.
 *
 * - `match` and `last_match` are trades. `last_match` is the product's last trade before the
 *   subscription: it is published like any trade (the sequencer drops it when already seen).
 * - `side` on the wire is the MAKER's side; the published side is the taker's, so it is inverted.
 * - `time` is RFC 3339 with microseconds; it is read digit by digit (a `Date` keeps only milliseconds).
 * - `heartbeat` → `heartbeat` control with the product's `last_trade_id`; `subscriptions` →
 *   `subscribed`; `error` → `error`. Other documented channels are `ignored`; anything else is rejected.
 *
 * Hot path: one `JSON.parse`, `typeof` checks, string canonicalization; no decimal.js, zod or regexes.
 */

/** The venue id used in subjects and on every trade. */
export const COINBASE_VENUE = 'coinbase';

/** Longest start of a raw frame kept in a rejection. */
export const RAW_PREVIEW_CHARS = 200;

/** Message types of other Coinbase channels: known, but nothing for this feed. */
const IGNORED_TYPES: ReadonlySet<string> = new Set(['ticker', 'snapshot', 'l2update', 'received', 'open', 'done', 'change', 'activate', 'status', 'unsubscribe']);

type JsonObject = { readonly [key: string]: unknown };

function head(raw: string): string {
  return raw.length > RAW_PREVIEW_CHARS ? raw.slice(0, RAW_PREVIEW_CHARS) : raw;
}

function preview(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
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

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of `len` ASCII digits of `s` from `at`, or -1 when any is not a digit. */
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
 * Microseconds since the Unix epoch for an RFC 3339 time (`2014-11-07T08:19:27.028459Z`, an offset
 * `+01:00` also accepted), exact to the microsecond: the fraction's first six digits are added as
 * integers (digits beyond the sixth are truncated). `undefined` for anything else, for impossible
 * dates (`02-30`, leap seconds) and for times outside `MIN_TIME_US`..`MAX_TIME_US`.
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
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const us = ms * 1000 + micros;
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

/** The venue trade id as a string, when `value` is a non-negative safe integer. */
function tradeIdOf(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
}

/**
 * The taker's side for a Coinbase maker side: a maker `sell` means the taker bought. `undefined` for
 * anything but `buy`/`sell`.
 */
export function takerSideOf(makerSide: unknown): 'buy' | 'sell' | undefined {
  return makerSide === 'sell' ? 'buy' : makerSide === 'buy' ? 'sell' : undefined;
}

/**
 * Read one `match` / `last_match` message: emits one trade or one rejection carrying the instrument
 * and trade id whenever those could be read (the sequencer then treats the id as a gap).
 */
export function parseMatch(d: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const productId = d['product_id'];
  const tradeId = tradeIdOf(d['trade_id']);
  if (typeof productId !== 'string') {
    invalidField(sink, 'product_id', 'product id is not a string', productId, raw, undefined, tradeId);
    return;
  }
  const info = instruments.bySymbol(productId);
  if (info === undefined) {
    reject(sink, 'unknown-instrument', `product_id: product ${preview(productId)} is not one of this feed's instruments`, raw, undefined, tradeId);
    return;
  }
  const instrument = info.instrument;
  if (tradeId === undefined) {
    invalidField(sink, 'trade_id', 'trade id is not a non-negative integer', d['trade_id'], raw, instrument);
    return;
  }
  const p = d['price'];
  const price = typeof p === 'string' ? canonicalDecimalOrUndefined(p) : undefined;
  if (price === undefined) {
    invalidField(sink, 'price', 'price is not a plain positive decimal string within the schema digits', p, raw, instrument, tradeId);
    return;
  }
  const q = d['size'];
  const quantity = typeof q === 'string' ? canonicalDecimalOrUndefined(q) : undefined;
  if (quantity === undefined) {
    invalidField(sink, 'size', 'size is not a plain positive decimal string within the schema digits', q, raw, instrument, tradeId);
    return;
  }
  const tradeTime = rfc3339ToMicros(d['time']);
  if (tradeTime === undefined) {
    invalidField(sink, 'time', 'time is not a plausible RFC 3339 time', d['time'], raw, instrument, tradeId);
    return;
  }
  const side = takerSideOf(d['side']);
  if (side === undefined) {
    invalidField(sink, 'side', 'maker side is not "buy" or "sell"', d['side'], raw, instrument, tradeId);
    return;
  }
  const trade: Trade = {
    v: 1,
    type: 'trade',
    venue: COINBASE_VENUE,
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

function parseHeartbeat(d: JsonObject, raw: string, sink: ParseSink, instruments: InstrumentMap): void {
  const productId = d['product_id'];
  if (typeof productId !== 'string') {
    invalidField(sink, 'product_id', 'product id is not a string', productId, raw);
    return;
  }
  const info = instruments.bySymbol(productId);
  if (info === undefined) {
    reject(sink, 'unknown-instrument', `product_id: product ${preview(productId)} is not one of this feed's instruments`, raw);
    return;
  }
  const rawLast = d['last_trade_id'];
  const lastTradeId = tradeIdOf(rawLast);
  if (rawLast !== undefined && lastTradeId === undefined) {
    invalidField(sink, 'last_trade_id', 'last trade id is not a non-negative integer', rawLast, raw, info.instrument);
    return;
  }
  // A product that has never traded may send 0 or leave the id out: still a heartbeat, without an id.
  const event: ControlEvent = lastTradeId === undefined || lastTradeId === '0' ? { type: 'heartbeat', instrument: info.instrument } : { type: 'heartbeat', instrument: info.instrument, lastTradeId };
  sink.control(event);
}

function describeSubscriptions(channels: unknown): string | undefined {
  if (!Array.isArray(channels)) return undefined;
  const parts: string[] = [];
  for (const c of channels as unknown[]) {
    if (typeof c === 'string') parts.push(c);
    else if (isObject(c) && typeof c['name'] === 'string') {
      const ids = c['product_ids'];
      parts.push(Array.isArray(ids) ? `${c['name']}:${ids.length}` : c['name']);
    }
  }
  return parts.join(',');
}

/**
 * Parse one raw text frame of a Coinbase Exchange connection. Never throws: anything unreadable goes
 * to `sink.reject` with a stable reason.
 */
export function parseFrame(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    reject(sink, 'malformed-json', 'frame is not JSON', raw);
    return;
  }
  if (!isObject(msg)) {
    reject(sink, 'unknown-message', 'frame is not a JSON object', raw);
    return;
  }
  const type = msg['type'];
  switch (type) {
    case 'match':
    case 'last_match':
      parseMatch(msg, raw, receiveTimeUs, sink, instruments);
      return;
    case 'heartbeat':
      parseHeartbeat(msg, raw, sink, instruments);
      return;
    case 'subscriptions': {
      const detail = describeSubscriptions(msg['channels']);
      sink.control(detail === undefined ? { type: 'subscribed' } : { type: 'subscribed', detail });
      return;
    }
    case 'error': {
      const message = msg['message'];
      const reason = msg['reason'];
      let text = typeof message === 'string' ? message : `error without a message (got ${preview(message)})`;
      if (typeof reason === 'string' && reason.length > 0) text += `: ${reason}`;
      sink.control({ type: 'error', message: text });
      return;
    }
    default:
      if (typeof type === 'string' && IGNORED_TYPES.has(type)) {
        sink.control({ type: 'ignored', what: type });
        return;
      }
      reject(sink, 'unknown-message', `unknown message type ${preview(type)}`, raw);
  }
}

/** A `FrameParser` for one connection carrying `instruments` (symbols are Coinbase product ids). */
export function createParser(instruments: InstrumentMap): FrameParser {
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments);
}
