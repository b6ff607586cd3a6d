import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MSG_ID_HEADER, serializeTrade, tradeMsgId, type Trade } from '@tickgate/schema';
import { NatsCluster, NatsServer, waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectNats, type GatewayNats } from './connection.js';
import { createPublisher, type Publisher } from './publisher.js';
import { ensureStream } from './stream.js';

const T0 = 1_700_000_000_000_000;

function makeTrades(n: number): Trade[] {
  return Array.from({ length: n }, (_, i) => ({
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    id: String(i + 1),
    price: `${97_000 + (i % 100)}.25`,
    quantity: '0.5',
    side: i % 3 ? 'buy' : 'sell',
    tradeTime: T0 + i,
    receiveTime: T0 + i + 100,
    source: 'ws',
  }));
}

/** Every message of the stream, retried while a cluster is still settling after a node loss. */
function readStream(nc: NatsConnection, stream: string): Promise<{ msgId: string | undefined; data: string }[]> {
  return waitFor(() => readOnce(nc, stream), { timeoutMs: 20_000, intervalMs: 200, message: `read stream ${stream}` });
}

async function readOnce(nc: NatsConnection, stream: string): Promise<{ msgId: string | undefined; data: string }[]> {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  const total = info.state.messages;
  const out: { msgId: string | undefined; data: string }[] = [];
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push({ msgId: m.headers?.get(MSG_ID_HEADER), data: m.string() });
    if (out.length >= total) break;
  }
  await messages.close();
  return out;
}

/** Publish every trade, running `fault` (not awaited) once `faultAt` trades have been accepted. */
async function publishWithFault(publisher: Publisher, trades: Trade[], faultAt: number, fault: () => Promise<void>): Promise<{ faultDone: Promise<void>; waits: number; maxBuffered: number }> {
  let faultDone: Promise<void> = Promise.resolve();
  let waits = 0;
  let maxBuffered = 0;
  for (let i = 0; i < trades.length; i++) {
    if (i === faultAt) faultDone = fault();
    const wait = publisher.publishTrade(trades[i]!);
    maxBuffered = Math.max(maxBuffered, publisher.buffered);
    if (wait) {
      waits += 1;
      await wait;
    }
  }
  return { faultDone, waits, maxBuffered };
}

describe('Publisher under NATS failures', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  it('keeps every trade exactly once and in order across a server crash and restart', async () => {
    const server = await NatsServer.start();
    cleanup.push(() => server.stop());
    const gn: GatewayNats = await connectNats({ servers: server.url, reconnectTimeWaitMs: 100, reconnectJitterMs: 50 });
    cleanup.push(() => gn.close());
    await ensureStream(gn.nc, { name: 'CRASH' });
    const publisher = createPublisher(gn.nc, { window: 100, maxBuffered: 400, ackTimeoutMs: 2_000, retryDelayMs: 50, retryDelayMaxMs: 500 });
    cleanup.push(() => publisher.close({ timeoutMs: 1_000 }));
    const trades = makeTrades(6_000);

    let sawDown = false;
    const run = await publishWithFault(publisher, trades, 2_000, async () => {
      await server.kill();
      await waitFor(() => !gn.connected, { message: 'client noticed the crash' });
      sawDown = true;
      await server.restart();
    });
    await run.faultDone;
    await publisher.flush();

    expect(sawDown).toBe(true);
    expect(run.waits).toBeGreaterThan(0);
    expect(run.maxBuffered).toBeLessThanOrEqual(800);
    expect(gn.connected).toBe(true);
    expect(gn.reconnects).toBeGreaterThanOrEqual(1);
    const stats = publisher.stats();
    expect(stats).toMatchObject({ publishedJetStream: trades.length, inFlight: 0, buffered: 0 });
    expect(stats.acked).toBeGreaterThanOrEqual(trades.length);

    const stored = await readStream(gn.nc, 'CRASH');
    expect(stored.map((s) => s.msgId)).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
    expect(stored.map((s) => s.data)).toEqual(trades.map(serializeTrade));
  });

  it('keeps every trade exactly once when a node of a 3-node cluster dies (stream with 3 replicas)', async () => {
    const cluster = await NatsCluster.start(3);
    cleanup.push(() => cluster.stop());
    const gn = await connectNats({ servers: cluster.urls, reconnectTimeWaitMs: 100, reconnectJitterMs: 50 });
    cleanup.push(() => gn.close());
    const created = await ensureStream(gn.nc, { name: 'HA', replicas: 3 });
    expect(created.info.config.num_replicas).toBe(3);
    const publisher = createPublisher(gn.nc, { window: 100, maxBuffered: 400, ackTimeoutMs: 1_500, retryDelayMs: 50, retryDelayMaxMs: 500 });
    cleanup.push(() => publisher.close({ timeoutMs: 1_000 }));
    const trades = makeTrades(4_000);

    // kill the node that leads the stream: the worst case (a new leader must be elected)
    const info = await (await jetstreamManager(gn.nc)).streams.info('HA');
    const leader = /-n(\d+)$/.exec(info.cluster?.leader ?? '')?.[1];
    const victim = cluster.servers[leader ? Number(leader) - 1 : 0]!;
    const run = await publishWithFault(publisher, trades, 1_500, () => victim.kill());
    await run.faultDone;
    await publisher.flush();

    expect(victim.running).toBe(false);
    expect(publisher.stats()).toMatchObject({ publishedJetStream: trades.length, inFlight: 0, buffered: 0 });
    const stored = await readStream(gn.nc, 'HA');
    const ids = stored.map((s) => s.msgId);
    expect(ids).toHaveLength(trades.length);
    expect(new Set(ids).size).toBe(trades.length);
    expect([...ids].sort()).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)).sort());
  }, 60_000);

  it.each([
    ['checks the stream before resending: a core subscriber sees each trade once, in order', 'STALL', true],
    ['without a stream to ask, resends blindly: the core subscriber sees repeats (what the check prevents)', undefined, false],
  ] as const)('a server frozen (SIGSTOP) for longer than the ack timeout %s', async (_what, streamOption, exactOnCore) => {
    const server = await NatsServer.start();
    cleanup.push(() => server.stop());
    const gn = await connectNats({ servers: server.url, reconnectTimeWaitMs: 100, reconnectJitterMs: 50 });
    cleanup.push(() => gn.close());
    await ensureStream(gn.nc, { name: 'STALL' });
    const watcher = await connect({ servers: server.url });
    cleanup.push(() => watcher.close());
    const onCore: string[] = [];
    watcher.subscribe('md.trade.>', { callback: (_e, m) => void onCore.push((JSON.parse(m.string()) as Trade).id) });
    await watcher.flush();

    const publisher = createPublisher(gn.nc, { window: 200, maxBuffered: 1_000, ackTimeoutMs: 800, retryDelayMs: 50, retryDelayMaxMs: 200, ...(streamOption ? { stream: streamOption } : {}) });
    cleanup.push(() => publisher.close({ timeoutMs: 1_000 }));
    const trades = makeTrades(3_000);
    const run = await publishWithFault(publisher, trades, 1_000, async () => {
      await server.freeze();
      await new Promise((r) => setTimeout(r, 2_000)); // the stall itself: longer than the ack timeout
      server.thaw();
    });
    await run.faultDone;
    await publisher.flush();
    await waitFor(() => onCore.length >= trades.length, { timeoutMs: 10_000, message: 'the core subscriber to see every trade' });
    await watcher.flush();

    const stored = await readStream(gn.nc, 'STALL');
    expect(stored.map((m) => m.msgId)).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
    const stats = publisher.stats();
    expect(stats.failures).toBeGreaterThan(0); // the stall was seen
    const repeats = onCore.length - new Set(onCore).size;
    if (exactOnCore) {
      expect(stats.confirmedStored).toBeGreaterThan(0);
      expect(repeats).toBe(0);
      expect(onCore).toEqual(trades.map((t) => t.id));
    } else {
      expect(repeats).toBeGreaterThan(0);
    }
  }, 60_000);
});
