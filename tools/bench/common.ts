/**
 * Helpers shared by the benchmark orchestrator and its child processes: statistics, process bookkeeping
 * (every child is killed when the orchestrator ends, however it ends), `/proc` readings and IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH_DIR = resolve(ROOT, 'tools/bench');

/** Node flags that run a workspace TypeScript file from its sources (as `npm start` does). */
export const TS_NODE_FLAGS = ['--conditions=@tickgate/source', '--import', 'tsx'];

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of an already sorted array (`q` in 0..1). */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The 1/5/15-minute load averages, as `uptime` prints them. */
export function load(): { at: string; load1: number; load5: number; load15: number } {
  const [l1, l5, l15] = loadavg();
  return { at: new Date().toISOString(), load1: round(l1 ?? 0, 2), load5: round(l5 ?? 0, 2), load15: round(l15 ?? 0, 2) };
}

/** Microseconds since the epoch, the way the gateway stamps `receiveTime`. */
export function nowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        r(true);
      });
      socket.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Resident set size (bytes) and CPU time (user + system, ms) of a live process, from `/proc`. */
export function procStats(pid: number): { rssBytes: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: Number(rss?.[1] ?? 0) * 1024, cpuMs: ticks * 10 };
}

const children = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
}

/** Spawn a child that is killed when this process exits, on a signal or an uncaught error. */
export function spawnTracked(command: string, args: readonly string[], options: { ipc?: boolean; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): ChildProcess {
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        killAll();
        process.exit(130);
      });
    }
  }
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Always drain the pipes, so that a chatty child never blocks on a full pipe.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { tail: () => string }).tail = () => tail;
  return child;
}

export function childTail(child: ChildProcess): string {
  return (child as ChildProcess & { tail?: () => string }).tail?.() ?? '';
}

/** Stop a child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Spawn a TypeScript child of this folder with an IPC channel. */
export function spawnTsWorker(file: string, args: readonly string[] = []): ChildProcess {
  return spawnTracked(process.execPath, [...TS_NODE_FLAGS, resolve(BENCH_DIR, file), ...args], { ipc: true });
}

/** A request/response over a child's IPC channel: sends `message`, resolves the first reply of `replyType`. */
export function request<T>(child: ChildProcess, message: Record<string, unknown>, replyType: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolveReply, reject) => {
    const onMessage = (reply: unknown) => {
      const r = reply as { type?: string; error?: string };
      if (r.type === 'error') {
        cleanup();
        reject(new Error(`${String(message['type'])}: ${r.error ?? 'failed'}`));
      } else if (r.type === replyType) {
        cleanup();
        resolveReply(reply as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker exited (${String(code)}) during ${String(message['type'])}: ${childTail(child)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${replyType} reply to ${String(message['type'])} within ${timeoutMs} ms`));
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** In a worker: answer the orchestrator's messages with `handler`; errors become `{ type: 'error' }`. */
export function serve(handler: (message: { type: string } & Record<string, unknown>) => Promise<Record<string, unknown> | undefined>): void {
  process.on('message', (message) => {
    handler(message as { type: string } & Record<string, unknown>).then(
      (reply) => {
        if (reply) process.send?.(reply);
      },
      (error: unknown) => process.send?.({ type: 'error', error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The orchestrator gone means this worker must go too.
  process.on('disconnect', () => process.exit(0));
}
