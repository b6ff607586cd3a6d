import type { BookLevel } from '@tickgate/schema';
import { at, canonicalSpan, CLOSE_BRACE, decimalEnd, integerValue, smallIntegerEnd, streamIsSymbol, symbolEnd } from './scan-kit.js';

/**
 * Byte-level reader of the one frame shape Binance sends for a diff-depth update, raw or combined:
 *
 *   {"e":"depthUpdate","E":<int>,"s":"<SYMBOL>","U":<int>,"u":<int>,"b":[<levels>],"a":[<levels>]}
 *   {"stream":"<symbol>@depth@100ms","data":<the same payload>}   (or `<symbol>@depth`)
 *
 * where `<levels>` is nothing or `["<decimal>","<decimal>"]` rows separated by commas: exactly so, these
 * keys in this order, no whitespace, nothing after the closing brace, and on a combined frame a stream
 * name that is the payload's symbol in lowercase.
 *
 * The contract is the one of `fast-trade.ts`, one-sided: `scanDepthFrame` accepts only text that is valid
 * JSON and whose `JSON.parse` would give exactly the fields it returns. Strings are letters and digits
 * (`s`) or digits and one dot (prices and sizes), never an escape; integers have no sign, fraction,
 * exponent or leading zero and stay below 9e15, so they are exact and `String` of their value is their
 * text. Prices pass the rules of `canonicalDecimalOrUndefined` and sizes those of
 * `canonicalSizeOrUndefined` (zero is `"0"`), applied in place (`decimalEnd`). Anything else returns
 * `false`, and the caller reads the frame with `JSON.parse`, rejections included. The symbol lookup, the
 * `U <= u` check and the time check are the caller's (`parseDepthFrameFast` in `books.ts`).
 */

/** Fields of an accepted `depthUpdate` frame. */
export interface ScannedDepthFrame {
  /** `s`: uppercase letters and digits only. */
  symbol: string;
  /** `U` and `u` as written: digits without a leading zero, below 9e15. */
  firstUpdateId: string;
  updateId: string;
  /** `E`, an exact integer below 9e15 (neither its unit nor its plausibility checked yet). */
  time: number;
  /** `b` and `a` as canonical `[price, size]` levels, in the frame's order. */
  bids: BookLevel[];
  asks: BookLevel[];
}

/** A scratch record for `scanDepthFrame`. */
export function scannedDepthFrame(): ScannedDepthFrame {
  return { symbol: '', firstUpdateId: '', updateId: '', time: 0, bids: [], asks: [] };
}

const RAW_HEAD = '{"e":"depthUpdate","E":';
const COMBINED_HEAD = '{"stream":"';
/** Where the event type's first letter is in a raw frame. */
const RAW_TYPE_AT = 6;
/** After the stream name's symbol part (`@depth`, then `@100ms` or not), up to the payload's `E` value. */
const STREAM_DEPTH = '@depth';
const STREAM_100MS = '@100ms';
const COMBINED_MIDDLE = '","data":{"e":"depthUpdate","E":';
const SYMBOL_KEY = ',"s":"';
const FIRST_ID_KEY = '","U":';
const LAST_ID_KEY = ',"u":';
const BIDS_KEY = ',"b":[';
const ASKS_KEY = ',"a":[';

const QUOTE = 34;
const AT_SIGN = 64;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const LOWER_D = 100;
const LOWER_E = 101;
const LOWER_S = 115;

/** Read the levels from `i` (just after the list's `[`) into `into`; the index after the closing `]`, or -1. */
function levelsEnd(raw: string, i: number, into: BookLevel[]): number {
  if (raw.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    // ["<price>","<size>"]
    if (raw.charCodeAt(i) !== OPEN_BRACKET || raw.charCodeAt(i + 1) !== QUOTE) return -1;
    i = decimalEnd(raw, i + 2, false);
    if (i < 0 || raw.charCodeAt(i) !== QUOTE || raw.charCodeAt(i + 1) !== COMMA || raw.charCodeAt(i + 2) !== QUOTE) return -1;
    const priceStart = canonicalSpan.start;
    const priceEnd = canonicalSpan.end;
    i = decimalEnd(raw, i + 3, true);
    if (i < 0 || raw.charCodeAt(i) !== QUOTE || raw.charCodeAt(i + 1) !== CLOSE_BRACKET) return -1;
    into.push([raw.slice(priceStart, priceEnd), raw.slice(canonicalSpan.start, canonicalSpan.end)]);
    const c = raw.charCodeAt(i + 2);
    i += 3;
    if (c === CLOSE_BRACKET) return i;
    if (c !== COMMA) return -1;
  }
}

/**
 * Read `raw` if it is exactly a Binance `depthUpdate` frame of the shape above, filling `out` (its level
 * arrays are new ones on success). Returns `false`, with `out` in an unspecified state, for anything else.
 */
export function scanDepthFrame(raw: string, out: ScannedDepthFrame): boolean {
  let i: number;
  let streamStart = -1;
  let streamLength = 0;
  const second = raw.charCodeAt(2);
  // `d` of `depthUpdate` checked first: other event types are declined without a search (see `at`).
  if (second === LOWER_E && raw.charCodeAt(RAW_TYPE_AT) === LOWER_D && at(raw, 0, RAW_HEAD)) {
    i = RAW_HEAD.length;
  } else if (second === LOWER_S && at(raw, 0, COMBINED_HEAD)) {
    // The symbol holds no `@`: the first one must start `@depth`. Its characters are checked below.
    streamStart = COMBINED_HEAD.length;
    const j = raw.indexOf('@', streamStart);
    if (j < 0 || raw.charCodeAt(j + 1) !== LOWER_D || !at(raw, j, STREAM_DEPTH)) return false;
    streamLength = j - streamStart;
    i = j + STREAM_DEPTH.length;
    if (raw.charCodeAt(i) === AT_SIGN) {
      if (!at(raw, i, STREAM_100MS)) return false;
      i += STREAM_100MS.length;
    }
    if (!at(raw, i, COMBINED_MIDDLE)) return false;
    i += COMBINED_MIDDLE.length;
  } else {
    return false;
  }

  // "E": the event time, read digit by digit (exact below 9e15).
  const timeStart = i;
  i = smallIntegerEnd(raw, i);
  if (i < 0 || !at(raw, i, SYMBOL_KEY)) return false;
  const time = integerValue(raw, timeStart, i);

  // "s": uppercase letters and digits; on a combined frame, the stream name's symbol in lowercase.
  i += SYMBOL_KEY.length;
  const symbolStart = i;
  i = symbolEnd(raw, i);
  const symbolStop = i;
  const symbolLength = symbolStop - symbolStart;
  if (symbolLength === 0 || !at(raw, i, FIRST_ID_KEY)) return false;
  if (streamStart >= 0 && !streamIsSymbol(raw, streamStart, streamLength, symbolStart, symbolLength)) return false;

  // "U" and "u": the update ids.
  i += FIRST_ID_KEY.length;
  const firstStart = i;
  i = smallIntegerEnd(raw, i);
  if (i < 0 || !at(raw, i, LAST_ID_KEY)) return false;
  const firstEnd = i;
  i += LAST_ID_KEY.length;
  const lastStart = i;
  i = smallIntegerEnd(raw, i);
  if (i < 0 || !at(raw, i, BIDS_KEY)) return false;
  const lastEnd = i;

  // "b" and "a": the levels.
  const bids: BookLevel[] = [];
  i = levelsEnd(raw, i + BIDS_KEY.length, bids);
  if (i < 0 || !at(raw, i, ASKS_KEY)) return false;
  const asks: BookLevel[] = [];
  i = levelsEnd(raw, i + ASKS_KEY.length, asks);
  if (i < 0 || raw.charCodeAt(i) !== CLOSE_BRACE) return false;
  i++;
  if (streamStart >= 0) {
    if (raw.charCodeAt(i) !== CLOSE_BRACE) return false;
    i++;
  }
  if (i !== raw.length) return false;

  out.symbol = raw.slice(symbolStart, symbolStop);
  out.firstUpdateId = raw.slice(firstStart, firstEnd);
  out.updateId = raw.slice(lastStart, lastEnd);
  out.time = time;
  out.bids = bids;
  out.asks = asks;
  return true;
}
