import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm ci` refuses a lock file that disagrees with any workspace's package.json, so every workspace must
// pin a shared dependency to the same version, and that version must be the one the lock file holds.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));

interface Manifest { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
interface LockEntry { version?: string; link?: boolean }

const lock = readJson('package-lock.json') as { packages: Record<string, LockEntry> };
const workspaceDirs = Object.keys(lock.packages).filter((path) => path !== '' && !path.includes('node_modules'));
const manifests: Array<{ dir: string; manifest: Manifest }> = [
  { dir: '', manifest: readJson('package.json') },
  ...workspaceDirs.map((dir) => ({ dir, manifest: readJson(`${dir}/package.json`) as Manifest })),
];

/** Every exact pin (`1.2.3`) of an external dependency, by name: which workspace asks for which version. */
function exactPins(): Map<string, Array<{ dir: string; version: string }>> {
  const pins = new Map<string, Array<{ dir: string; version: string }>>();
  for (const { dir, manifest } of manifests) {
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      for (const [name, version] of Object.entries(deps ?? {})) {
        if (name.startsWith('@tickgate/') || !/^\d+\.\d+\.\d+$/.test(version)) continue;
        pins.set(name, [...(pins.get(name) ?? []), { dir: dir || '(root)', version }]);
      }
    }
  }
  return pins;
}

describe('dependency pins', () => {
  it('finds the workspaces and their pins', () => {
    expect(workspaceDirs).toContain('apps/gateway');
    expect(exactPins().get('@nats-io/transport-node')?.length).toBeGreaterThan(1);
  });

  it.each([...exactPins()])('%s is pinned to one version across workspaces', (_name, uses) => {
    expect(new Set(uses.map((u) => u.version)), JSON.stringify(uses)).toHaveProperty('size', 1);
  });

  it.each([...exactPins()])('the lock file installs the pinned %s', (name, uses) => {
    const installed = lock.packages[`node_modules/${name}`]?.version;
    expect(installed, `${name} in package-lock.json`).toBe(uses[0]!.version);
  });
});
