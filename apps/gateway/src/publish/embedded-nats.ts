import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { silentLogger, type Logger } from '@tickgate/core';
import { EmbeddedNatsError } from './errors.js';

/** The command that installs `nats-server` on Debian and Ubuntu. */
export const NATS_SERVER_INSTALL = 'apt-get install nats-server';

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/local/bin', '/usr/bin'];

/**
 * Path of the `nats-server` binary: `$NATS_SERVER_BIN` when set, else the first one on `PATH` or in
 * the sbin folders (Debian installs it in `/usr/sbin`, which is not on every user's `PATH`).
 * Throws `EmbeddedNatsError` with the install command when there is none.
 */
export function locateNatsServer(env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = EXTRA_DIRS): string {
  const explicit = env['NATS_SERVER_BIN'];
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new EmbeddedNatsError(`NATS_SERVER_BIN=${explicit} does not exist`);
  }
  for (const dir of [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...extraDirs]) {
    const candidate = join(dir, 'nats-server');
    if (existsSync(candidate)) return candidate;
  }
  throw new EmbeddedNatsError(
    `nats-server not found (looked on PATH and in ${extraDirs.join(', ')}); install it with \`${NATS_SERVER_INSTALL}\` or configure nats.servers`,
  );
}

/** Options of `startEmbeddedNats`. */
export interface EmbeddedNatsOptions {
  /** Client port: 4222 when free, else one the kernel picks (default). `0` always picks a free one. */
  port?: number;
  /**
   * JetStream store folder, kept when the server stops. Default: a new temporary folder
   * (`<os tmp>/tickgate-nats-XXXXXX`) that is removed when the server exits (stopped, killed from
   * outside, or killed as this process exits), so nothing is left behind.
   */
  storeDir?: string;
  /** Where the server's start and stop are logged (default: nowhere). */
  logger?: Logger;
  /** Milliseconds to wait for the server to be ready (default 10,000). */
  readyTimeoutMs?: number;
  /** The binary (default: `locateNatsServer()`). */
  binary?: string;
}

/** A `nats-server -js` child process run by the gateway. */
export interface EmbeddedNats {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly pid: number | undefined;
  /** Stop the server (SIGTERM, SIGKILL after 5 s) and wait for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_PORT = 4222;
/** Servers running, each with what removes its own store folder. */
const live = new Map<ChildProcess, () => void>();
let exitHookInstalled = false;

/**
 * Start a local `nats-server` with JetStream for a gateway that has no `nats.servers` configured,
 * listening on 127.0.0.1 only, and wait until it accepts clients. It runs in its own process group, so
 * a terminal's Ctrl-C (SIGINT to the foreground group) reaches the gateway only, which drains its
 * publishes into the server before stopping it. It is killed when this process exits, and its own
 * temporary store folder is removed whenever it exits.
 */
export async function startEmbeddedNats(options: EmbeddedNatsOptions = {}): Promise<EmbeddedNats> {
  const logger = (options.logger ?? silentLogger).child({ component: 'embedded-nats' });
  const binary = options.binary ?? locateNatsServer();
  const requested = options.port ?? DEFAULT_PORT;
  const port = requested !== 0 && (await portIsFree(requested)) ? requested : await freePort();
  const ownStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'tickgate-nats-'));
  mkdirSync(storeDir, { recursive: true });
  const removeOwnStore = () => {
    if (ownStore) rmSync(storeDir, { recursive: true, force: true, maxRetries: 3 });
  };
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, '-n', `tickgate-embedded-${port}`];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  installExitHook();
  live.set(child, removeOwnStore);
  // a binary that cannot be run gives 'error' and maybe no 'exit'; a server that exits on its own
  // (killed from outside) leaves no store folder either
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      if (live.delete(child)) removeOwnStore();
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 50_000) output = output.slice(-25_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    await waitReady(child, () => output, options.readyTimeoutMs ?? 10_000);
  } catch (error) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    removeOwnStore();
    throw error;
  }
  // keep draining the pipes, but stop keeping the text
  child.stdout?.off('data', collect);
  child.stderr?.off('data', collect);
  child.stdout?.resume();
  child.stderr?.resume();
  const url = `nats://127.0.0.1:${port}`;
  logger.info({ url, storeDir, pid: child.pid }, 'embedded nats-server started');
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    storeDir,
    pid: child.pid,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        removeOwnStore();
        logger.info({ url }, 'embedded nats-server stopped');
      })();
      return stopping;
    },
  };
}

function waitReady(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new EmbeddedNatsError(`nats-server was not ready within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const check = () => {
      if (output().includes('Server is ready')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new EmbeddedNatsError(`nats-server exited (${signal ?? code}) before it was ready:\n${output()}`));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new EmbeddedNatsError(`cannot run nats-server: ${error.message}`, { cause: error }));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    child.once('error', onError);
    check();
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [child, removeOwnStore] of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      try {
        removeOwnStore();
      } catch {
        /* nothing more can be done while exiting */
      }
    }
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
