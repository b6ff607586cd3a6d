import { MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS } from '@tickgate/schema';

/**
 * Character-level reads shared by the fast paths (`fast-trade.ts`, `fast-depth.ts`): literals, JSON
 * integers and plain decimals, checked with `charCodeAt` and `indexOf` on the raw frame, with no
 * allocation. Each read returns the index after what it read, or -1 when the text is not of that form.
 */

export const DOT = 46;
export const ZERO = 48;
export const NINE = 57;
export const UPPER_A = 65;
export const UPPER_Z = 90;
export const CLOSE_BRACE = 125;

/**
 * Most digits of an integer read exactly. With 16 digits the first must be 8 or less, so the value stays
 * below 9e15 < 2^53: every digit-by-digit step is then exact, and equal to what `JSON.parse` gives.
 */
export const MAX_EXACT_DIGITS = 16;

/**
 * True when `literal` is written in `raw` at `i` (`indexOf` compares in bulk, cheaper than a loop or
 * `startsWith` here). When it is not there, `indexOf` goes on searching the rest of `raw`: where another
 * frame type is likely, check a character first.
 */
export function at(raw: string, i: number, literal: string): boolean {
  return raw.indexOf(literal, i) === i;
}

/** End of the JSON integer (digits, no leading zero) starting at `i`, or -1. Any length. */
export function integerEnd(raw: string, i: number): number {
  const first = raw.charCodeAt(i);
  if (first === ZERO) return i + 1; // "0" alone: a digit after it fails the caller's next check
  if (!(first > ZERO && first <= NINE)) return -1;
  let j = i + 1;
  for (let c = raw.charCodeAt(j); c >= ZERO && c <= NINE; c = raw.charCodeAt(++j));
  return j;
}

/** End of the exact small integer starting at `i` (see `MAX_EXACT_DIGITS`), or -1. */
export function smallIntegerEnd(raw: string, i: number): number {
  const end = integerEnd(raw, i);
  const digits = end - i;
  return end < 0 || digits > MAX_EXACT_DIGITS || (digits === MAX_EXACT_DIGITS && raw.charCodeAt(i) > ZERO + 8) ? -1 : end;
}

/** Value of the digits `raw[start, end)` (an exact small integer found by `smallIntegerEnd`). */
export function integerValue(raw: string, start: number, end: number): number {
  let v = 0;
  for (let k = start; k < end; k++) v = v * 10 + (raw.charCodeAt(k) - ZERO);
  return v;
}

/** Bounds in the raw text of the canonical form found by the last `decimalEnd` (valid only when it returned >= 0). */
export const canonicalSpan = { start: 0, end: 0 };

/**
 * `canonicalDecimalOrUndefined` of the run of digits and dots starting at `i` (with `allowZero`,
 * `canonicalSizeOrUndefined`), computed in place: returns the end of the run and leaves the canonical
 * form's bounds in `canonicalSpan`, or returns -1 where that function gives `undefined`. The same rules,
 * in the same order: at least one digit, at most one dot and neither first nor last, then a zero is
 * `"0"` (sizes) or refused (prices); otherwise leading zeros of the integer part dropped (one kept before
 * the dot), trailing zeros of the fraction dropped (with the dot when nothing is left), then the
 * `MAX_INTEGER_DIGITS`/`MAX_FRACTION_DIGITS` limits.
 */
export function decimalEnd(raw: string, i: number, allowZero: boolean): number {
  let dot = -1;
  let firstNonZero = -1; // first non-zero digit of the integer part
  let lastNonZeroFraction = -1; // last non-zero digit of the fraction
  let j = i;
  for (;; j++) {
    const c = raw.charCodeAt(j);
    if (c > ZERO && c <= NINE) {
      if (dot < 0) {
        if (firstNonZero < 0) firstNonZero = j;
      } else {
        lastNonZeroFraction = j;
      }
    } else if (c === DOT) {
      if (dot >= 0 || j === i) return -1;
      dot = j;
    } else if (c !== ZERO) {
      break;
    }
  }
  if (j === i || dot === j - 1) return -1; // empty, or a dot last (text "5.")
  if (firstNonZero < 0 && lastNonZeroFraction < 0) {
    // Only zeros (and one inner dot): the first character is a "0".
    if (!allowZero) return -1;
    canonicalSpan.start = i;
    canonicalSpan.end = i + 1;
    return j;
  }
  const intEnd = dot < 0 ? j : dot;
  const start = firstNonZero < 0 ? intEnd - 1 : firstNonZero;
  if (intEnd - start > MAX_INTEGER_DIGITS) return -1;
  if (lastNonZeroFraction < 0) {
    canonicalSpan.end = intEnd;
  } else {
    if (lastNonZeroFraction - dot > MAX_FRACTION_DIGITS) return -1;
    canonicalSpan.end = lastNonZeroFraction + 1;
  }
  canonicalSpan.start = start;
  return j;
}

/** End of a run of uppercase letters and digits from `i` (a Binance symbol). */
export function symbolEnd(raw: string, i: number): number {
  for (let c = raw.charCodeAt(i); (c >= UPPER_A && c <= UPPER_Z) || (c >= ZERO && c <= NINE); c = raw.charCodeAt(++i));
  return i;
}

/**
 * Whether the combined frame's stream name (from `streamStart`, `streamLength` long) is the symbol at
 * `symbolStart` in lowercase. The symbol is uppercase letters and digits, so `| 32` lowercases a letter
 * and leaves a digit alone; the stream name must be exactly that (so it, too, holds nothing JSON would
 * escape).
 */
export function streamIsSymbol(raw: string, streamStart: number, streamLength: number, symbolStart: number, symbolLength: number): boolean {
  if (streamLength !== symbolLength) return false;
  for (let k = 0; k < symbolLength; k++) {
    if (raw.charCodeAt(streamStart + k) !== (raw.charCodeAt(symbolStart + k) | 32)) return false;
  }
  return true;
}
