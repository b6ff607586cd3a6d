#!/usr/bin/env node
// Assembles the gateway's runtime tree for the container image (run by docker/Dockerfile's build stage).
//
//   node docker/assemble.mjs <workspace package> <output dir>
//
// From a workspace where the package and its workspace dependencies are built, it writes to <output dir>:
//   - the root package.json and package-lock.json,
//   - node_modules with only the package's production dependencies (`npm ci --omit=dev --workspace`),
//     including the node_modules/@tickgate/* links npm makes to workspace packages,
//   - for the package and every workspace package it depends on (transitively, `dependencies` only):
//     its package.json and its built dist/ (JavaScript only: no declarations, source maps or build info).
// Workspace packages outside that set are removed again, with their links, so nothing dangles.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const [entry, outArg] = process.argv.slice(2);
if (!entry || !outArg) {
  process.stderr.write('usage: node docker/assemble.mjs <workspace package> <output dir>\n');
  process.exit(2);
}
const root = process.cwd();
const out = resolve(outArg);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Workspace package name → folder (relative to the root), from the root package.json's `workspaces`. */
function workspaces() {
  const patterns = readJson(join(root, 'package.json')).workspaces ?? [];
  const found = new Map();
  for (const pattern of patterns) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(pattern.slice(0, -2), d.name))
      : [pattern];
    for (const dir of dirs) {
      const manifest = join(root, dir, 'package.json');
      if (existsSync(manifest)) found.set(readJson(manifest).name, dir);
    }
  }
  return found;
}

/** The entry package and the workspace packages it needs at run time. */
function closure(all, name) {
  const needed = new Set();
  const visit = (n) => {
    if (needed.has(n)) return;
    needed.add(n);
    const deps = readJson(join(root, all.get(n), 'package.json')).dependencies ?? {};
    for (const dep of Object.keys(deps)) if (all.has(dep)) visit(dep);
  };
  if (!all.has(name)) throw new Error(`${name} is not a workspace package`);
  visit(name);
  return needed;
}

const all = workspaces();
const needed = closure(all, entry);
process.stdout.write(`assemble: ${entry} needs ${[...needed].sort().join(', ')}\n`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(root, 'package.json'), join(out, 'package.json'));
cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
// npm checks the lockfile against every workspace, so all manifests are present for the install.
for (const dir of all.values()) {
  mkdirSync(join(out, dir), { recursive: true });
  cpSync(join(root, dir, 'package.json'), join(out, dir, 'package.json'));
}
execFileSync('npm', ['ci', '--omit=dev', '--workspace', entry, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
  cwd: out,
  stdio: 'inherit',
});

const keepFile = (src) => !/\.(d\.ts|d\.ts\.map|js\.map|tsbuildinfo)$/.test(src) && !/\.(test|spec)\.js$/.test(src);
for (const [name, dir] of all) {
  if (needed.has(name)) {
    const dist = join(root, dir, 'dist');
    if (!existsSync(dist)) throw new Error(`${name} is not built: ${relative(root, dist)} is missing`);
    cpSync(dist, join(out, dir, 'dist'), { recursive: true, filter: (src) => keepFile(src) });
  } else {
    rmSync(join(out, dir), { recursive: true, force: true });
    rmSync(join(out, 'node_modules', name), { force: true, recursive: true });
  }
}
// Folders left empty by the removals (e.g. a workspace group with nothing needed in it).
for (const group of new Set([...all.values()].map((d) => dirname(d)))) {
  const path = join(out, group);
  if (group !== '.' && existsSync(path) && readdirSync(path).length === 0) rmSync(path, { recursive: true });
}
rmSync(join(out, 'node_modules', '.package-lock.json'), { force: true });
process.stdout.write(`assemble: runtime tree in ${out}\n`);
