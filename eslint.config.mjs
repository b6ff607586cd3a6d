import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';

const repoRoot = dirname(fileURLToPath(import.meta.url));

/**
 * The workspace's projects under apps/, read from the package.json files that the root `workspaces` globs
 * (`dir/*` or a plain folder) match, so a new app is covered without an edit here.
 */
function appPackageNames() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const dirs = workspaces.flatMap((glob) => {
    if (!glob.includes('*')) return [glob];
    if (!glob.endsWith('/*') || glob.slice(0, -2).includes('*')) throw new Error(`eslint.config.mjs: workspace glob "${glob}" is not dir/* or dir`);
    const parent = glob.slice(0, -2);
    if (!existsSync(join(repoRoot, parent))) return [];
    return readdirSync(join(repoRoot, parent), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${parent}/${e.name}`);
  });
  return dirs
    .filter((dir) => dir.startsWith('apps/') && existsSync(join(repoRoot, dir, 'package.json')))
    .map((dir) => JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')).name)
    .filter((name) => typeof name === 'string');
}

/**
 * Packages never depend on apps, whatever their Nx tags say: a file under packages/ may not import an app
 * by package name (or a subpath of it), nor by a relative path that climbs out and enters apps/.
 * `basePath` makes `files` match from the root also when ESLint runs in a project folder, as `nx lint` does.
 */
function packagesDoNotImportApps() {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = appPackageNames();
  const patterns = [String.raw`^(?:\./)?(?:\.\./)+apps(?:/|$)`];
  if (names.length > 0) patterns.unshift(`^(?:${names.map(escape).join('|')})(?:/|$)`);
  const message = 'A package must not depend on an app: apps build on packages, never the other way round.';
  const literal = (p) => `[value=/${p.replace(/\//g, '\\/')}/]`;
  return {
    name: 'tickgate/packages-do-not-import-apps',
    basePath: repoRoot,
    files: ['packages/**/*.{ts,mts,cts,js,mjs,cjs}'],
    rules: {
      // import, import type, export … from, import x = require(…)
      'no-restricted-imports': ['error', { patterns: patterns.map((regex) => ({ regex, message })) }],
      // import(…), which no-restricted-imports does not see
      'no-restricted-syntax': ['error', ...patterns.map((p) => ({ selector: `ImportExpression > Literal.source${literal(p)}`, message }))],
    },
  };
}

/**
 * Nx tag rules: which kinds of project a project may import. `adapterTests` is the rule for adapters' test
 * files, which may also start the exchange simulators (`@tickgate/exchange-sim/<venue>`); an adapter's own
 * code may not.
 */
function moduleBoundaries({ adapterTests = false } = {}) {
  const adapter = ['type:lib', 'type:testing', ...(adapterTests ? ['type:sim'] : [])];
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      allow: [],
      depConstraints: [
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
        { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: adapter },
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:sim'] },
        { sourceTag: 'type:sim', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:adapter', 'type:testing', 'type:sim'] },
        { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:adapter', 'type:testing', 'type:sim'] },
      ],
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/vitest.config.*.timestamp*'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(),
      // noUncheckedIndexedAccess makes `!` after a checked index the honest spelling.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Prices and quantities are exact decimal strings.' }],
    },
  },
  {
    // Test files (`*.test.ts`, and helpers under `test/`): an adapter's tests run its feed against a simulator.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ adapterTests: true }) },
  },
  {
    // Each project's vitest config takes the shared settings from the workspace root (vitest.shared.mjs).
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  packagesDoNotImportApps(),
];
