import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { findNatsServer, NatsCluster, NatsServer } from './nats-server.js';

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('nats-server harness', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('finds the binary, and names the install command when it is missing', () => {
    expect(findNatsServer()).toMatch(/nats-server$/);
    expect(() => findNatsServer({ PATH: '/nonexistent', NATS_SERVER_BIN: '' })).not.toThrow(/PATH/); // sbin fallback
    expect(() => findNatsServer({ NATS_SERVER_BIN: '/nonexistent/nats-server' })).toThrowError(/does not exist/);
  });

  it('single node: publishes and receives over core NATS and JetStream, then leaves no process', async () => {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const nc: NatsConnection = await connect({ servers: server.url });
    cleanups.push(() => nc.close());

    const sub = nc.subscribe('t.core', { max: 1 });
    nc.publish('t.core', 'hello');
    for await (const m of sub) expect(m.string()).toBe('hello');

    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'T', subjects: ['t.js.>'] });
    const js = jetstream(nc);
    const ack = await js.publish('t.js.a', 'one', { msgID: 'm1' });
    const dup = await js.publish('t.js.a', 'one', { msgID: 'm1' });
    expect(ack.seq).toBe(1);
    expect(dup.duplicate).toBe(true);
    expect((await jsm.streams.info('T')).state.messages).toBe(1);

    const pid = server.pid;
    expect(alive(pid)).toBe(true);
    await nc.close();
    await server.stop();
    expect(alive(pid)).toBe(false);
  });

  it('keeps a file-backed store across a kill and restart', async () => {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    let nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'K', subjects: ['k.>'] });
    await jetstream(nc).publish('k.a', 'x');
    await nc.close();
    await server.kill();
    expect(server.running).toBe(false);
    await server.restart();
    nc = await connect({ servers: server.url });
    cleanups.push(() => nc.close());
    expect((await (await jetstreamManager(nc)).streams.info('K')).state.messages).toBe(1);
  });

  it('freezes and thaws: nothing is answered while frozen, everything after; stop works on a frozen server', async () => {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const nc = await connect({ servers: server.url, maxPingOut: 100 });
    cleanups.push(() => nc.close());
    await nc.flush();
    await server.freeze();
    let answered = false;
    const flushed = nc.flush().then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    server.thaw();
    await flushed;
    expect(answered).toBe(true);
    await server.freeze();
    const pid = server.pid;
    await server.stop();
    expect(alive(pid)).toBe(false);
  });

  it('3-node cluster: a stream replicated three ways works across nodes, then leaves no process', async () => {
    const cluster = await NatsCluster.start(3);
    cleanups.push(() => cluster.stop());
    const pids = cluster.servers.map((s) => s.pid);
    const a = await connect({ servers: cluster.urls[0] });
    const b = await connect({ servers: cluster.urls[2] });
    cleanups.push(async () => {
      await a.close();
      await b.close();
    });
    // JetStream needs a meta leader before streams can be made; retry until the cluster has one.
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const jsm = await jetstreamManager(a, { timeout: 2_000 });
        await jsm.streams.add({ name: 'R3', subjects: ['r3.>'], num_replicas: 3 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await jetstream(a).publish('r3.x', 'across', { msgID: 'c1' });
    // Read it back through another node. (Not through a core subscription on b: the subscription's
    // interest reaches the other nodes over the routes some time after b.flush(), so a message
    // published on a's node right after it may never be delivered to b.)
    const jsmB = await jetstreamManager(b);
    const stored = await jsmB.streams.getMessage('R3', { seq: 1 });
    expect(stored?.string()).toBe('across');
    const info = await jsmB.streams.info('R3');
    expect(info.state.messages).toBe(1);
    expect(info.config.num_replicas).toBe(3);
    await a.close();
    await b.close();
    await cluster.stop();
    expect(pids.every((p) => !alive(p))).toBe(true);
  });
});
