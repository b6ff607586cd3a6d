import type { MalformedKind } from '../faults.js';

/**
 * Rendering helpers shared by the JSON venues: decimals of an increment, quiet JSON parsing, RFC 3339 µs
 * times, seeded UUID-like ids, and damaged frames for the `malformed` frame fault.
 */

/** Decimal digits of an increment (`"0.01"` → 2, `"1"` → 0). */
export function decimalsOf(increment: string): number {
  const dot = increment.indexOf('.');
  if (dot < 0) return 0;
  return increment.slice(dot + 1).replace(/0+$/, '').length;
}

/** Reject bad JSON-ish input quietly: parse text to an object, or undefined. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 3339 UTC time with exactly six fraction digits (µs): `2014-11-07T08:19:27.028459Z`. */
export function rfc3339Micros(timeUs: number): string {
  const ms = Math.floor(timeUs / 1000);
  const iso = new Date(ms).toISOString(); // 2014-11-07T08:19:27.028Z
  const micros = String(timeUs % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

/** A seeded UUID-like id (8-4-4-4-12 hex) from a number generator. */
export function uuidFrom(next: () => number): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += Math.floor(next() * 0x100000000).toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A damaged JSON frame standing in for a trade frame:
 * - `invalid-json`: the frame cut in half;
 * - `wrong-types`: the named fields with their JSON type flipped (numbers quoted, numeric strings unquoted);
 * - `missing-fields`: the `decimals` fields removed;
 * - `retyped-decimals`: only the `decimals` fields with their JSON type flipped (a venue's format change).
 */
export function malformJson(frame: string, kind: MalformedKind, fields: { ids: readonly string[]; decimals: readonly string[] }): string {
  switch (kind) {
    case 'invalid-json':
      return frame.slice(0, Math.max(1, Math.floor(frame.length / 2)));
    case 'wrong-types':
      return flipTypes(frame, [...fields.ids, ...fields.decimals]);
    case 'retyped-decimals':
      return flipTypes(frame, fields.decimals);
    case 'missing-fields': {
      let out = frame;
      for (const key of fields.decimals) {
        const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        out = out.replace(new RegExp(`,"${k}":(?:"[0-9.]+"|[0-9.]+)`, 'g'), '').replace(new RegExp(`"${k}":(?:"[0-9.]+"|[0-9.]+),`, 'g'), '');
      }
      return out;
    }
  }
}

/** `keys` with their JSON type flipped: numbers quoted, numeric strings unquoted. */
function flipTypes(frame: string, keys: readonly string[]): string {
  let out = frame;
  for (const key of keys) {
    const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`"${k}":(?:"([0-9.]+)"|([0-9.]+))`, 'g'), (_m, quoted: string | undefined, bare: string | undefined) =>
      quoted !== undefined ? `"${key}":${quoted}` : `"${key}":"${bare ?? ''}"`,
    );
  }
  return out;
}
