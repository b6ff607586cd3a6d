import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The adapter generator (`npx nx g @tickgate/tools:adapter <venue>`) lives in tools/generators as plain
// CommonJS. It runs here in a plain Node child process, as Nx runs it: the test runner's module
// conditions would otherwise hand Nx's template engine its ESM build.
const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  files?: Record<string, string>;
  error?: string;
}

/** Run the generator into a fresh virtual Nx tree (`createTreeWithEmptyWorkspace`) for each venue in turn. */
function generate(venues: readonly string[]): Run {
  const script = `
    const { createTreeWithEmptyWorkspace } = require('@nx/devkit/testing');
    const generator = require('./tools/generators/adapter/generator.cjs');
    (async () => {
      const tree = createTreeWithEmptyWorkspace();
      tree.write('tsconfig.json', JSON.stringify({ files: [], references: [{ path: './packages/core' }] }));
      try {
        for (const venue of ${JSON.stringify(venues)}) await generator(tree, { venue });
      } catch (error) {
        process.stdout.write(JSON.stringify({ error: error.message }));
        return;
      }
      const files = {};
      for (const change of tree.listChanges()) if (change.type !== 'DELETE' && change.content) files[change.path] = change.content.toString('utf8');
      process.stdout.write(JSON.stringify({ files }));
    })();
  `;
  const out = spawnSync(process.execPath, ['-e', script], { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (out.status !== 0) throw new Error(`the generator process failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as Run;
}

const FILES = [
  'README.md',
  'eslint.config.mjs',
  'fixtures/SOURCES.md',
  'fixtures/ws-invalid.json',
  'fixtures/ws-trades.json',
  'package.json',
  'src/conformance.test.ts',
  'src/index.ts',
  'src/messages.ts',
  'src/parse.ts',
  'src/rest.ts',
  'src/stream.ts',
  'tsconfig.json',
  'tsconfig.lib.json',
  'tsconfig.spec.json',
  'vitest.config.ts',
];


describe('adapter generator', () => {
  it('scaffolds packages/adapter-<venue> with the adapters\' file set, names filled in', () => {
    const { files = {}, error } = generate(['crypto-com']);
    expect(error).toBeUndefined();
    const root = 'packages/adapter-crypto-com';
    const read = (file: string) => files[file] ?? '';
    expect(Object.keys(files).filter((f) => f.startsWith(`${root}/`)).map((f) => f.slice(root.length + 1)).sort()).toEqual(FILES);

    const pkg = JSON.parse(read(`${root}/package.json`));
    expect(pkg.name).toBe('@tickgate/adapter-crypto-com');
    expect(pkg.nx.tags).toEqual(['type:adapter']);
    expect(pkg.dependencies).toEqual({ '@tickgate/schema': '*', '@tickgate/core': '*' });
    expect(pkg.devDependencies).toEqual({ '@tickgate/adapter-conformance': '*' });
    expect(pkg.exports['.']['@tickgate/source']).toBe('./src/index.ts');

    const index = read(`${root}/src/index.ts`);
    expect(index).toContain('export const cryptoCom: VenueAdapter = {');
    expect(index).toContain('venue: CRYPTO_COM_VENUE,');
    expect(read(`${root}/src/parse.ts`)).toContain("export const CRYPTO_COM_VENUE = 'crypto-com';");
    expect(read(`${root}/src/messages.ts`)).toContain('export interface CryptoComTradeFrame');
    const test = read(`${root}/src/conformance.test.ts`);
    expect(test).toContain('describeAdapterConformance({');
    expect(test).toContain("readTradeFixtures(fixture('ws-trades.json'))");
    // Empty fixtures: the conformance test fails until they are filled in.
    expect(JSON.parse(read(`${root}/fixtures/ws-trades.json`))).toEqual([]);

    for (const file of FILES) expect(read(`${root}/${file}`), file).not.toMatch(/<%|%>|__tmpl__/);
    expect(JSON.parse(read('tsconfig.json')).references).toContainEqual({ path: './packages/adapter-crypto-com' });
  });

  it('refuses a name that is not a venue id, and an existing package', () => {
    expect(generate(['Crypto.com']).error).toContain('is not a venue id');
    expect(generate(['demo', 'demo']).error).toContain('packages/adapter-demo already exists');
  });
});
