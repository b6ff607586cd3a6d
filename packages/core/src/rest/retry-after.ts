/**
 * Seconds to wait from a `Retry-After` header value: delay-seconds (`"120"`, also accepted with a
 * fraction: `"0.5"`) or an HTTP date, relative to `nowMs`. `undefined` when absent or unreadable;
 * never negative.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return undefined; // an HTTP date names its month
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - nowMs) / 1000);
}
