import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, isInstrumentId, MAX_TIME_US, MIN_TIME_US, type BookLevel, type Trade } from '@tickgate/schema';
import type { FeedChannel, InstrumentInfo, InstrumentMap, ParseSink } from './adapter.js';
import { ParseError, type RejectionReason } from './errors.js';

/**
 * Small helpers every venue adapter's parser uses: previews of raw frames and values for rejection
 * messages, the rejection itself, JSON object checks, the reads of a trade's fields that reject what they
 * cannot read, the trade itself, integer text and RFC 3339 times.
 *
 * They run per frame (or per trade of a frame): no closures, no regexes, no allocation beyond the
 * rejection object and the preview strings that go into it.
 */

/** A JSON object as read from the wire, before its fields are checked. */
export type JsonObject = { readonly [key: string]: unknown };

/** Longest start of a raw frame kept in a rejection (the `Rejection.raw` contract). */
export const RAW_PREVIEW_CHARS = 200;

/** Longest value preview in a stream rejection message. */
export const VALUE_PREVIEW_CHARS = 40;

/** The start of a raw frame as kept in a rejection: at most `RAW_PREVIEW_CHARS` characters. */
export function rawPreview(raw: string): string {
  return raw.length > RAW_PREVIEW_CHARS ? raw.slice(0, RAW_PREVIEW_CHARS) : raw;
}

/**
 * A short text of `value` for messages: `missing` for `undefined`, else its JSON (or `String(value)`
 * when it has none or cannot be serialized), cut to `maxChars` with a trailing `...`.
 */
export function valuePreview(value: unknown, maxChars: number = VALUE_PREVIEW_CHARS): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}

/**
 * Report one rejection to `sink`: `raw` is cut to its preview; `instrument` and `tradeId` are set only
 * when given (a rejection with a trade id is a gap for that id to the sequencer).
 */
export function rejectFrame(sink: ParseSink, reason: RejectionReason, message: string, raw: string, instrument?: string, tradeId?: string): void {
  const rejection: { reason: RejectionReason; message: string; raw: string; instrument?: string; tradeId?: string } = { reason, message, raw: rawPreview(raw) };
  if (instrument !== undefined) rejection.instrument = instrument;
  if (tradeId !== undefined) rejection.tradeId = tradeId;
  sink.reject(rejection);
}

/** Reject with `invalid-field` and the message `<field>: <what> (got <value preview>)`. */
export function rejectField(sink: ParseSink, field: string, what: string, value: unknown, raw: string, instrument?: string, tradeId?: string): void {
  rejectFrame(sink, 'invalid-field', `${field}: ${what} (got ${valuePreview(value)})`, raw, instrument, tradeId);
}

/** True for a JSON object (not `null`, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON object of a text frame, or `undefined` after rejecting it: `malformed-json` with `notJson`
 * when it is not JSON, `unknown-message` `frame is not a JSON object` when it is JSON of another kind.
 */
export function readJsonObjectFrame(raw: string, sink: ParseSink, notJson = 'frame is not JSON'): JsonObject | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    rejectFrame(sink, 'malformed-json', notJson, raw);
    return undefined;
  }
  if (!isJsonObject(msg)) {
    rejectFrame(sink, 'unknown-message', 'frame is not a JSON object', raw);
    return undefined;
  }
  return msg;
}

/** How the field naming a frame's instrument is spoken of in its rejections. */
export interface SymbolFieldWords {
  /** What a value that is not a string is, e.g. `symbol is not a string`. */
  readonly notString: string;
  /** The word before the value when the feed does not carry it, with its space (`symbol `), or `''`. */
  readonly noun: string;
}

const SYMBOL_WORDS: SymbolFieldWords = { notString: 'symbol is not a string', noun: 'symbol ' };

/**
 * The instrument of this feed that the venue symbol `value` (read from `field`) names, or `undefined`
 * after rejecting the frame: `invalid-field` `<field>: <notString> (got …)` when it is not a string,
 * `unknown-instrument` `<field>: <noun><value> is not one of this feed's instruments` when the feed does
 * not carry it. Both rejections carry `tradeId` when it could be read.
 */
export function instrumentOrReject(
  sink: ParseSink,
  instruments: InstrumentMap,
  field: string,
  value: unknown,
  raw: string,
  tradeId?: string,
  words: SymbolFieldWords = SYMBOL_WORDS,
): InstrumentInfo | undefined {
  if (typeof value !== 'string') {
    rejectField(sink, field, words.notString, value, raw, undefined, tradeId);
    return undefined;
  }
  const info = instruments.bySymbol(value);
  if (info === undefined) rejectFrame(sink, 'unknown-instrument', `${field}: ${words.noun}${valuePreview(value)} is not one of this feed's instruments`, raw, undefined, tradeId);
  return info;
}

/** The canonical decimal of a plain positive decimal string within the schema digits; `undefined` for anything else. */
export function decimalTextOf(value: unknown): string | undefined {
  return typeof value === 'string' ? canonicalDecimalOrUndefined(value) : undefined;
}

/**
 * `decimalTextOf(value)`, or `undefined` after rejecting the frame with `invalid-field`
 * `<field>: <noun> is not a plain positive decimal string within the schema digits (got …)`.
 */
export function decimalOrReject(sink: ParseSink, field: string, noun: string, value: unknown, raw: string, instrument: string, tradeId: string): string | undefined {
  const decimal = decimalTextOf(value);
  if (decimal === undefined) rejectField(sink, field, `${noun} is not a plain positive decimal string within the schema digits`, value, raw, instrument, tradeId);
  return decimal;
}

/** The side for a wire `buy`/`sell` that is already the taker's; `undefined` for anything else. */
export function takerSideText(value: unknown): Trade['side'] | undefined {
  return value === 'buy' || value === 'sell' ? value : undefined;
}

/** The trade a venue's stream parser emits for `info`, from fields it has checked. */
export function wsTrade(venue: string, info: InstrumentInfo, id: string, price: string, quantity: string, side: Trade['side'], tradeTime: number, receiveTimeUs: number): Trade {
  return {
    v: 1,
    type: 'trade',
    venue,
    instrument: info.instrument,
    symbol: info.symbol,
    id,
    price,
    quantity,
    side,
    tradeTime,
    receiveTime: receiveTimeUs,
    source: 'ws',
  };
}

/** True when `text` is 1..`maxDigits` ASCII digits without a leading zero (`"0"` itself is accepted). */
export function isIntegerText(text: string, maxDigits: number): boolean {
  const n = text.length;
  if (n === 0 || n > maxDigits || (n > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Longest value preview in a REST error message. */
export const REST_VALUE_PREVIEW_CHARS = 60;

/** A `ParseError` `invalid-field` for a REST body: `<path>: <what> (got <value preview>)`. */
export function invalidFieldError(path: string, what: string, value: unknown): ParseError {
  return new ParseError('invalid-field', `${path}: ${what} (got ${valuePreview(value, REST_VALUE_PREVIEW_CHARS)})`);
}

/** The JSON value of a REST body, or a thrown `ParseError` `malformed-json` naming `endpoint` and the body's start. */
export function parseRestJson(body: string, endpoint: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ParseError('malformed-json', `${endpoint}: body is not JSON (${valuePreview(body.slice(0, REST_VALUE_PREVIEW_CHARS), REST_VALUE_PREVIEW_CHARS)})`);
  }
}

/** The canonical decimal in `obj[key]` (a plain positive decimal string), or a thrown `invalidFieldError`. */
export function requireDecimalField(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  const decimal = decimalTextOf(value);
  if (decimal === undefined) throw invalidFieldError(`${path}.${key}`, 'not a plain positive decimal string', value);
  return decimal;
}

/** The non-empty string in `obj[key]`, or a thrown `invalidFieldError`. */
export function requireStringField(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.length === 0) throw invalidFieldError(`${path}.${key}`, 'not a non-empty string', value);
  return value;
}

/** Where a venue's REST instrument object names itself, and how its rejections speak of it. */
export interface RestInstrumentFields {
  /** What the object is (`product`), for `<path>: <what> is not an object`. */
  readonly what: string;
  /** Keys of the venue symbol and of the base and quote names. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** What base and quote are (`currencies`), for `<path>.<base>: <parts> do not form a BASE-QUOTE instrument id`. */
  readonly parts: string;
}

/** An `InstrumentInfo` being read, its optional fields still to be set. */
export type InstrumentInfoDraft = { -readonly [K in keyof InstrumentInfo]: InstrumentInfo[K] };

/**
 * The names of a REST instrument object `value` at `path`: its symbol, base and quote (non-empty strings)
 * and the `BASE-QUOTE` instrument id they form, with the object itself for the venue's other fields.
 * Throws `invalidFieldError` for anything else.
 */
export function readRestInstrument(value: unknown, path: string, fields: RestInstrumentFields): { object: JsonObject; info: InstrumentInfoDraft } {
  if (!isJsonObject(value)) throw invalidFieldError(path, `${fields.what} is not an object`, value);
  const symbol = requireStringField(value, fields.symbol, path);
  const base = requireStringField(value, fields.base, path);
  const quote = requireStringField(value, fields.quote, path);
  const instrument = `${base}-${quote}`;
  if (!isInstrumentId(instrument)) throw invalidFieldError(`${path}.${fields.base}`, `${fields.parts} do not form a BASE-QUOTE instrument id`, instrument);
  return { object: value, info: { instrument, symbol, base, quote } };
}

/** The instruments of `found` (by venue symbol) for the asked `symbols`, in their order; unknown ones left out. */
export function inAskedOrder(symbols: readonly string[], found: ReadonlyMap<string, InstrumentInfo>): InstrumentInfo[] {
  return symbols.flatMap((s) => {
    const info = found.get(s);
    return info === undefined ? [] : [info];
  });
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of `len` ASCII digits of `s` from `at`, or -1 when any is not a digit (or is past the end). */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Microseconds since the Unix epoch for an RFC 3339 time (`2014-11-07T08:19:27.028459Z`; `t` or a space
 * for `T`, `z` for `Z`, or an offset `+01:00`), exact to the microsecond: the fraction's first six digits
 * are added as integers (digits beyond the sixth are truncated; a `Date` would keep only milliseconds).
 * `undefined` for anything else, for impossible dates (`02-30`, `02-29` outside leap years, leap seconds)
 * and for times outside `MIN_TIME_US`..`MAX_TIME_US`.
 */
export function rfc3339ToMicros(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value;
  const n = s.length;
  if (n < 20) return undefined;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
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
    const oh = digitsAt(s, i + 1, 2);
    const om = digitsAt(s, i + 4, 2);
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

/**
 * The levels of a venue book message, `[[price, size, …], …]` with decimal strings (extra elements such
 * as OKX's order counts are ignored), as canonical `[price, size]` (`"0.00000000"` → `"0"`), in the
 * venue's order. A string says what is wrong instead (`3: size is not a plain decimal (got "-1")`);
 * `allowZero: false` refuses size 0 (snapshots).
 */
export function bookLevelsOf(value: unknown, allowZero: boolean): BookLevel[] | string {
  if (!Array.isArray(value)) return `not an array of levels (got ${valuePreview(value)})`;
  const levels: BookLevel[] = new Array<BookLevel>(value.length);
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row) || row.length < 2) return `${i}: not a [price, size] level (got ${valuePreview(row)})`;
    const p: unknown = row[0];
    const q: unknown = row[1];
    const price = typeof p === 'string' ? canonicalDecimalOrUndefined(p) : undefined;
    if (price === undefined) return `${i}: price is not a plain positive decimal string (got ${valuePreview(p)})`;
    const size = typeof q === 'string' ? canonicalSizeOrUndefined(q) : undefined;
    if (size === undefined || (!allowZero && size === '0')) return `${i}: size is not a plain ${allowZero ? '' : 'positive '}decimal string (got ${valuePreview(q)})`;
    levels[i] = [price, size];
  }
  return levels;
}

/** A venue update id (a non-negative safe integer in JSON, or integer text) as canonical integer text; `undefined` otherwise. */
export function updateIdTextOf(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value === 'string') return isIntegerText(value, 30) ? value : undefined;
  return undefined;
}

/**
 * Report an unreadable field of a book or top-of-book frame: like `rejectField`, with the `channel`, so
 * that the trade sequencer of the instrument does not take it for a lost trade (the book's own id rule
 * finds what went missing).
 */
export function rejectChannelField(sink: ParseSink, channel: Exclude<FeedChannel, 'trades'>, field: string, what: string, value: unknown, raw: string, instrument: string): void {
  sink.reject({ reason: 'invalid-field', message: `${field}: ${what} (got ${valuePreview(value)})`, raw: rawPreview(raw), instrument, channel });
}
