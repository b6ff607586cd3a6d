/**
 * Venue update ids (Binance `U`/`u`/`lastUpdateId`, OKX `seqId`/`prevSeqId`) as decimal integer strings.
 * They may exceed 2^53, so they are never turned into numbers: canonical strings (no sign, no leading
 * zeros) order by length, then character by character.
 */

/** At most as long as the wire's `updateId` (64 characters). */
const UPDATE_ID = /^(?:0|[1-9][0-9]{0,63})$/;

/** `text` is a canonical non-negative decimal integer of at most 64 digits (`"0"`, `"157"`, no `"007"`). */
export function isUpdateId(text: string): boolean {
  return UPDATE_ID.test(text);
}

/** Exact order of two canonical update ids: negative when `a < b`, 0 when equal, positive when `a > b`. */
export function compareUpdateIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a` + 1 of a canonical update id, as a canonical update id (string arithmetic). */
export function nextUpdateId(a: string): string {
  let i = a.length - 1;
  while (i >= 0 && a.charCodeAt(i) === 57 /* 9 */) i--;
  if (i < 0) return '1' + '0'.repeat(a.length);
  return a.slice(0, i) + String.fromCharCode(a.charCodeAt(i) + 1) + '0'.repeat(a.length - 1 - i);
}
