import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The programs this command runs as child processes (never imported: apps do not import apps). */
export type AppName = 'gateway' | 'exchange-sim';

/** Where each program lives, from the workspace root. */
const APP_DIRS: Record<AppName, string> = { gateway: 'apps/gateway/', 'exchange-sim': 'packages/exchange-sim/' };

/** How to start an app: `node [execArgv] script`. */
export interface AppEntry {
  script: string;
  execArgv: string[];
  /** Whether the built `dist/main.js` is used (otherwise the TypeScript source through tsx). */
  built: boolean;
}

/**
 * The program's built entry (`<dir>/dist/main.js`) when it exists, else its source (`<dir>/src/main.ts`)
 * run through tsx with the workspace's source condition. This file sits in `apps/cli/src/` or
 * `apps/cli/dist/`: either way the workspace root is three levels up.
 */
export function appEntry(name: AppName): AppEntry {
  const dir = new URL(APP_DIRS[name], new URL('../../../', import.meta.url));
  const built = new URL('dist/main.js', dir);
  if (existsSync(built)) return { script: fileURLToPath(built), execArgv: [], built: true };
  const source = fileURLToPath(new URL('src/main.ts', dir));
  if (!existsSync(source)) throw new Error(`cannot find the ${name} app (looked for ${fileURLToPath(built)} and ${source})`);
  return { script: source, execArgv: ['--conditions=@tickgate/source', '--import', import.meta.resolve('tsx')], built: false };
}

/** Exit code of a child that ended with `code` or was killed by `signal` (128 + signal number). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Run an app in the foreground: stdio shared, SIGINT/SIGTERM/SIGHUP passed on (the child decides how
 * to stop; a terminal's Ctrl-C reaches it directly as well), and its exit code returned.
 */
export function runApp(name: AppName, args: string[]): Promise<number> {
  const entry = appEntry(name);
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, ...args], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      for (const signal of FORWARDED) process.off(signal, forward);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      for (const signal of FORWARDED) process.off(signal, forward);
      resolve(exitCodeOf(code, signal));
    });
  });
}

/** Run an app to completion and collect its output (for `check-config` and help texts). */
export function captureApp(name: AppName, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = appEntry(name);
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: exitCodeOf(code, signal), stdout, stderr }));
  });
}
