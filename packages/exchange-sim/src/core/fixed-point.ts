/**
 * Exact decimals as scaled integers (bigint, or a number while it is a safe integer), so that generated prices
 * and quantities are never rounded. Every venue writes at most `SCALE_DIGITS` fraction digits.
 */
export const SCALE_DIGITS = 8;
const SCALE = 10n ** BigInt(SCALE_DIGITS);
const SCALE_NUMBER = 10 ** SCALE_DIGITS;

/** Parse a plain decimal string (`"0.01"`, `"97000"`) into units of 10^-8. Throws on anything else. */
export function toUnits(decimal: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!match) throw new Error(`not a plain decimal: ${JSON.stringify(decimal)}`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > SCALE_DIGITS && /[1-9]/.test(fraction.slice(SCALE_DIGITS))) {
    throw new Error(`more than ${SCALE_DIGITS} fraction digits: ${decimal}`);
  }
  return BigInt(whole) * SCALE + BigInt(fraction.slice(0, SCALE_DIGITS).padEnd(SCALE_DIGITS, '0'));
}

/** Write units of 10^-8 with exactly `digits` fraction digits (Binance style: `"97123.45000000"`). */
export function formatUnits(units: bigint, digits = SCALE_DIGITS): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(SCALE_DIGITS, '0');
  const kept = fraction.slice(0, digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${kept}` : ''}`;
}

/**
 * `formatUnits` for an amount held in a number: the same string, without bigint arithmetic. `units` must be a
 * non-negative safe integer (`Number.isSafeInteger`), which every operation here keeps exact.
 */
export function formatSafeUnits(units: number): string {
  // The quotient is rounded, so its floor can be one too large (never too small); the remainder shows it.
  let whole = Math.floor(units / SCALE_NUMBER);
  let fraction = units - whole * SCALE_NUMBER;
  if (fraction < 0) {
    whole--;
    fraction += SCALE_NUMBER;
  }
  // fraction + 10^8 has exactly 9 digits; dropping the leading 1 pads the fraction to 8.
  return whole + '.' + String(fraction + SCALE_NUMBER).slice(1);
}

/** Product of two unit amounts, truncated back to units of 10^-8. */
export function multiplyUnits(a: bigint, b: bigint): bigint {
  return (a * b) / SCALE;
}

/** Canonical form of a decimal string: no trailing fraction zeros, no trailing dot. */
export function canonical(decimal: string): string {
  if (!decimal.includes('.')) return decimal;
  return decimal.replace(/0+$/, '').replace(/\.$/, '');
}
