import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureReader } from './fixtures.js';

describe('fixtureReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickgate-fixtures-'));
  writeFileSync(join(dir, 'frames.ndjson'), '{"a":1}\r\n\n{"b":2}\n');
  writeFileSync(join(dir, 'rest.json'), '{"ok":[1,2]}');
  const fixtures = fixtureReader(pathToFileURL(`${dir}/`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files of its folder by name: text, non-empty lines without CR, JSON', () => {
    expect(fixtures.text('rest.json')).toBe('{"ok":[1,2]}');
    expect(fixtures.lines('frames.ndjson')).toEqual(['{"a":1}', '{"b":2}']);
    expect(fixtures.json<{ ok: number[] }>('rest.json')).toEqual({ ok: [1, 2] });
  });

  it('fails on a file the folder does not hold', () => {
    expect(() => fixtures.text('missing.json')).toThrow(/ENOENT/);
  });
});
