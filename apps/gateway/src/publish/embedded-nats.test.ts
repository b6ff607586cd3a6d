import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
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
