import { connect, type NatsConnection } from '@nats-io/transport-node';
import { encodeToString, serializeTrade, WireDecodeError, type Trade } from '@tickgate/schema';
import { freePort, NatsServer, waitFor } from '@tickgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { status, take, trade } from '../test/helpers.js';
import { TickgateClient } from './client.js';
import { ClientError } from './errors.js';
import type { MarketValue, StatusEvent, TradeTick } from './events.js';

let server: NatsServer;
let monitorPort: number;
const clients: TickgateClient[] = [];
const connections: NatsConnection[] = [];

beforeAll(async () => {
  monitorPort = await freePort();
  server = await NatsServer.start({ jetstream: false, extraConfig: `http: "127.0.0.1:${monitorPort}"` });
});

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(connections.splice(0).map((nc) => nc.close()));
});

async function open(options: Partial<Parameters<typeof TickgateClient.connect>[0]> = {}): Promise<TickgateClient> {
  const client = await TickgateClient.connect({ servers: server.url, ...options });
  clients.push(client);
  return client;
}

async function publisher(): Promise<NatsConnection> {
  const nc = await connect({ servers: server.url });
  connections.push(nc);
  return nc;
}

/** Server-side count of subscriptions held by the connection named `name`. */
async function serverSubscriptions(name: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${monitorPort}/connz?subs=1`);
  const body = (await res.json()) as { connections?: { name?: string; subscriptions: number }[] };
  const conn = body.connections?.find((c) => c.name === name);
  if (conn === undefined) throw new Error(`no connection named ${name}`);
  return conn.subscriptions;
}

function pub(nc: NatsConnection, t: Trade): void {
  nc.publish(`md.trade.${t.venue}.${t.instrument}`, serializeTrade(t));
}

const ids = (values: MarketValue[]) => values.map((v) => (v.type === 'trade' ? `${v.venue}/${v.instrument}/${v.id}` : `status:${v.subject}:${v.state}`));

describe('TickgateClient live trades', () => {
  it('delivers one pair as TradeTicks with exact decimals', async () => {
    const client = await open();
    const sub = client.trades({ venue: 'binance', instrument: 'BTC-USDT' });
    const nc = await publisher();
    await client.connection.flush(); // the subscription is registered before anything is published
    pub(nc, trade('binance', 'ETH-USDT', 1));
    pub(nc, trade('binance', 'BTC-USDT', 2, { price: '0.1', quantity: '0.2' }));
    pub(nc, trade('coinbase', 'BTC-USDT', 3));
    pub(nc, trade('binance', 'BTC-USDT', 4, { price: '97123.45', quantity: '0.001' }));
    const [a, b] = await take(sub, 2);
    expect(a).toBeInstanceOf(Object);
    expect([a!.id, b!.id]).toEqual(['2', '4']);
    expect(a!.priceDecimal().plus(a!.quantityDecimal()).toString()).toBe('0.3');
    expect(b!.notional().toString()).toBe('97.12345');
    expect(b).toMatchObject({ type: 'trade', venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', side: 'buy', source: 'ws', subject: 'md.trade.binance.BTC-USDT' });
    expect(sub.stats).toEqual({ received: 2, delivered: 2, malformed: 0, dropped: 0, repeats: 0 });
    await sub.close();
  });

  it('selects by venue, by instrument across venues, and everything', async () => {
    const client = await open();
    const all = client.trades();
    const venue = client.trades({ venue: 'binance' });
    const instrument = client.trades({ instrument: 'BTC-USDT' });
    const anyVenue = client.trades({ venue: '*', instrument: 'ETH-USD' });
    const nc = client.connection;
    await nc.flush();
    const sent = [trade('binance', 'BTC-USDT', 1), trade('binance', 'ETH-USDT', 2), trade('coinbase', 'BTC-USDT', 3), trade('kraken', 'ETH-USD', 4), trade('okx', 'BTC-USDT', 5)];
    for (const t of sent) pub(nc, t);
    // Published on this same connection: once the flush returns, every message has been received.
    await nc.flush();
    expect(ids(await take(all, all.buffered))).toEqual(['binance/BTC-USDT/1', 'binance/ETH-USDT/2', 'coinbase/BTC-USDT/3', 'kraken/ETH-USD/4', 'okx/BTC-USDT/5']);
    expect(ids(await take(venue, venue.buffered))).toEqual(['binance/BTC-USDT/1', 'binance/ETH-USDT/2']);
    expect(ids(await take(instrument, instrument.buffered))).toEqual(['binance/BTC-USDT/1', 'coinbase/BTC-USDT/3', 'okx/BTC-USDT/5']);
    expect(ids(await take(anyVenue, anyVenue.buffered))).toEqual(['kraken/ETH-USD/4']);
    expect(client.stats).toEqual({ received: 11, delivered: 11, malformed: 0, dropped: 0, repeats: 0 });
  });

  it('delivers status events in the same loop when asked, or alone through status()', async () => {
    const client = await open();
    const both = client.trades({ venue: 'binance', instrument: 'BTC-USDT', includeStatus: true });
    const statusOnly = client.status({ venue: 'binance' });
    const tradesOnly = client.trades({ venue: 'binance', instrument: 'BTC-USDT' });
    const nc = client.connection;
    await nc.flush();
    nc.publish('md.status.binance', encodeToString(status('binance', 'disconnected')));
    nc.publish('md.status.binance.BTC-USDT', encodeToString(status('binance', 'gap', 'BTC-USDT', { fromId: '10', toId: '12', count: 3 })));
    nc.publish('md.status.binance.ETH-USDT', encodeToString(status('binance', 'gap', 'ETH-USDT')));
    nc.publish('md.status.okx', encodeToString(status('okx', 'connected')));
    pub(nc, trade('binance', 'BTC-USDT', 13));
    nc.publish('md.status.binance.BTC-USDT', encodeToString(status('binance', 'recovered', 'BTC-USDT', { fromId: '10', toId: '12', count: 3 })));
    await nc.flush();

    const values = await take(both, both.buffered);
    expect(ids(values)).toEqual(['status:md.status.binance:disconnected', 'status:md.status.binance.BTC-USDT:gap', 'binance/BTC-USDT/13', 'status:md.status.binance.BTC-USDT:recovered']);
    const gap = values[1] as StatusEvent;
    expect(gap).toMatchObject({ fromId: '10', toId: '12', count: 3 });
    // The discriminated union narrows on `type`.
    const kinds = values.map((v) => (v.type === 'trade' ? v.priceDecimal().toString() : v.state));
    expect(kinds).toEqual(['disconnected', 'gap', '97123.45', 'recovered']);

    expect(ids(await take(statusOnly, statusOnly.buffered))).toEqual([
      'status:md.status.binance:disconnected',
      'status:md.status.binance.BTC-USDT:gap',
      'status:md.status.binance.ETH-USDT:gap',
      'status:md.status.binance.BTC-USDT:recovered',
    ]);
    expect(ids(await take(tradesOnly, tradesOnly.buffered))).toEqual(['binance/BTC-USDT/13']);
  });

  it('skips and counts malformed messages while valid ones around them arrive', async () => {
    const seen: { error: WireDecodeError; subject: string }[] = [];
    const perSub: string[] = [];
    const client = await open({ onMalformed: (error, subject) => seen.push({ error, subject }) });
    const sub = client.trades({ venue: 'bad', includeStatus: true, onMalformed: (e) => perSub.push(e.path) });
    const nc = await publisher();
    await client.connection.flush();
    const subject = 'md.trade.bad.BTC-USDT';
    const good = (n: number) => serializeTrade(trade('bad', 'BTC-USDT', n));
    nc.publish(subject, good(1));
    nc.publish(subject, 'not json {');
    nc.publish(subject, good(2).replace('"price":"97123.45"', '"price":"97123.450"'));
    nc.publish(subject, good(2).replace('"price":"97123.45"', '"price":-1'));
    nc.publish(subject, good(2).replace('"type":"trade"', '"type":"candle"'));
    nc.publish(subject, good(2).replace('"v":1', '"v":2'));
    nc.publish(subject, new Uint8Array([0xff, 0xfe, 0x7b]));
    nc.publish(subject, '[1,2]');
    nc.publish('md.trade.bad.ETH-USDT', good(2)); // a BTC-USDT trade on the ETH-USDT subject
    nc.publish('md.status.bad', '{"v":1,"type":"status","venue":"bad","state":"exploded","time":1700000000000000}');
    nc.publish(subject, good(3));
    const values = await take(sub, 2);
    expect(ids(values)).toEqual(['bad/BTC-USDT/1', 'bad/BTC-USDT/3']);
    expect(sub.stats).toEqual({ received: 11, delivered: 2, malformed: 9, dropped: 0, repeats: 0 });
    expect(client.stats.malformed).toBe(9);
    expect(seen).toHaveLength(9);
    expect(seen.every((s) => s.error instanceof WireDecodeError && s.error.code === 'TICKGATE_WIRE_DECODE')).toBe(true);
    expect(seen.map((s) => s.subject)).toEqual([...Array(7).fill(subject), 'md.trade.bad.ETH-USDT', 'md.status.bad']);
    expect(perSub).toEqual(['', 'trade.price', 'trade.price', 'type', 'trade.v', '', '', 'subject', 'status.state']);
  });

  it('keeps a slow consumer bounded: the oldest messages are dropped and counted', async () => {
    const client = await open();
    const drops: number[] = [];
    const dropSubjects = new Set<string>();
    const bufferSize = 100;
    let maxBuffered = 0;
    const sub = client.trades({
      venue: 'slow',
      bufferSize,
      onDrop: ({ subject, dropped }) => {
        dropSubjects.add(subject);
        maxBuffered = Math.max(maxBuffered, sub.buffered);
        drops.push(dropped);
      },
    });
    const nc = await publisher();
    await client.connection.flush();
    const total = 3000;
    for (let n = 1; n <= total; n++) pub(nc, trade('slow', 'BTC-USDT', n));
    await nc.flush();
    await waitFor(() => sub.stats.received === total, { message: 'all messages received' });
    expect(sub.buffered).toBe(bufferSize);
    expect(maxBuffered).toBe(bufferSize);
    expect(sub.stats.dropped).toBe(total - bufferSize);
    expect(client.stats.dropped).toBe(total - bufferSize);
    expect(drops).toHaveLength(total - bufferSize);
    expect(drops.at(-1)).toBe(total - bufferSize);
    expect([...dropSubjects]).toEqual(['md.trade.slow.BTC-USDT']);
    // The newest messages survive, in order.
    const kept = await take(sub, bufferSize);
    expect(kept.map((t) => Number(t.id))).toEqual(Array.from({ length: bufferSize }, (_, i) => total - bufferSize + 1 + i));
    expect(sub.stats).toEqual({ received: total, delivered: bufferSize, malformed: 0, dropped: total - bufferSize, repeats: 0 });
    // Once the consumer has caught up, nothing more is dropped.
    pub(nc, trade('slow', 'BTC-USDT', total + 1));
    const [next] = await take(sub, 1);
    expect(next!.id).toBe(String(total + 1));
    expect(sub.stats.dropped).toBe(total - bufferSize);
  });

  it('unsubscribes when the loop is left with break', async () => {
    const client = await open({ name: 'break-test' });
    const nc = await publisher();
    const sub = client.trades({ instrument: 'BTC-USDT', includeStatus: true });
    await client.connection.flush();
    expect(await serverSubscriptions('break-test')).toBe(3);
    const received: TradeTick[] = [];
    const loop = (async () => {
      for await (const value of sub) {
        if (value.type === 'trade') received.push(value);
        if (received.length === 2) break;
      }
    })();
    for (let n = 1; n <= 5; n++) pub(nc, trade('binance', 'BTC-USDT', n));
    await loop;
    expect(received.map((t) => t.id)).toEqual(['1', '2']);
    await client.connection.flush();
    expect(await serverSubscriptions('break-test')).toBe(0);
    expect(sub.buffered).toBe(0);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    // Nothing is received any more.
    const before = sub.stats.received;
    pub(nc, trade('binance', 'BTC-USDT', 6));
    await nc.flush();
    await client.connection.flush();
    expect(sub.stats.received).toBe(before);
  });

  it('close() drains: a waiting loop ends, and no new subscription can be made', async () => {
    const client = await open();
    const sub = client.trades();
    const nc = await publisher();
    await client.connection.flush();
    const got: string[] = [];
    const loop = (async () => {
      for await (const t of sub) got.push(t.id);
    })();
    pub(nc, trade('binance', 'BTC-USDT', 1));
    await waitFor(() => got.length === 1);
    await client.close();
    await loop;
    expect(got).toEqual(['1']);
    expect(client.connection.isClosed()).toBe(true);
    expect(() => client.trades()).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_CLOSED' }));
  });

  it('wrap() leaves a connection it does not own open', async () => {
    const nc = await publisher();
    const client = TickgateClient.wrap(nc);
    const sub = client.trades({ venue: 'binance' });
    await nc.flush();
    pub(nc, trade('binance', 'BTC-USDT', 1));
    await nc.flush();
    await client.close();
    // Drained: what was received can still be read, then the loop ends.
    expect((await take(sub, 5)).map((t) => t.id)).toEqual(['1']);
    expect(nc.isClosed()).toBe(false);
  });

  it('rejects bad options with stable codes', async () => {
    const client = await open();
    expect(() => client.trades({ venue: 'Binance' })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
    expect(() => client.trades({ instrument: 'btcusdt' })).toThrow(ClientError);
    expect(() => client.trades({ bufferSize: 0 })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
    expect(() => client.replay({ since: '10 minutes' })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
    expect(() => client.replay({ since: { seq: 0 } })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
    expect(() => client.replay({ since: new Date('nope') })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
  });

  it('reports a connection failure as a retryable ClientError', async () => {
    const port = await freePort();
    const error = await TickgateClient.connect({ servers: `nats://127.0.0.1:${port}`, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'TICKGATE_CLIENT_CONNECT', retryable: true });
  });
});
