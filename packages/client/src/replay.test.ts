import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ALL_SUBJECTS, encodeToString, serializeTrade, tradeMsgId, type Status, type Trade } from '@tickgate/schema';
import { NatsServer, waitFor } from '@tickgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, status, take, trade } from '../test/helpers.js';
import { TickgateClient } from './client.js';
import { ClientError } from './errors.js';
import type { MarketValue } from './events.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
const clients: TickgateClient[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'MD', subjects: [ALL_SUBJECTS] });
  js = jetstream(nc);
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function open(stream?: string): Promise<TickgateClient> {
  const client = await TickgateClient.connect({ servers: server.url, ...(stream ? { stream } : {}) });
  clients.push(client);
  return client;
}

/** Store a trade in the stream; returns its stream sequence. */
async function store(t: Trade): Promise<number> {
  const ack = await js.publish(`md.trade.${t.venue}.${t.instrument}`, serializeTrade(t), { msgID: tradeMsgId(t.venue, t.instrument, t.id) });
  return ack.seq;
}

async function storeStatus(s: Status): Promise<number> {
  const subject = s.instrument ? `md.status.${s.venue}.${s.instrument}` : `md.status.${s.venue}`;
  return (await js.publish(subject, encodeToString(s))).seq;
}

async function storedTime(seq: number): Promise<Date> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.getMessage('MD', { seq }))!.time;
}

const label = (v: MarketValue) => (v.type === 'trade' ? `${v.venue}/${v.instrument}/${v.id}@${v.seq}` : `status:${v.state}@${v.seq}`);

describe('TickgateClient.replay', () => {
  it('replays from a stream sequence: the exact set, in order, with seq attached, then ends', async () => {
    const seqs: number[] = [];
    for (let n = 1; n <= 5; n++) seqs.push(await store(trade('rseq', 'BTC-USDT', n)));
    await store(trade('rseq', 'ETH-USDT', 6));
    await store(trade('other', 'BTC-USDT', 7));
    const client = await open();
    const values = await collect(client.replay({ venue: 'rseq', instrument: 'BTC-USDT', since: { seq: seqs[2]! } }));
    expect(values.map(label)).toEqual([3, 4, 5].map((n) => `rseq/BTC-USDT/${n}@${seqs[n - 1]}`));
    expect(values[0]!.priceDecimal().toString()).toBe('97123.45');
    // One venue, every instrument.
    expect((await collect(client.replay({ venue: 'rseq', since: { seq: seqs[0]! } }))).map((t) => t.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    // One instrument across venues, up to a sequence.
    const upTo = await collect(client.replay({ instrument: 'BTC-USDT', since: { seq: seqs[0]! }, until: { seq: seqs[3]! } }));
    expect(upTo.map((t) => t.id)).toEqual(['1', '2', '3', '4']);
  });

  it('replays from a time: only what was stored after it', async () => {
    let last = 0;
    for (let n = 1; n <= 3; n++) last = await store(trade('rtime', 'BTC-USDT', n));
    const since = new Date((await storedTime(last)).getTime() + 1);
    await waitFor(() => Date.now() > since.getTime() + 1, { message: 'clock passed the cut' });
    for (let n = 4; n <= 6; n++) await store(trade('rtime', 'BTC-USDT', n));
    const client = await open();
    const values = await collect(client.replay({ venue: 'rtime', since }));
    expect(values.map((t) => t.id)).toEqual(['4', '5', '6']);
    expect(values.every((t) => typeof t.seq === 'number' && t.seq > last)).toBe(true);
    // A duration reaches back from now: everything above was stored within the last hour.
    expect((await collect(client.replay({ venue: 'rtime', since: '1h' }))).map((t) => t.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    // `until` a time stops before what came after it.
    expect((await collect(client.replay({ venue: 'rtime', since: '1h', until: since }))).map((t) => t.id)).toEqual(['1', '2', '3']);
  });

  it('interleaves status events in stream order when asked', async () => {
    const first = await storeStatus(status('rstat', 'connected'));
    await store(trade('rstat', 'BTC-USDT', 1));
    await storeStatus(status('rstat', 'gap', 'BTC-USDT', { fromId: '2', toId: '3', count: 2 }));
    await storeStatus(status('rstat', 'gap', 'ETH-USDT'));
    await store(trade('rstat', 'ETH-USDT', 9));
    await store(trade('rstat', 'BTC-USDT', 4));
    await storeStatus(status('rstat', 'unrecoverable', 'BTC-USDT', { fromId: '2', toId: '3' }));
    const client = await open();
    const values = await collect(client.replay({ venue: 'rstat', instrument: 'BTC-USDT', includeStatus: true, since: { seq: first } }));
    expect(values.map((v) => (v.type === 'trade' ? v.id : v.state))).toEqual(['connected', '1', 'gap', '4', 'unrecoverable']);
    expect(values.map((v) => v.seq)).toEqual([...values.map((v) => v.seq)].sort((a, b) => a - b));
    // Without includeStatus, trades only.
    expect((await collect(client.replay({ venue: 'rstat', instrument: 'BTC-USDT', since: { seq: first } }))).map((t) => t.id)).toEqual(['1', '4']);
  });

  it('skips and counts malformed stored messages, also when the last one is malformed', async () => {
    const first = await store(trade('rbad', 'BTC-USDT', 1));
    await js.publish('md.trade.rbad.BTC-USDT', 'garbage');
    await js.publish('md.trade.rbad.BTC-USDT', serializeTrade(trade('rbad', 'BTC-USDT', 2)).replace('"v":1', '"v":2'));
    await store(trade('rbad', 'BTC-USDT', 3));
    await js.publish('md.trade.rbad.BTC-USDT', serializeTrade(trade('rbad', 'BTC-USDT', 4)).replace('"price":"97123.45"', '"price":"1e3"'));
    const malformed: string[] = [];
    const client = await open();
    const replay = client.replay({ venue: 'rbad', since: { seq: first }, onMalformed: (e) => malformed.push(e.path) });
    expect((await collect(replay)).map((t) => t.id)).toEqual(['1', '3']);
    expect(replay.stats).toEqual({ received: 5, delivered: 2, malformed: 3, dropped: 0, repeats: 0 });
    expect(malformed).toEqual(['', 'trade.v', 'trade.price']);
    expect(client.stats.malformed).toBe(3);
  });

  it('ends at once when nothing is stored after the start', async () => {
    const client = await open();
    const values = await collect(client.replay({ venue: 'rnone', since: '1m' }));
    expect(values).toEqual([]);
  });

  it('follows live after catching up, and leaving the loop deletes the consumer', async () => {
    const first = await store(trade('rfol', 'BTC-USDT', 1));
    await store(trade('rfol', 'BTC-USDT', 2));
    const jsm = await jetstreamManager(nc);
    const consumerCount = async () => (await jsm.consumers.list('MD').next()).length;
    const before = await consumerCount();
    const client = await open();
    const replay = client.replay({ venue: 'rfol', since: { seq: first }, follow: true });
    expect((await take(replay, 2)).map((t) => t.id)).toEqual(['1', '2']);
    expect(await consumerCount()).toBe(before + 1);
    const pending = replay.next(); // caught up: waits for the next stored trade
    await store(trade('rfol', 'BTC-USDT', 3));
    expect((await pending).value?.id).toBe('3');
    await store(trade('rfol', 'BTC-USDT', 4));
    await store(trade('rfol', 'BTC-USDT', 5));
    const seen: string[] = [];
    for await (const t of replay) {
      seen.push(t.id);
      if (t.id === '4') break;
    }
    expect(seen).toEqual(['4']);
    await waitFor(async () => (await consumerCount()) === before, { message: 'the ordered consumer was deleted' });
    expect(await replay.next()).toEqual({ done: true, value: undefined });
  });

  it('client.close() ends a replay that is waiting for live messages', async () => {
    const first = await store(trade('rclose', 'BTC-USDT', 1));
    const client = await open();
    const replay = client.replay({ venue: 'rclose', since: { seq: first }, follow: true });
    expect((await take(replay, 1)).map((t) => t.id)).toEqual(['1']);
    const pending = replay.next();
    await client.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(() => client.replay({ since: '1m' })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_CLOSED' }));
  });

  it('reports a missing stream with a stable code on the first read', async () => {
    const client = await open('NOPE');
    const replay = client.replay({ since: '10m' });
    const error = await replay.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'TICKGATE_CLIENT_STREAM_NOT_FOUND' });
    expect(await replay.next()).toEqual({ done: true, value: undefined });
  });

  it('is flow-controlled: a slow reader gets everything, nothing is dropped', async () => {
    const first = await store(trade('rslow', 'BTC-USDT', 1));
    const total = 600;
    await Promise.all(Array.from({ length: total - 1 }, (_, i) => store(trade('rslow', 'BTC-USDT', i + 2))));
    const client = await open();
    const replay = client.replay({ venue: 'rslow', since: { seq: first }, batchSize: 50 });
    const ids: number[] = [];
    for await (const t of replay) {
      ids.push(Number(t.id));
      if (ids.length % 100 === 0) await new Promise((r) => setImmediate(r)); // let the network run while we lag
    }
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(replay.stats).toEqual({ received: total, delivered: total, malformed: 0, dropped: 0, repeats: 0 });
  });
});
