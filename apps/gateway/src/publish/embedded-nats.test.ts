import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedNatsError } from './errors.js';
import { locateNatsServer, startEmbeddedNats, type EmbeddedNats } from './embedded-nats.js';
import { ensureStream } from './stream.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process group of a running process (Linux `/proc`). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

const MODULE = join(dirname(fileURLToPath(import.meta.url)), 'embedded-nats.ts');

/**
 * Run `body` in a child node process, in a process group of its own, after it has started an embedded
 * server (`nats`); resolves with the server's pid and store folder, the child's lines and its exit.
 */
async function inChild(body: string, setup = ''): Promise<{ child: ReturnType<typeof spawn>; server: { pid: number; storeDir: string }; lines: string[]; exited: Promise<number | null> }> {
  // `setup` runs before the first line is printed: a signal the test sends on seeing that line finds
  // its handlers in place (a write to a pipe is synchronous, so the line can arrive before the next statement runs).
  const script = `const { startEmbeddedNats } = await import(${JSON.stringify(MODULE)});
const nats = await startEmbeddedNats({ port: 0 });
${setup}
console.log(JSON.stringify({ pid: nats.pid, storeDir: nats.storeDir }));
${body}`;
  const child = spawn(process.execPath, ['--conditions=@tickgate/source', '--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const first = await waitFor(() => lines[0], { timeoutMs: 20_000, message: 'the child started a server' });
  return { child, server: JSON.parse(first) as { pid: number; storeDir: string }, lines, exited };
}

describe('embedded nats-server', () => {
  const dirs: string[] = [];
  const servers: EmbeddedNats[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a given store folder, and removes the temporary one it made itself when it stops', async () => {
    const given = mkdtempSync(join(tmpdir(), 'tickgate-embedded-test-'));
    dirs.push(given);
    const kept = await startEmbeddedNats({ port: 0, storeDir: given });
    await kept.stop();
    expect(existsSync(given)).toBe(true);
    const own = await startEmbeddedNats({ port: 0 });
    servers.push(own);
    expect(own.storeDir.startsWith(join(tmpdir(), 'tickgate-nats-'))).toBe(true);
    expect(existsSync(own.storeDir)).toBe(true);
    await own.stop();
    expect(existsSync(own.storeDir)).toBe(false);
  });

  it('starts with JetStream, serves clients, and stops leaving no process', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'tickgate-embedded-test-'));
    dirs.push(storeDir);
    const nats = await startEmbeddedNats({ port: 0, storeDir });
    servers.push(nats);
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(nats.port).not.toBe(4222);
    expect(nats.storeDir).toBe(storeDir);
    const pid = nats.pid!;
    expect(alive(pid)).toBe(true);

    const nc = await connect({ servers: nats.url, noAsyncTraces: true });
    try {
      const sub = nc.subscribe('md.ping', { max: 1 });
      nc.publish('md.ping', 'hello');
      for await (const m of sub) expect(m.string()).toBe('hello');
      const created = await ensureStream(nc, { name: 'EMBEDDED' });
      expect(created.action).toBe('created');
    } finally {
      await nc.close();
    }

    await nats.stop();
    await nats.stop();
    expect(alive(pid)).toBe(false);
  });

  it('takes another port when the one asked for is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (blocker.address() as AddressInfo).port;
      const storeDir = mkdtempSync(join(tmpdir(), 'tickgate-embedded-test-'));
      dirs.push(storeDir);
      const nats = await startEmbeddedNats({ port: taken, storeDir });
      servers.push(nats);
      expect(nats.port).not.toBe(taken);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('runs in a process group of its own, and removes its own store folder when killed from outside', async () => {
    const nats = await startEmbeddedNats({ port: 0 });
    servers.push(nats);
    const pid = nats.pid!;
    expect(processGroup(pid)).toBe(pid);
    expect(processGroup(pid)).not.toBe(processGroup(process.pid));
    expect(existsSync(nats.storeDir)).toBe(true);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !existsSync(nats.storeDir), { timeoutMs: 5_000, message: 'the store folder removed' });
    expect(alive(pid)).toBe(false);
  });

  it('a Ctrl-C (SIGINT to the foreground process group) reaches the process that runs it, not the server', async () => {
    const run = await inChild(
      '',
      `process.once('SIGINT', async () => {
  await new Promise((r) => setTimeout(r, 300));
  let alive = true;
  try { process.kill(nats.pid, 0); } catch { alive = false; }
  await nats.stop();
  console.log(JSON.stringify({ aliveAfterSigint: alive }));
  process.exit(0);
});`,
    );
    expect(existsSync(run.server.storeDir)).toBe(true);
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
    expect(JSON.parse(run.lines[1]!)).toEqual({ aliveAfterSigint: true });
    expect(alive(run.server.pid)).toBe(false);
    expect(existsSync(run.server.storeDir)).toBe(false);
  });

  it('is killed, its own store folder removed, when the process that runs it exits without stopping it', async () => {
    const run = await inChild('process.exit(0);');
    expect(await run.exited).toBe(0);
    await waitFor(() => !alive(run.server.pid), { timeoutMs: 5_000, message: 'the server killed' });
    expect(existsSync(run.server.storeDir)).toBe(false);
  });

  it('names the install command when the binary is missing', async () => {
    expect(() => locateNatsServer({ PATH: '/nonexistent' }, [])).toThrow(/apt-get install nats-server/);
    expect(() => locateNatsServer({ NATS_SERVER_BIN: '/nonexistent/nats-server' })).toThrow(EmbeddedNatsError);
    await expect(startEmbeddedNats({ port: 0, binary: '/nonexistent/nats-server', storeDir: join(tmpdir(), 'tickgate-never') })).rejects.toThrow(EmbeddedNatsError);
    rmSync(join(tmpdir(), 'tickgate-never'), { recursive: true, force: true });
  });

  it('finds the binary in the sbin folders when PATH lacks it', () => {
    expect(locateNatsServer({ PATH: '' })).toMatch(/nats-server$/);
  });
});
