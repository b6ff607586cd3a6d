import type { RejectionReason } from '@tickgate/core';
import { canonicalDecimalOrUndefined } from '@tickgate/schema';
import type { ExpectedTrade, TradeFixture } from './types.js';

/** A bad frame every adapter must reject (no trade), with the reasons it may give. */
export interface GenericBadFrame {
  readonly name: string;
  readonly frame: string;
  readonly reasons: readonly RejectionReason[];
}

const NOT_JSON: readonly string[] = ['', ' ', 'not json', '{', '{"a":', '[1,2', 'undefined', "{'single':'quotes'}", '\u0000', '{"a":1}}'];
const NOT_A_MESSAGE: readonly string[] = ['{}', '[]', 'null', '42', '"text"', 'true', '{"hello":"world"}', '[{"x":1}]', '{"tickgate":"no-such-message","data":[]}'];

/** Frames no venue sends: text that is not JSON, and JSON that is no message of any venue. */
export function genericBadFrames(): GenericBadFrame[] {
  return [
    ...NOT_JSON.map((frame) => ({ name: `not JSON: ${JSON.stringify(frame)}`, frame, reasons: ['malformed-json'] as const })),
    ...NOT_A_MESSAGE.map((frame) => ({ name: `JSON but no message: ${frame}`, frame, reasons: ['unknown-message', 'invalid-field'] as const })),
  ];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** Paths of every leaf (string, number, boolean, null) of a JSON value. */
export function leafPaths(value: Json, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return [path];
}

/** Paths of every node except the root. */
export function nodePaths(value: Json, path: Path = []): Path[] {
  const here = path.length > 0 ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => nodePaths(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => nodePaths(v, [...path, k]))];
  return here;
}

export function getAt(value: Json, path: Path): Json | undefined {
  let node: Json | undefined = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[key as number] : node[key as string];
  }
  return node;
}

/** A copy of `value` with the node at `path` replaced (or deleted when `replacement` is undefined). */
export function setAt(value: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [key, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const child = copy[key as number];
    if (child === undefined) return value;
    if (rest.length === 0 && replacement === undefined) copy.splice(key as number, 1);
    else copy[key as number] = setAt(child, rest, replacement);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy = { ...value };
    const child = copy[key as string];
    if (child === undefined) return value;
    if (rest.length === 0 && replacement === undefined) delete copy[key as string];
    else copy[key as string] = setAt(child, rest, replacement);
    return copy;
  }
  return value;
}

type Field = 'id' | 'price' | 'quantity' | 'tradeTime';

function carries(field: Field, leaf: Json | undefined, expect: ExpectedTrade): boolean {
  const wanted = expect[field];
  if (wanted === undefined || leaf === undefined || leaf === null || typeof leaf === 'boolean') return false;
  if (typeof leaf === 'object') return false;
  switch (field) {
    case 'id':
      return String(leaf) === wanted;
    case 'price':
    case 'quantity':
      return canonicalDecimalOrUndefined(String(leaf)) === wanted;
    case 'tradeTime': {
      const us = wanted as number;
      if (typeof leaf === 'number') return leaf === us || leaf * 1000 === us;
      if (/^\d+$/.test(leaf)) return Number(leaf) === us || Number(leaf) * 1000 === us;
      if (/^\d{4}-\d\d-\d\dT/.test(leaf)) {
        const ms = Date.parse(leaf);
        return Number.isFinite(ms) && Math.abs(ms * 1000 - us) < 1000;
      }
      return false;
    }
  }
}

/** Values no trade field may carry. */
const ABSURD: Readonly<Record<Field, readonly Json[]>> = {
  price: [null, 'abc', '-1', '0', '0.000', '', 'NaN', '1e400', -1, 0, true, {}, []],
  quantity: [null, 'abc', '-1', '0', '', 'NaN', '1e400', -1, 0, true, {}, []],
  tradeTime: [null, 'soon', -1, 0, true, {}],
  id: [null, true, {}, []],
};
const ABSURD_CONSECUTIVE_IDS: readonly Json[] = ['-1', -1, 1.5, 'abc', ''];

/** A valid frame with one field of its trades replaced by an absurd value: fewer trades, a rejection. */
export interface FieldMutation {
  readonly name: string;
  readonly frame: string;
  /** Trades the original frame produced. */
  readonly originalTrades: number;
}

/**
 * For each trade fixture, the leaves carrying each trade's id, price, quantity and time (found by value),
 * replaced together by absurd values. Fixtures whose frames are not JSON objects, or whose fields cannot
 * be found by value, give no mutation for that field.
 */
export function fieldMutations(fixtures: readonly TradeFixture[], sequencing: 'consecutive' | 'none'): FieldMutation[] {
  const out: FieldMutation[] = [];
  for (const fixture of fixtures) {
    let parsed: Json;
    try {
      parsed = JSON.parse(fixture.frame) as Json;
    } catch {
      continue;
    }
    const leaves = leafPaths(parsed);
    for (const field of ['id', 'price', 'quantity', 'tradeTime'] as const) {
      const targets = leaves.filter((p) => fixture.expect.some((e) => carries(field, getAt(parsed, p), e)));
      if (targets.length === 0) continue;
      const values = field === 'id' && sequencing === 'consecutive' ? [...ABSURD.id, ...ABSURD_CONSECUTIVE_IDS] : ABSURD[field];
      for (const bad of values) {
        let mutated = parsed;
        for (const path of targets) mutated = setAt(mutated, path, bad);
        out.push({ name: `${fixture.name}: ${field} → ${JSON.stringify(bad)}`, frame: JSON.stringify(mutated), originalTrades: fixture.expect.length });
      }
    }
  }
  return out;
}
