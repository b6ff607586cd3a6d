import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as core from '@tickgate/core';
import { describe, expect, it } from 'vitest';

// The generator runs in a plain Node child process, as Nx runs it: the test runner's module conditions
// would otherwise hand Nx's template engine its ESM build.
const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The files the generator writes for `venue` into a fresh virtual Nx tree, by path. */
function generate(venue: string): Record<string, string> {
  const script = `
    const { createTreeWithEmptyWorkspace } = require('@nx/devkit/testing');
    const generator = require('./tools/generators/adapter/generator.cjs');
    (async () => {
      const tree = createTreeWithEmptyWorkspace();
      await generator(tree, { venue: ${JSON.stringify(venue)} });
      const files = {};
      for (const change of tree.listChanges()) if (change.type !== 'DELETE' && change.content) files[change.path] = change.content.toString('utf8');
      process.stdout.write(JSON.stringify(files));
    })();
  `;
  const out = spawnSync(process.execPath, ['-e', script], { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (out.status !== 0) throw new Error(`the generator process failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as Record<string, string>;
}

/** Value names (not `type` ones) a source imports or re-exports from `@tickgate/core`. */
function coreValueNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/(?:import|export)\s*\{([^}]*)\}\s*from\s*'@tickgate\/core'/g)) {
    for (const part of m[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
      if (!part.startsWith('type ')) names.push(part.split(/\s+as\s+/)[0]!);
    }
  }
  return names;
}

describe('adapter generator templates', () => {
  const files = generate('zzvenue');
  const root = 'packages/adapter-zzvenue';

  it("uses the parse kit's RAW_PREVIEW_CHARS instead of a copy of its own", () => {
    const parse = files[`${root}/src/parse.ts`] ?? '';
    expect(parse).toContain("export { RAW_PREVIEW_CHARS } from '@tickgate/core';");
    expect(parse).not.toMatch(/const\s+RAW_PREVIEW_CHARS/);
    expect(files[`${root}/src/index.ts`]).toContain('RAW_PREVIEW_CHARS');
  });

  it('imports from @tickgate/core only what core exports', () => {
    const sources = Object.entries(files).filter(([path]) => path.startsWith(`${root}/src/`) && path.endsWith('.ts'));
    const used = sources.flatMap(([, text]) => coreValueNames(text));
    expect(used).toEqual(expect.arrayContaining(['RAW_PREVIEW_CHARS', 'rejectFrame', 'isJsonObject']));
    const missing = used.filter((name) => !(name in core));
    expect(missing).toEqual([]);
  });
});
