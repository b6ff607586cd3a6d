import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The root eslint.config.mjs forbids files under packages/ to import an app, independent of Nx tags.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);
const MESSAGE = 'A package must not depend on an app';

/** The messages of the packages-must-not-import-apps rules for `code` linted as `filePath`. */
async function appImportErrors(eslint: ESLint, filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId !== null && RULES.has(m.ruleId) && m.message.includes(MESSAGE)).map((m) => m.ruleId!);
}

describe('packages do not import apps', () => {
  const fromRoot = new ESLint({ cwd: repoRoot });

  it.each([
    ['a named import of the gateway', "import { Gateway } from '@tickgate/gateway';\nexport { Gateway };\n"],
    ['a type import of a subpath of the cli', "import type { X } from '@tickgate/cli/src/x.js';\nexport type { X };\n"],
    ['a re-export by a relative path into apps/', "export * from '../../../apps/gateway/src/index.js';\n"],
    ['a dynamic import', "export const load = () => import('@tickgate/gateway');\n"],
    ['an import-equals require', "import gateway = require('@tickgate/gateway');\nexport { gateway };\n"],
  ])('fires on %s from a package', async (_what, code) => {
    expect(await appImportErrors(fromRoot, 'packages/schema/src/x.ts', code)).toHaveLength(1);
  });

  it('fires in a package .mjs file', async () => {
    expect(await appImportErrors(fromRoot, 'packages/schema/x.mjs', "export { x } from '@tickgate/gateway';\n")).toEqual(['no-restricted-imports']);
  });

  it('fires when ESLint runs from the project folder with its own config, as nx lint does', async () => {
    const fromProject = new ESLint({ cwd: join(repoRoot, 'packages/schema') });
    const code = "import { Gateway } from '@tickgate/gateway';\nexport { Gateway };\n";
    expect(await appImportErrors(fromProject, 'src/x.ts', code)).toEqual(['no-restricted-imports']);
  });

  it('does not fire on the same import from an app', async () => {
    const code = "import { Gateway } from '@tickgate/gateway';\nexport { Gateway };\n";
    expect(await appImportErrors(fromRoot, 'apps/cli/src/x.ts', code)).toEqual([]);
    expect(await appImportErrors(fromRoot, 'tools/demo/x.ts', code)).toEqual([]);
  });

  it('does not fire on package-to-package imports or look-alike names', async () => {
    const code = [
      "import { Sequencer } from '@tickgate/core';",
      "import { x } from '@tickgate/gateway-kit';",
      "import { y } from '../../core/src/index.js';",
      "export const load = () => import('@tickgate/schema');",
      'export { Sequencer, x, y };',
      '',
    ].join('\n');
    expect(await appImportErrors(fromRoot, 'packages/testing/src/x.ts', code)).toEqual([]);
  });

  describe('in a workspace with a new app', () => {
    // The app names come from the workspace's package.json files: a copy of the config in a fresh
    // workspace with one more app forbids that app without an edit.
    const workspace = mkdtempSync(join(tmpdir(), 'tickgate-lint-'));
    afterAll(() => rmSync(workspace, { recursive: true, force: true }));
    writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*', 'apps/*'] }));
    mkdirSync(join(workspace, 'apps/console'), { recursive: true });
    writeFileSync(join(workspace, 'apps/console/package.json'), JSON.stringify({ name: '@acme/console' }));
    writeFileSync(join(workspace, 'eslint.config.mjs'), readFileSync(join(repoRoot, 'eslint.config.mjs')));
    symlinkSync(join(repoRoot, 'node_modules'), join(workspace, 'node_modules'), 'dir');

    it('forbids the new app by name to packages', async () => {
      const eslint = new ESLint({ cwd: workspace });
      const code = "import { run } from '@acme/console';\nexport { run };\n";
      expect(await appImportErrors(eslint, 'packages/lib/src/x.ts', code)).toEqual(['no-restricted-imports']);
      expect(await appImportErrors(eslint, 'packages/lib/src/x.ts', "import { gw } from '@tickgate/gateway';\nexport { gw };\n")).toEqual([]);
      expect(await appImportErrors(eslint, 'apps/other/src/x.ts', code)).toEqual([]);
    });
  });
});

describe('adapters and the simulators', () => {
  // Nx tags: an adapter (type:adapter) may start the exchange simulators (type:sim) in its tests, never in its code.
  const fromRoot = new ESLint({ cwd: repoRoot });
  const boundaryErrors = async (filePath: string, code: string) => {
    const [result] = await fromRoot.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  };
  const code = "import { startBinanceSim } from '@tickgate/exchange-sim/binance';\nexport const start = startBinanceSim;\n";

  it('lets an adapter test file import a simulator', async () => {
    expect(await boundaryErrors('packages/adapter-binance/src/x.test.ts', code)).toEqual([]);
    expect(await boundaryErrors('packages/adapter-okx/test/helpers.ts', code)).toEqual([]);
  });

  it('forbids the same import in an adapter source file', async () => {
    const errors = await boundaryErrors('packages/adapter-binance/src/x.ts', code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('type:adapter');
  });

  it('keeps the other tags as they were in test files: a library test may not import the simulator', async () => {
    expect(await boundaryErrors('packages/core/src/x.test.ts', code)).toHaveLength(1);
  });
});
