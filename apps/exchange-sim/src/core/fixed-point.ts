/**
 * Exact decimals as scaled integers (bigint), so that generated prices and quantities never pass
 * through a float. Every venue writes at most `SCALE_DIGITS` fraction digits.
 */
export const SCALE_DIGITS = 8;
const SCALE = 10n ** BigInt(SCALE_DIGITS);

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

/** Product of two unit amounts, truncated back to units of 10^-8. */
export function multiplyUnits(a: bigint, b: bigint): bigint {
  return (a * b) / SCALE;
}

/** Canonical form of a decimal string: no trailing fraction zeros, no trailing dot. */
export function canonical(decimal: string): string {
  if (!decimal.includes('.')) return decimal;
  return decimal.replace(/0+$/, '').replace(/\.$/, '');
}
