import { readFileSync } from 'node:fs';
import type { RejectionReason } from '@tickgate/core';
import type { ExpectedTrade, RejectionFixture, TradeFixture } from './types.js';

/** A fixture file: a `URL` (`new URL('../fixtures/x.json', import.meta.url)`) or a path. */
export type FixtureFile = URL | string;

type JsonObject = Record<string, unknown>;

const REASONS: readonly RejectionReason[] = ['malformed-json', 'unknown-message', 'invalid-field', 'unknown-instrument'];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function where(file: FixtureFile): string {
  return file instanceof URL ? file.pathname : file;
}

/** The text of a fixture file. */
export function readFixtureText(file: FixtureFile): string {
  return readFileSync(file, 'utf8');
}

/** The non-empty lines of an ndjson fixture (one raw frame per line). */
export function readFixtureLines(file: FixtureFile): string[] {
  return readFixtureText(file)
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.length > 0);
}

/** Readers of the fixture files of one folder, by file name. */
export interface FixtureReader {
  /** The text of a fixture file. */
  text(name: string): string;
  /** The non-empty lines of an ndjson fixture (one raw frame per line). */
  lines(name: string): string[];
  /** The parsed JSON of a fixture file. */
  json<T>(name: string): T;
}

/**
 * Readers of the files in `folder`, a directory URL ending in `/`, e.g.
 * `fixtureReader(new URL('../fixtures/', import.meta.url))` in an adapter's `test/helpers.ts`.
 */
export function fixtureReader(folder: URL): FixtureReader {
  const file = (name: string): URL => new URL(name, folder);
  return {
    text: (name) => readFixtureText(file(name)),
    lines: (name) => readFixtureLines(file(name)),
    json: <T>(name: string): T => JSON.parse(readFixtureText(file(name))) as T,
  };
}

function readList(file: FixtureFile): JsonObject[] {
  const value: unknown = JSON.parse(readFixtureText(file));
  if (!Array.isArray(value)) throw new Error(`${where(file)}: a fixture list must be a JSON array of {name, frame, …} objects`);
  return value.map((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry['frame'] !== 'string') {
      throw new Error(`${where(file)}[${i}]: each entry needs a string "frame" (the raw WebSocket text)`);
    }
    return entry;
  });
}

function expectedOf(value: unknown, at: string): ExpectedTrade[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item: unknown, j) => {
    if (!isObject(item)) throw new Error(`${at}.expect[${j}]: an expected trade is an object of trade fields`);
    // `{ trade: {…}, span: n }` (aggregating venues) or the trade fields themselves.
    if (isObject(item['trade'])) {
      const span = item['span'];
      return { ...(item['trade'] as ExpectedTrade), ...(typeof span === 'number' ? { span } : {}) };
    }
    return item as ExpectedTrade;
  });
}

/**
 * Valid trade frames from a JSON list of `{ name, frame, expect }`, where `expect` is one expected trade,
 * a list of them, or a list of `{ trade, span }`. `filter` sees each raw entry (e.g. to leave out
 * frames that need a parser option the adapter object does not use).
 */
export function readTradeFixtures(file: FixtureFile, options: { filter?: (entry: JsonObject) => boolean } = {}): TradeFixture[] {
  return readList(file)
    .filter((entry) => options.filter?.(entry) ?? true)
    .map((entry, i) => {
      const name = typeof entry['name'] === 'string' ? entry['name'] : `${where(file)}[${i}]`;
      if (entry['expect'] === undefined) throw new Error(`${where(file)} "${name}": missing "expect" (the trades the frame must produce)`);
      return { name, frame: entry['frame'] as string, expect: expectedOf(entry['expect'], `${where(file)} "${name}"`) };
    });
}

/** Bad frames from a JSON list of `{ name, frame, reason, field?, instrument?, tradeId? }`. */
export function readRejectionFixtures(file: FixtureFile, options: { filter?: (entry: JsonObject) => boolean } = {}): RejectionFixture[] {
  return readList(file)
    .filter((entry) => options.filter?.(entry) ?? true)
    .map((entry, i) => {
      const name = typeof entry['name'] === 'string' ? entry['name'] : `${where(file)}[${i}]`;
      const reason = entry['reason'];
      if (typeof reason !== 'string' || !REASONS.includes(reason as RejectionReason)) {
        throw new Error(`${where(file)} "${name}": "reason" must be one of ${REASONS.join(', ')} (got ${JSON.stringify(reason)})`);
      }
      const fixture: { -readonly [K in keyof RejectionFixture]: RejectionFixture[K] } = { name, frame: entry['frame'] as string, reason: reason as RejectionReason };
      if (typeof entry['field'] === 'string') fixture.field = entry['field'];
      if (typeof entry['instrument'] === 'string') fixture.instrument = entry['instrument'];
      if (typeof entry['tradeId'] === 'string') fixture.tradeId = entry['tradeId'];
      return fixture;
    });
}
