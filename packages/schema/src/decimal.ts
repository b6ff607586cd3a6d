import { Decimal } from 'decimal.js';
import { InvalidDecimalError, type DecimalRejection } from './errors.js';

/** At most this many digits before the point, after canonicalization. */
export const MAX_INTEGER_DIGITS = 24;
/** At most this many digits after the point, after canonicalization. */
export const MAX_FRACTION_DIGITS = 24;

const ZERO = 48;
const NINE = 57;
const DOT = 46;

/**
 * Canonical form of a plain positive decimal, with string operations only (no float, no Decimal):
 * `"97123.45000000"` → `"97123.45"`, `"100.00000000"` → `"100"`, `"0.00100000"` → `"0.001"`.
 * Returns `undefined` for anything else; `explainDecimal` says why. This is the hot-path form.
 */
export function canonicalDecimalOrUndefined(text: string): string | undefined {
  const n = text.length;
  if (n === 0) return undefined;
  let dot = -1;
  let firstNonZero = -1; // first non-zero digit of the integer part
  let lastNonZeroFrac = -1; // last non-zero digit of the fraction
  let anyNonZero = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (c !== ZERO) {
        anyNonZero = true;
        if (dot < 0) {
          if (firstNonZero < 0) firstNonZero = i;
        } else {
          lastNonZeroFrac = i;
        }
      }
    } else if (c === DOT && dot < 0 && i > 0 && i < n - 1) {
      dot = i;
    } else {
      return undefined;
    }
  }
  if (!anyNonZero) return undefined;
  const intEnd = dot < 0 ? n : dot;
  const intStart = firstNonZero < 0 ? intEnd - 1 : firstNonZero; // keep one "0" for 0.xxx
  if (intEnd - intStart > MAX_INTEGER_DIGITS) return undefined;
  if (lastNonZeroFrac < 0) {
    return intStart === 0 && intEnd === n ? text : text.slice(intStart, intEnd);
  }
  if (lastNonZeroFrac - dot > MAX_FRACTION_DIGITS) return undefined;
  return intStart === 0 && lastNonZeroFrac === n - 1 ? text : text.slice(intStart, lastNonZeroFrac + 1);
}

/** Why `text` is not a plain positive decimal, or `undefined` when it is one. */
export function explainDecimal(text: unknown): DecimalRejection | undefined {
  if (typeof text !== 'string') return 'not a string';
  if (text.length === 0) return 'empty';
  if (text.trim() !== text) return 'leading or trailing space';
  if (/^[+-]/.test(text)) return 'sign not allowed';
  if (/^(nan|[+-]?infinity)$/i.test(text)) return 'not a number';
  if (/^[0-9.]*[eE]/.test(text)) return 'exponent not allowed';
  if (text.startsWith('.')) return 'leading decimal point';
  if (/^[0-9]+\.$/.test(text)) return 'trailing decimal point';
  if (/^[0-9.]+$/.test(text) && text.indexOf('.') !== text.lastIndexOf('.')) return 'more than one decimal point';
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) return 'unexpected character';
  if (!/[1-9]/.test(text)) return 'zero';
  if (canonicalDecimalOrUndefined(text) === undefined) return 'too many digits';
  return undefined;
}

/**
 * Canonical form of a plain positive decimal given as text. Throws `InvalidDecimalError` naming the
 * reason for anything else: exponents, signs, NaN, empty text, spaces, a leading or trailing `.`,
 * zero, more digits than tickgate carries, and values that are not strings (JSON numbers).
 */
export function canonicalDecimal(text: unknown): string {
  if (typeof text === 'string') {
    const canonical = canonicalDecimalOrUndefined(text);
    if (canonical !== undefined) return canonical;
  }
  throw new InvalidDecimalError(text, explainDecimal(text) ?? 'unexpected character');
}

/** True when `text` is already a canonical plain positive decimal. */
export function isCanonicalDecimal(text: unknown): text is string {
  return typeof text === 'string' && canonicalDecimalOrUndefined(text) === text;
}

/**
 * decimal.js constructor for arithmetic on prices and quantities. Construction from a string is
 * always exact; the precision (significant digits) bounds the results of arithmetic.
 */
export const TickDecimal = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -64, toExpPos: 64 });
export type TickDecimal = Decimal;

/** An exact `Decimal` for a wire decimal string. */
export function toDecimal(text: string): Decimal {
  return new TickDecimal(canonicalDecimal(text));
}
