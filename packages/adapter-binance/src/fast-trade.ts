import { at, canonicalSpan, CLOSE_BRACE, decimalEnd, integerEnd, MAX_EXACT_DIGITS, smallIntegerEnd, ZERO, streamIsSymbol, symbolEnd } from './scan-kit.js';

/**
 * Byte-level reader of the one frame shape Binance sends for a trade, raw or combined:
 *
 *   {"e":"trade","E":<int>,"s":"<SYMBOL>","t":<int>,"p":"<decimal>","q":"<decimal>","T":<int>,"m":<bool>,"M":<bool>}
 *   {"stream":"<symbol>@trade","data":<the same payload>}
 *
 * exactly so: these keys in this order, no whitespace, nothing after the closing brace, and on a combined
 * frame a stream name that is the payload's symbol in lowercase. It checks the characters with
 * `charCodeAt` and `indexOf` and slices out the fields: no `JSON.parse`, no intermediate object.
 *
 * The contract is one-sided. `scanTradeFrame` accepts only text that is valid JSON and whose `JSON.parse`
 * would give exactly the fields it returns: strings only when made of characters JSON writes as
 * themselves (letters and digits in `s`, digits and one dot in `p`/`q`; never an escape), integers only
 * without sign, fraction, exponent or leading zero and below 9e15, where every double is exact. `p` and
 * `q` must also pass the rules of `canonicalDecimalOrUndefined` (applied here to the frame in place, to
 * spare a copy and a second pass; the property tests hold the two to the same answers). Anything else
 * returns `false`, and the caller reads the frame with `JSON.parse` as before, rejections included.
 * The symbol lookup and the time check are the caller's (`parseTradeFrameFast` in `parse.ts`), with the
 * functions the general path uses.
 */

/** Fields of an accepted `@trade` frame. */
export interface ScannedTradeFrame {
  /** `s`: uppercase letters and digits only. */
  symbol: string;
  /** `t` as written: digits without a leading zero, below 9e15, so equal to `safeIntegerText(t)`. */
  id: string;
  /** `p` and `q` in canonical form: `canonicalDecimalOrUndefined` of the strings in the frame. */
  price: string;
  quantity: string;
  /** `T`, an exact integer below 9e15 (neither its unit nor its plausibility checked yet). */
  time: number;
  /** `m`. */
  buyerIsMaker: boolean;
}

/** A scratch record for `scanTradeFrame`. */
export function scannedTradeFrame(): ScannedTradeFrame {
  return { symbol: '', id: '', price: '', quantity: '', time: 0, buyerIsMaker: false };
}

const RAW_HEAD = '{"e":"trade","E":';
const COMBINED_HEAD = '{"stream":"';
/** Where the event type's first letter is in a raw frame. */
const RAW_TYPE_AT = 6;
/** After the stream name's symbol part, up to the payload's `E` value. */
const COMBINED_MIDDLE = '@trade","data":{"e":"trade","E":';
const SYMBOL_KEY = ',"s":"';
const ID_KEY = '","t":';
const PRICE_KEY = ',"p":"';
const QUANTITY_KEY = '","q":"';
const TIME_KEY = '","T":';
const MAKER_KEY = ',"m":';
const IGNORE_KEY = ',"M":';

const LOWER_E = 101;
const LOWER_S = 115;
const LOWER_T = 116;

/**
 * Read `raw` if it is exactly a Binance `@trade` frame of the shape above, filling `out`. Returns `false`,
 * with `out` in an unspecified state, for anything else.
 */
export function scanTradeFrame(raw: string, out: ScannedTradeFrame): boolean {
  let i: number;
  let streamStart = -1;
  let streamLength = 0;
  const second = raw.charCodeAt(2);
  // `t` of `trade` checked first: other event types are declined without a search (see `at`).
  if (second === LOWER_E && raw.charCodeAt(RAW_TYPE_AT) === LOWER_T && at(raw, 0, RAW_HEAD)) {
    i = RAW_HEAD.length;
  } else if (second === LOWER_S && at(raw, 0, COMBINED_HEAD)) {
    // The stream name's characters are checked below, against the symbol.
    streamStart = COMBINED_HEAD.length;
    // The symbol holds no `@`: the first one must start the rest of the head.
    const j = raw.indexOf('@', streamStart);
    if (j < 0 || raw.charCodeAt(j + 1) !== LOWER_T || !at(raw, j, COMBINED_MIDDLE)) return false;
    streamLength = j - streamStart;
    i = j + COMBINED_MIDDLE.length;
  } else {
    return false;
  }

  // "E": an integer whose value is not used.
  i = integerEnd(raw, i);
  if (i < 0 || !at(raw, i, SYMBOL_KEY)) return false;

  // "s": uppercase letters and digits; on a combined frame, the stream name's symbol in uppercase.
  i += SYMBOL_KEY.length;
  const symbolStart = i;
  i = symbolEnd(raw, i);
  const symbolStop = i;
  const symbolLength = symbolStop - symbolStart;
  if (symbolLength === 0 || !at(raw, i, ID_KEY)) return false;
  if (streamStart >= 0 && !streamIsSymbol(raw, streamStart, streamLength, symbolStart, symbolLength)) return false;

  // "t": the trade id.
  i += ID_KEY.length;
  const idStart = i;
  i = smallIntegerEnd(raw, i);
  if (i < 0 || !at(raw, i, PRICE_KEY)) return false;
  const idEnd = i;

  // "p" and "q": canonical decimals.
  i = decimalEnd(raw, i + PRICE_KEY.length, false);
  if (i < 0 || !at(raw, i, QUANTITY_KEY)) return false;
  const priceStart = canonicalSpan.start;
  const priceEnd = canonicalSpan.end;
  i = decimalEnd(raw, i + QUANTITY_KEY.length, false);
  if (i < 0 || !at(raw, i, TIME_KEY)) return false;
  const quantityStart = canonicalSpan.start;
  const quantityEnd = canonicalSpan.end;

  // "T": the trade time, read digit by digit (exact below 9e15, see `MAX_EXACT_DIGITS`).
  i += TIME_KEY.length;
  const timeStart = i;
  let time = raw.charCodeAt(i) - ZERO;
  if (!(time >= 1 && time <= 9)) {
    if (time !== 0) return false;
    i++; // "0" alone: a digit after it fails the check of the next key
  } else {
    for (let d = raw.charCodeAt(++i) - ZERO; d >= 0 && d <= 9; d = raw.charCodeAt(++i) - ZERO) time = time * 10 + d;
    const digits = i - timeStart;
    if (digits > MAX_EXACT_DIGITS || (digits === MAX_EXACT_DIGITS && raw.charCodeAt(timeStart) > ZERO + 8)) return false;
  }
  if (!at(raw, i, MAKER_KEY)) return false;

  // "m", then "M" (its value is not used, but it must be a boolean for the frame to have this shape).
  i += MAKER_KEY.length;
  const buyerIsMaker = raw.charCodeAt(i) === LOWER_T;
  i = booleanEnd(raw, i);
  if (i < 0 || !at(raw, i, IGNORE_KEY)) return false;
  i = booleanEnd(raw, i + IGNORE_KEY.length);
  if (i < 0 || raw.charCodeAt(i) !== CLOSE_BRACE) return false;
  i++;
  if (streamStart >= 0) {
    if (raw.charCodeAt(i) !== CLOSE_BRACE) return false;
    i++;
  }
  if (i !== raw.length) return false;

  out.symbol = raw.slice(symbolStart, symbolStop);
  out.id = raw.slice(idStart, idEnd);
  out.price = raw.slice(priceStart, priceEnd);
  out.quantity = raw.slice(quantityStart, quantityEnd);
  out.time = time;
  out.buyerIsMaker = buyerIsMaker;
  return true;
}

/** End of the JSON literal `true` or `false` at `i`, or -1. */
function booleanEnd(raw: string, i: number): number {
  if (at(raw, i, 'true')) return i + 4;
  if (at(raw, i, 'false')) return i + 5;
  return -1;
}
