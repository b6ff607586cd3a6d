import { DiscardPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { MSG_ID_HEADER, serializeTrade, tradeMsgId, WireDecodeError, type Status, type Trade } from '@tickgate/schema';
import { NatsServer, waitFor } from '@tickgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PublisherClosedError, PublishOverflowError } from './errors.js';
import { createPublisher, statusMsgId, type Publisher, type PublisherOptions } from './publisher.js';
import { ensureStream } from './stream.js';

const T0 = 1_700_000_000_000_000;

/** `n` schema-valid trades with consecutive ids from `first`. */
function makeTrades(n: number, options: { venue?: string; instrument?: string; first?: number } = {}): Trade[] {
  const first = options.first ?? 1;
  return Array.from({ length: n }, (_, i) => ({
    v: 1,
    type: 'trade',
    venue: options.venue ?? 'binance',
    instrument: options.instrument ?? 'BTC-USDT',
    symbol: 'BTCUSDT',
    id: String(first + i),
    price: `${97_000 + (i % 100)}.5`,
    quantity: '0.001',
    side: i % 2 ? 'buy' : 'sell',
    tradeTime: T0 + i,
    receiveTime: T0 + i + 250,
    source: 'ws',
  }));
}

async function publishAll(publisher: Publisher, trades: Trade[]): Promise<number> {
  let waits = 0;
  for (const t of trades) {
    const wait = publisher.publishTrade(t);
    if (wait) {
      waits += 1;
      await wait;
    }
  }
  return waits;
}

interface Stored {
  seq: number;
  subject: string;
  msgId: string | undefined;
  data: string;
}

async function readStream(nc: NatsConnection, stream: string): Promise<Stored[]> {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  const total = info.state.messages;
  const out: Stored[] = [];
  if (total === 0) return out;
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push({ seq: m.seq, subject: m.subject, msgId: m.headers?.get(MSG_ID_HEADER), data: m.string() });
    if (out.length >= total) break;
  }
  await messages.close();
  return out;
}

describe('Publisher', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let streamNo = 0;
  let stream: string;
  const publishers: Publisher[] = [];

  function publisher(options: PublisherOptions = {}): Publisher {
    const p = createPublisher(nc, options);
    publishers.push(p);
    return p;
  }

  async function freshStream(subjects = ['md.>']): Promise<void> {
    if (stream) await (await jetstreamManager(nc)).streams.delete(stream);
    stream = `PUB${++streamNo}`;
    await ensureStream(nc, { name: stream, subjects });
  }

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url, noAsyncTraces: true });
  });
  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((p) => p.close({ timeoutMs: 2_000 })));
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('stores N trades exactly once, in order, with their msg ids and serialized payloads', async () => {
    await freshStream();
    const trades = [...makeTrades(1_500), ...makeTrades(500, { instrument: 'ETH-USDT', first: 9_001 })];
    const p = publisher({ window: 100 });
    await publishAll(p, trades);
    await p.flush();
    const stored = await readStream(nc, stream);
    expect(stored).toHaveLength(trades.length);
    stored.forEach((s, i) => {
      const t = trades[i]!;
      expect(s.seq).toBe(i + 1);
      expect(s.subject).toBe(`md.trade.binance.${t.instrument}`);
      expect(s.msgId).toBe(tradeMsgId(t.venue, t.instrument, t.id));
      expect(s.data).toBe(serializeTrade(t));
    });
    expect(p.stats()).toMatchObject({ mode: 'jetstream', publishedJetStream: 2_000, acked: 2_000, duplicates: 0, retries: 0, failures: 0, inFlight: 0, buffered: 0 });
  });

  it('does not store re-published trades (a second replica, a replay)', async () => {
    await freshStream();
    const trades = makeTrades(300);
    const first = publisher();
    await publishAll(first, trades);
    await first.flush();
    const second = publisher();
    await publishAll(second, [...trades.slice(100), ...makeTrades(50, { first: 301 })]);
    await second.flush();
    expect(second.stats()).toMatchObject({ acked: 250, duplicates: 200 });
    const stored = await readStream(nc, stream);
    expect(stored.map((s) => s.msgId)).toEqual(makeTrades(350).map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
  });

  it('holds the caller with a promise when maxBuffered messages are unacknowledged, and refuses at twice that', async () => {
    await freshStream();
    const trades = makeTrades(25);
    const p = publisher({ window: 4, maxBuffered: 10 });
    const results = trades.slice(0, 20).map((t) => {
      const r = p.publishTrade(t);
      expect(p.stats().inFlight).toBeLessThanOrEqual(4);
      return r;
    });
    expect(results.slice(0, 9).every((r) => r === undefined)).toBe(true);
    expect(results.slice(9).every((r) => r instanceof Promise)).toBe(true);
    expect(() => p.publishTrade(trades[20]!)).toThrow(PublishOverflowError);
    expect(p.stats()).toMatchObject({ rejected: 1, buffered: 20 });
    await results[9];
    expect(p.buffered).toBeLessThanOrEqual(5);
    await p.ready();
    await publishAll(p, trades.slice(20));
    await p.flush();
    const stored = await readStream(nc, stream);
    expect(stored.map((s) => s.msgId)).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
  });

  it('publishes status events, validated, deduplicating identical range reports', async () => {
    await freshStream();
    const p = publisher();
    const gap: Status = { v: 1, type: 'status', venue: 'binance', instrument: 'BTC-USDT', state: 'gap', time: T0, fromId: '10', toId: '12', count: 3, reason: 'disconnect' };
    await p.publishStatus(gap);
    await p.publishStatus({ ...gap, time: T0 + 5_000, message: 'seen by another replica' });
    const down: Status = { v: 1, type: 'status', venue: 'binance', state: 'disconnected', time: T0 };
    await p.publishStatus(down);
    await p.publishStatus({ ...down, time: T0 + 1 });
    await p.publishStatus({ ...down, time: T0 + 1 });
    await expect(p.publishStatus({ ...down, state: 'sleepy' } as unknown as Status)).rejects.toThrow(WireDecodeError);
    await expect(p.publishStatus({ ...down, extra: 1 } as unknown as Status)).rejects.toThrow(WireDecodeError);
    expect(p.stats()).toMatchObject({ publishedStatus: 5, acked: 5, duplicates: 2 });
    const stored = await readStream(nc, stream);
    expect(stored.map((s) => s.subject)).toEqual(['md.status.binance.BTC-USDT', 'md.status.binance', 'md.status.binance']);
    expect(stored.map((s) => s.msgId)).toEqual([statusMsgId(gap), statusMsgId(down), statusMsgId({ ...down, time: T0 + 1 })]);
    expect(JSON.parse(stored[0]!.data)).toEqual(gap);
    expect(statusMsgId(gap)).toMatch(/^status:binance:BTC-USDT:gap:[\w-]{22}$/);
  });

  it('core mode delivers every trade to a subscriber, with the msg id header, yielding now and then', async () => {
    const sub = await connect({ servers: server.url, noAsyncTraces: true });
    try {
      const received: Msg[] = [];
      sub.subscribe('md.trade.>', { callback: (_err, msg) => void received.push(msg) });
      await sub.flush();
      const trades = makeTrades(5_000);
      const p = publisher({ mode: 'core', yieldEvery: 1_000 });
      const waits = await publishAll(p, trades);
      expect(waits).toBe(5);
      await p.flush();
      await waitFor(() => received.length >= trades.length, { message: 'subscriber got every trade' });
      expect(received).toHaveLength(trades.length);
      received.forEach((m, i) => {
        const t = trades[i]!;
        expect(m.subject).toBe('md.trade.binance.BTC-USDT');
        expect(m.headers?.get(MSG_ID_HEADER)).toBe(tradeMsgId(t.venue, t.instrument, t.id));
        expect(m.string()).toBe(serializeTrade(t));
      });
      expect(p.stats()).toMatchObject({ mode: 'core', publishedCore: 5_000, publishedJetStream: 0, acked: 0 });
    } finally {
      await sub.close();
    }
  });

  it('core mode publishes status events on the status subject', async () => {
    const sub = await connect({ servers: server.url, noAsyncTraces: true });
    try {
      const received: Msg[] = [];
      sub.subscribe('md.status.>', { callback: (_err, msg) => void received.push(msg) });
      await sub.flush();
      const p = publisher({ mode: 'core' });
      const status: Status = { v: 1, type: 'status', venue: 'binance', instrument: 'ETH-USDT', state: 'stale', time: T0 };
      await p.publishStatus(status);
      await p.flush();
      await waitFor(() => received.length === 1);
      expect(received[0]!.subject).toBe('md.status.binance.ETH-USDT');
      expect(received[0]!.headers?.get(MSG_ID_HEADER)).toBe(statusMsgId(status));
    } finally {
      await sub.close();
    }
  });

  it('retries, in order, until a stream captures the subjects (no responders meanwhile)', async () => {
    await freshStream(['other.>']);
    const trades = makeTrades(50, { venue: 'kraken', instrument: 'XBT-USD' });
    const p = publisher({ window: 10, retryDelayMs: 20, retryDelayMaxMs: 100 });
    await publishAll(p, trades);
    await waitFor(() => p.stats().failures >= 3, { message: 'publishes fail while no stream captures them' });
    expect(p.stats().acked).toBe(0);
    const flushed = p.flush();
    await (await jetstreamManager(nc)).streams.update(stream, { subjects: ['other.>', 'md.>'] });
    await flushed;
    const stored = await readStream(nc, stream);
    expect(stored.map((s) => s.msgId)).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
    expect(p.stats()).toMatchObject({ acked: 50, buffered: 0, inFlight: 0 });
    expect(p.stats().retries).toBeGreaterThanOrEqual(3);
  });

  it('retries a message the stream refuses (API error: stream full, discard new) until there is room', async () => {
    await freshStream(['other.>']);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream);
    await jsm.streams.add({ name: stream, subjects: ['md.>'], max_msgs: 10, discard: DiscardPolicy.New });
    const trades = makeTrades(25, { first: 700 });
    const p = publisher({ window: 5, retryDelayMs: 20, retryDelayMaxMs: 50 });
    await publishAll(p, trades);
    await waitFor(() => p.stats().acked === 10 && p.stats().failures >= 2, { message: 'ten stored, the rest refused' });
    const flushed = p.flush();
    await jsm.streams.update(stream, { subjects: ['md.>'], max_msgs: -1 });
    await flushed;
    const stored = await readStream(nc, stream);
    expect(stored.map((s) => s.msgId)).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
    expect(stored.map((s) => s.data)).toEqual(trades.map(serializeTrade));
    expect(p.stats()).toMatchObject({ acked: 25, buffered: 0, inFlight: 0 });
  });

  it('fails a publish whose acknowledgement never comes or cannot be read, and resends it until the stream stores it', async () => {
    await freshStream(['other.>']);
    // A plain subscriber on the subject is a responder that never acknowledges, then one that answers nonsense.
    let answer: string | undefined = undefined;
    let seen = 0;
    const impostor = nc.subscribe('md.trade.>', {
      callback: (_error, msg) => {
        seen += 1;
        if (answer !== undefined) msg.respond(answer);
      },
    });
    await nc.flush();
    const trades = makeTrades(8, { first: 900 });
    const p = publisher({ window: 4, ackTimeoutMs: 150, retryDelayMs: 20, retryDelayMaxMs: 40 });
    await publishAll(p, trades);
    await waitFor(() => p.stats().failures >= 2, { message: 'unacknowledged publishes time out' });
    expect(p.stats().acked).toBe(0);
    answer = 'not a JetStream reply';
    const failuresBefore = p.stats().failures;
    await waitFor(() => p.stats().failures >= failuresBefore + 2, { message: 'unreadable replies count as failures' });
    expect(p.stats().acked).toBe(0);
    impostor.unsubscribe();
    await nc.flush();
    const flushed = p.flush();
    await (await jetstreamManager(nc)).streams.update(stream, { subjects: ['other.>', 'md.>'] });
    await flushed;
    const stored = await readStream(nc, stream);
    expect(stored.map((s) => s.msgId)).toEqual(trades.map((t) => tradeMsgId(t.venue, t.instrument, t.id)));
    expect(seen).toBeGreaterThan(0);
    expect(p.stats()).toMatchObject({ acked: 8, buffered: 0, inFlight: 0 });
  });

  it('takes its acknowledgements under the connection’s inbox prefix', async () => {
    await freshStream();
    const prefixed = await connect({ servers: server.url, noAsyncTraces: true, inboxPrefix: 'tickgate.replies' });
    const seen: string[] = [];
    const spy = nc.subscribe('tickgate.replies.>', {
      callback: (_e, m) => {
        seen.push(m.subject);
      },
    });
    await nc.flush();
    try {
      const p = createPublisher(prefixed);
      await publishAll(p, makeTrades(3, { first: 40 }));
      await p.flush();
      expect(p.stats()).toMatchObject({ acked: 3 });
      await waitFor(() => seen.length === 3);
      expect(seen.every((s) => s.startsWith('tickgate.replies.'))).toBe(true);
      await p.close();
    } finally {
      spy.unsubscribe();
      await prefixed.close();
    }
  });

  it('gives up at close after the timeout, counting what it abandons and failing pending status events', async () => {
    await freshStream(['other.>']);
    const p = publisher({ window: 10, retryDelayMs: 20 });
    await publishAll(p, makeTrades(5));
    const status = p.publishStatus({ v: 1, type: 'status', venue: 'binance', state: 'connected', time: T0 });
    const statusOutcome = status.catch((error: unknown) => error);
    expect(await p.close({ timeoutMs: 200 })).toEqual({ abandoned: 6 });
    expect(await statusOutcome).toBeInstanceOf(PublisherClosedError);
  });

  it('refuses to publish after close', async () => {
    const p = publisher();
    expect(await p.close()).toEqual({ abandoned: 0 });
    expect(() => p.publishTrade(makeTrades(1)[0]!)).toThrow(PublisherClosedError);
    await expect(p.publishStatus({ v: 1, type: 'status', venue: 'binance', state: 'connected', time: T0 })).rejects.toThrow(PublisherClosedError);
  });

  it('rejects a bad window', () => {
    expect(() => createPublisher(nc, { window: 0 })).toThrow(RangeError);
  });
});

describe('createPublisher', () => {
  it('refuses an unknown mode with a clear error', () => {
    const nc = { isClosed: () => false } as unknown as NatsConnection;
    expect(() => createPublisher(nc, { mode: 'fast' as never })).toThrow('publish mode must be "jetstream" or "core", got "fast"');
  });
});
