import { ClientError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(?:\d{1,9}(?:ms|s|m|h|d))+$/;
const PART = /(\d{1,9})(ms|s|m|h|d)/g;

/**
 * Milliseconds in a duration such as `'90s'`, `'10m'`, `'2h'`, `'1d'`, `'250ms'` or a sum of parts
 * (`'1h30m'`). Units: `ms`, `s`, `m`, `h`, `d`; whole numbers only. The result must be positive.
 * Throws `ClientError` `TICKGATE_CLIENT_BAD_OPTION` for anything else.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || !WHOLE.test(text)) {
    throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `invalid duration ${JSON.stringify(text)} (expected e.g. "90s", "10m", "2h", "1d", "1h30m")`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number.parseInt(amount as string, 10) * (UNIT_MS[unit as string] as number);
  }
  if (total <= 0 || !Number.isSafeInteger(total)) {
    throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `invalid duration ${JSON.stringify(text)} (must be positive)`);
  }
  return total;
}
