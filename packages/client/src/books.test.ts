import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { bboSubject, BOOK_STREAM_SUBJECTS, bookSubject, encodeBbo, encodeBook, serializeTrade, WireDecodeError, type Bbo, type Book } from '@tickgate/schema';
import { NatsServer, waitFor } from '@tickgate/testing';
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BookFeed, type Level } from '../test/book-feed.js';
import { take, trade } from '../test/helpers.js';
import type { BboValue } from './books.js';
import { TickgateClient } from './client.js';
import { ClientError } from './errors.js';
import type { BookResync, BookState } from './order-book.js';

const STREAM = 'MD_BOOK';
let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
const clients: TickgateClient[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  // As the gateway will create it: the book subjects, a limited age.
  await jsm.streams.add({ name: STREAM, subjects: [...BOOK_STREAM_SUBJECTS], max_age: 10 * 60 * 1_000_000_000 });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function open(options: Partial<Parameters<typeof TickgateClient.connect>[0]> = {}): Promise<TickgateClient> {
  const client = await TickgateClient.connect({ servers: server.url, ...options });
  clients.push(client);
  return client;
}

/**
 * Publishes a feed's messages as the gateway does (core NATS; the stream captures them) and remembers
 * the reference book after each one, by `seq`.
 */
class Gateway {
  readonly expected = new Map<number, { bids: Level[]; asks: Level[]; updateId: string }>();
  published = 0;
  constructor(readonly feed: BookFeed) {}

  get subject(): string {
    return bookSubject(this.feed.venue, this.feed.instrument);
  }

  send(book: Book): void {
    nc.publish(this.subject, encodeBook(book));
    this.published++;
    this.expected.set(book.seq, { ...this.feed.expected(), updateId: book.updateId });
  }

  snapshot(): void {
    this.send(this.feed.snapshot());
  }

  deltas(n: number): void {
    for (let i = 0; i < n; i++) this.send(this.feed.delta());
  }

  /** Something else on the book subject (a malformed message). */
  raw(data: string): void {
    nc.publish(this.subject, data);
    this.published++;
  }

  /** Wait until the stream holds everything published so far on the subject. */
  async stored(): Promise<void> {
    await nc.flush();
    await waitFor(async () => (await jsm.streams.info(STREAM, { subjects_filter: this.subject })).state.subjects?.[this.subject] === this.published, {
      message: `stream holds ${this.published} messages on ${this.subject}`,
    });
  }

  /** Stream time of the last message stored on the subject. */
  async lastStoredTime(): Promise<Date> {
    await this.stored();
    return (await jsm.streams.getMessage(STREAM, { last_by_subj: this.subject }))!.time;
  }
}

/** A state as plain data, to compare with the reference. */
const plain = (s: BookState) => ({ bids: s.bids.map((l) => ({ ...l })), asks: s.asks.map((l) => ({ ...l })), updateId: s.updateId });

function expectReference(states: BookState[], gateway: Gateway, seqs: number[]): void {
  expect(states.map((s) => s.seq)).toEqual(seqs);
  for (const s of states) {
    expect(plain(s), `state at seq ${s.seq}`).toEqual(gateway.expected.get(s.seq));
    expect(s.venue).toBe(gateway.feed.venue);
    expect(s.instrument).toBe(gateway.feed.instrument);
  }
}

/** Every book message read is accounted for. */
function expectBalanced(stats: { received: number; delivered: number; malformed: number; skipped: number; crossed: number }): void {
  expect(stats.received).toBe(stats.delivered + stats.malformed + stats.skipped + stats.crossed);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('TickgateClient.books', () => {
  it('follows the book through snapshots and deltas, stored and live, level for level', async () => {
    const gw = new Gateway(new BookFeed('bkfollow', 'BTC-USDT', 11));
    gw.snapshot();
    gw.deltas(30);
    await gw.stored();
    const client = await open();
    const sub = client.books({ venue: 'bkfollow', instrument: 'BTC-USDT' });
    expect(sub.subjects).toEqual(['md.book.bkfollow.BTC-USDT']);
    const stored = await take(sub, 31);
    expectReference(stored, gw, range(1, 31));
    // live: a periodic snapshot, then more deltas
    gw.snapshot();
    gw.deltas(30);
    const live = await take(sub, 31);
    expectReference(live, gw, range(32, 62));
    expect(live[0]!.exchangeTime).toBeGreaterThan(stored[30]!.exchangeTime!);
    expect(sub.synced).toBe(true);
    expect(sub.stats).toMatchObject({ received: 62, delivered: 62, malformed: 0, resyncs: 0, crossed: 0, skipped: 0 });
    expectBalanced(sub.stats);
    expect(client.stats).toMatchObject({ received: 62, delivered: 62 });
  });

  it('a late joiner starts from the last snapshot in its lookback and skips the deltas before it', async () => {
    const gw = new Gateway(new BookFeed('bklate', 'ETH-USDT', 12));
    gw.snapshot(); // seq 1
    gw.deltas(139); // 2..140
    const cut = await gw.lastStoredTime();
    await new Promise((r) => setTimeout(r, 50));
    gw.deltas(11); // 141..151: before the joiner's snapshot
    gw.snapshot(); // 152
    gw.deltas(50); // 153..202
    await gw.stored();
    const client = await open();
    const sub = client.books({ venue: 'bklate', instrument: 'ETH-USDT', lookbackMs: Date.now() - cut.getTime() - 1 });
    const states = await take(sub, 51);
    expectReference(states, gw, range(152, 202));
    expect(sub.stats).toMatchObject({ received: 62, delivered: 51, skipped: 11, resyncs: 0 });
    expectBalanced(sub.stats);
  });

  it('after a missed message yields nothing until the next snapshot, and counts it', async () => {
    const gw = new Gateway(new BookFeed('bkgap', 'BTC-USDT', 13));
    const client = await open();
    const resyncs: BookResync[] = [];
    const sub = client.books({ venue: 'bkgap', instrument: 'BTC-USDT', onResync: (r) => resyncs.push(r) });
    gw.snapshot(); // 1
    gw.deltas(9); // 2..10
    const before = await take(sub, 10);
    expectReference(before, gw, range(1, 10));
    gw.feed.lostDelta(); // 11: never reaches the stream
    gw.deltas(2); // 12, 13
    let settled = false;
    const pending = sub.next().finally(() => (settled = true));
    await waitFor(() => sub.stats.received === 12, { message: 'both deltas after the gap read' });
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    expect(sub.synced).toBe(false);
    expect(resyncs).toEqual([{ reason: 'gap', seq: 12, expectedSeq: 11 }]);
    gw.snapshot(); // 14
    gw.deltas(3); // 15..17
    const after = [(await pending).value as BookState, ...(await take(sub, 3))];
    expectReference(after, gw, range(14, 17));
    expect(sub.stats).toMatchObject({ received: 16, delivered: 14, resyncs: 1, skipped: 2, crossed: 0 });
    expectBalanced(sub.stats);
  });

  it('a delta that crosses the book is a break: nothing until the next snapshot', async () => {
    const gw = new Gateway(new BookFeed('bkcross', 'BTC-USDT', 14));
    gw.snapshot(); // 1
    gw.deltas(5); // 2..6
    gw.send(gw.feed.crossingDelta()); // 7
    gw.deltas(2); // 8, 9
    gw.snapshot(); // 10
    gw.deltas(2); // 11, 12
    await gw.stored();
    const client = await open();
    const resyncs: BookResync[] = [];
    const sub = client.books({ venue: 'bkcross', instrument: 'BTC-USDT', onResync: (r) => resyncs.push(r) });
    const states = await take(sub, 9);
    expectReference(states, gw, [...range(1, 6), 10, 11, 12]);
    for (const s of states) expect(new Decimal(s.bids[0]!.price).lt(s.asks[0]!.price), `seq ${s.seq} not crossed`).toBe(true);
    expect(sub.stats).toMatchObject({ received: 12, delivered: 9, resyncs: 1, crossed: 1, skipped: 2 });
    expectBalanced(sub.stats);
    expect(resyncs).toEqual([{ reason: 'crossed', seq: 7, expectedSeq: 7 }]);
  });

  it('skips malformed messages, reports them, and stays in sync', async () => {
    const gw = new Gateway(new BookFeed('bkbad', 'BTC-USDT', 15));
    const other = new BookFeed('bkbad', 'ETH-USDT');
    gw.snapshot(); // 1
    gw.deltas(1); // 2
    gw.raw('not json');
    const bad = { v: 1, type: 'book', venue: 'bkbad', instrument: 'BTC-USDT', symbol: 'BTCUSDT', action: 'delta', seq: 3, updateId: '1', receiveTime: 1_700_000_000_000_000, bids: [['9.990', '1']], asks: [] };
    gw.raw(JSON.stringify(bad)); // a non-canonical price
    gw.raw(encodeBook(other.snapshot())); // another instrument's book on this subject
    gw.raw(serializeTrade(trade('bkbad', 'BTC-USDT', 1))); // a trade on the book subject
    gw.deltas(1); // 3
    gw.deltas(1); // 4
    await gw.stored();
    const seen: [WireDecodeError, string][] = [];
    const clientSeen: string[] = [];
    const client = await open({ onMalformed: (_e, subject) => clientSeen.push(subject) });
    const sub = client.books({ venue: 'bkbad', instrument: 'BTC-USDT', onMalformed: (e, subject) => seen.push([e, subject]) });
    const states = await take(sub, 4);
    expectReference(states, gw, [1, 2, 3, 4]);
    expect(sub.stats).toMatchObject({ received: 8, delivered: 4, malformed: 4, resyncs: 0 });
    expectBalanced(sub.stats);
    expect(seen.map(([e]) => e)).toEqual([expect.any(WireDecodeError), expect.any(WireDecodeError), expect.any(WireDecodeError), expect.any(WireDecodeError)]);
    expect(seen.map(([e]) => e.path)).toEqual(['', 'book.bids.0.0', 'subject', 'type']);
    expect(seen.every(([, subject]) => subject === gw.subject)).toBe(true);
    expect(clientSeen).toHaveLength(4);
    expect(client.stats.malformed).toBe(4);
  });

  it('depth limits the levels per side; close() ends a waiting loop and deletes the consumer', async () => {
    const gw = new Gateway(new BookFeed('bkdepth', 'BTC-USDT', 16));
    gw.snapshot();
    gw.deltas(3);
    const client = await open();
    const sub = client.books({ venue: 'bkdepth', instrument: 'BTC-USDT', depth: 2 });
    const states = await take(sub, 4);
    expect(states.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    for (const s of states) {
      const e = gw.expected.get(s.seq)!;
      expect(plain(s)).toEqual({ bids: e.bids.slice(0, 2), asks: e.asks.slice(0, 2), updateId: e.updateId });
    }
    const mine = async () => (await jsm.consumers.list(STREAM).next()).filter((c) => c.config.filter_subject === gw.subject || c.config.filter_subjects?.includes(gw.subject)).length;
    expect(await mine()).toBe(1);
    const pending = sub.next();
    await sub.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await waitFor(async () => (await mine()) === 0, { message: 'consumer deleted' });
  });

  it('rejects bad options at the call and a missing stream at the first next()', async () => {
    const client = await open();
    const bad = (options: object) => () => client.books(options as never);
    for (const options of [{}, { venue: 'binance' }, { venue: 'binance', instrument: '*' }, { venue: 'Binance', instrument: 'BTC-USDT' }, { venue: 'binance', instrument: 'BTC-USDT', depth: 0 }, { venue: 'binance', instrument: 'BTC-USDT', depth: 1.5 }, { venue: 'binance', instrument: 'BTC-USDT', lookbackMs: -1 }, { venue: 'binance', instrument: 'BTC-USDT', stream: 'MD.BOOK' }]) {
      expect(bad(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
    }
    const sub = client.books({ venue: 'binance', instrument: 'BTC-USDT', stream: 'NO_SUCH_STREAM' });
    await expect(sub.next()).rejects.toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_STREAM_NOT_FOUND' }));
    await client.close();
    expect(() => client.books({ venue: 'binance', instrument: 'BTC-USDT' })).toThrow(ClientError);
  });
});

describe('TickgateClient.bbo', () => {
  const bbo = (instrument: string, n: number, overrides: Partial<Bbo> = {}): Bbo => ({
    v: 1,
    type: 'bbo',
    venue: 'bbovenue',
    instrument,
    symbol: instrument.replace('-', ''),
    updateId: String(500 + n),
    bidPrice: `99.${n}`,
    bidSize: `${n}.5`,
    askPrice: `100.${n}`,
    askSize: '2',
    exchangeTime: 1_700_000_000_000_000 + n,
    receiveTime: 1_700_000_000_000_100 + n,
    ...overrides,
  });

  it('delivers decoded best bid and offer values of the selection, and skips malformed ones', async () => {
    const malformed: string[] = [];
    const client = await open();
    const one = client.bbo({ venue: 'bbovenue', instrument: 'BTC-USDT', onMalformed: (e) => malformed.push(e.path) });
    const all = client.bbo();
    expect(one.subjects).toEqual(['md.bbo.bbovenue.BTC-USDT']);
    expect(all.subjects).toEqual(['md.bbo.>']);
    await client.connection.flush();
    const sent = [bbo('BTC-USDT', 1), bbo('BTC-USDT', 2), bbo('BTC-USDT', 3)];
    const subject = bboSubject('bbovenue', 'BTC-USDT');
    nc.publish(subject, encodeBbo(sent[0]!));
    nc.publish(subject, 'garbage');
    nc.publish(subject, encodeBbo(bbo('ETH-USDT', 9))); // on the wrong subject
    nc.publish(subject, JSON.stringify(bbo('BTC-USDT', 4, { bidPrice: '101' }))); // crossed
    nc.publish(bboSubject('bbovenue', 'ETH-USDT'), encodeBbo(bbo('ETH-USDT', 5)));
    nc.publish(subject, encodeBbo(sent[1]!));
    nc.publish(subject, encodeBbo(sent[2]!));
    const values: BboValue[] = await take(one, 3);
    expect(values.map((v) => ({ ...v }))).toEqual(sent.map((b) => ({ ...b, subject })));
    expect(values[1]!.bidPrice).toBe('99.2');
    expect(malformed).toEqual(['', 'subject', 'bbo.bidPrice']);
    expect(one.stats).toMatchObject({ received: 6, delivered: 3, malformed: 3 });
    const everything = await take(all, 4);
    expect(everything.map((v) => `${v.instrument}:${v.updateId}`)).toEqual(['BTC-USDT:501', 'ETH-USDT:505', 'BTC-USDT:502', 'BTC-USDT:503']);
  });

  it('rejects a bad selection', async () => {
    const client = await open();
    expect(() => client.bbo({ venue: 'Bad Venue' })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
  });
});
