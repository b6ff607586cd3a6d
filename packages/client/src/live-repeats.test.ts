import { connect, type NatsConnection } from '@nats-io/transport-node';
import { encodeToString, serializeTrade } from '@tickgate/schema';
import { NatsServer } from '@tickgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { status, take, trade } from '../test/helpers.js';
import { TickgateClient } from './client.js';
import { ClientError } from './errors.js';
import type { MarketValue } from './events.js';

let server: NatsServer;
let client: TickgateClient;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsServer.start({ jetstream: false });
});

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  await client?.close();
  await nc?.close();
});

async function setUp(): Promise<void> {
  client = await TickgateClient.connect({ servers: server.url });
  nc = await connect({ servers: server.url });
}

/**
 * Publish each trade of `venue`/`instrument` with the given ids, in order, on its core subject. A trade
 * is the same whenever it is sent again: its time follows from its id, as a venue's does.
 */
function publishIds(venue: string, instrument: string, ids: string[], from = 1): void {
  ids.forEach((id, i) => {
    // ids too long for a number all carry one time: only their ids order them
    const tradeTime = 1_700_000_000_000_000 + (/^\d{1,12}$/.test(id) ? Number(id) * 1000 : 0);
    nc.publish(`md.trade.${venue}.${instrument}`, serializeTrade(trade(venue, instrument, from + i, { id, tradeTime })));
  });
}

function label(v: MarketValue): string {
  return v.type === 'trade' ? `${v.instrument}/${v.id}` : `status:${v.state}`;
}

const END = '99999999999999999999999999';

/**
 * Publish an end marker (a trade with a new, highest id on `venue`/`instrument`) and read every value
 * up to and including it: after it, nothing published before can still be in flight.
 */
async function readToEnd(sub: ReturnType<TickgateClient['trades']>, venue: string, instrument: string): Promise<string[]> {
  publishIds(venue, instrument, [END], 1000);
  const out: string[] = [];
  for (;;) {
    const r = await sub.next();
    if (r.done) throw new Error('subscription ended before the end marker');
    if (r.value.type === 'trade' && r.value.id === END) return out;
    out.push(label(r.value));
  }
}

describe('live trades after a publisher resends', () => {
  it('drops repeated and reordered trades per instrument on a venue with consecutive ids, and counts them', async () => {
    await setUp();
    const sub = client.trades({ venue: 'binance' });
    await client.connection.flush();
    publishIds('binance', 'BTC-USDT', ['1', '2', '3']);
    publishIds('binance', 'ETH-USDT', ['7']);
    publishIds('binance', 'BTC-USDT', ['2', '3', '4', '6', '5', '7', '1']); // a resend of 2-3, then 5 after 6
    publishIds('binance', 'ETH-USDT', ['7', '8']);
    const values = await readToEnd(sub, 'binance', 'BTC-USDT');
    expect(values).toEqual(['BTC-USDT/1', 'BTC-USDT/2', 'BTC-USDT/3', 'ETH-USDT/7', 'BTC-USDT/4', 'BTC-USDT/6', 'BTC-USDT/7', 'ETH-USDT/8']);
    expect(sub.stats).toEqual({ received: 14, delivered: 9, malformed: 0, dropped: 0, repeats: 5 });
    expect(client.stats.repeats).toBe(5);
  });

  it('compares ids above 2^53 exactly', async () => {
    await setUp();
    const sub = client.trades({ venue: 'okx', instrument: 'BTC-USDT' });
    await client.connection.flush();
    // As JavaScript numbers 9007199254740993 equals 9007199254740992; as ids they differ.
    publishIds('okx', 'BTC-USDT', ['9007199254740992', '9007199254740993', '9007199254740993', '9007199254740992', '18446744073709551616', '18446744073709551615', '18446744073709551617']);
    const values = await readToEnd(sub, 'okx', 'BTC-USDT');
    expect(values).toEqual(['BTC-USDT/9007199254740992', 'BTC-USDT/9007199254740993', 'BTC-USDT/18446744073709551616', 'BTC-USDT/18446744073709551617']);
    expect(sub.stats).toMatchObject({ received: 8, delivered: 5, repeats: 3 });
  });

  it('drops exact repeats of unordered (bybit-style) ids within the window only', async () => {
    await setUp();
    const sub = client.trades({ venue: 'bybit', instrument: 'BTC-USDT', repeatWindow: 3 });
    await client.connection.flush();
    const [a, b, c, d] = ['2c1b7e0a-0f7e-5b6f-9a55-6b1f3c7d8e01', '0f6a8d3c-1e2b-5c4d-8e9f-a1b2c3d4e5f6', 'f1e2d3c4-b5a6-5978-8695-a4b3c2d1e0f9', '7d9e2b4c-6a1f-5e3d-9c8b-0a1b2c3d4e5f'];
    // b arrives after c-then-a in an order no id implies; a and b repeat inside the window; d pushes
    // out c, the oldest, so the second c is new again.
    publishIds('bybit', 'BTC-USDT', [c!, a!, b!, a!, b!, d!, c!]);
    const values = await readToEnd(sub, 'bybit', 'BTC-USDT');
    expect(values).toEqual([c, a, b, d, c].map((id) => `BTC-USDT/${id}`));
    expect(sub.stats).toMatchObject({ received: 8, delivered: 6, repeats: 2 });
  });

  it('always delivers status events, also between repeats', async () => {
    await setUp();
    const sub = client.trades({ venue: 'coinbase', instrument: 'BTC-USD', includeStatus: true });
    await client.connection.flush();
    const gap = status('coinbase', 'gap', 'BTC-USD', { fromId: '3', toId: '3', count: 1 });
    publishIds('coinbase', 'BTC-USD', ['1', '2']);
    nc.publish('md.status.coinbase', encodeToString(status('coinbase', 'disconnected')));
    publishIds('coinbase', 'BTC-USD', ['2']);
    nc.publish('md.status.coinbase.BTC-USD', encodeToString(gap));
    nc.publish('md.status.coinbase.BTC-USD', encodeToString(gap)); // the same status twice is still delivered twice
    publishIds('coinbase', 'BTC-USD', ['1', '4']);
    const values = await readToEnd(sub, 'coinbase', 'BTC-USD');
    expect(values).toEqual(['BTC-USD/1', 'BTC-USD/2', 'status:disconnected', 'status:gap', 'status:gap', 'BTC-USD/4']);
    expect(sub.stats).toMatchObject({ received: 9, delivered: 7, repeats: 2 });
  });

  it('drops a repeat handed straight to a waiting reader and keeps it waiting for the next trade', async () => {
    await setUp();
    const sub = client.trades({ venue: 'kraken', instrument: 'BTC-USD' });
    await client.connection.flush();
    publishIds('kraken', 'BTC-USD', ['10']);
    expect((await take(sub, 1)).map(label)).toEqual(['BTC-USD/10']);
    const next = sub.next(); // waits: the queue is empty
    publishIds('kraken', 'BTC-USD', ['10', '9', '11']);
    const r = await next;
    expect(r.done ? undefined : label(r.value)).toBe('BTC-USD/11');
    expect(sub.stats).toMatchObject({ received: 4, delivered: 2, repeats: 2 });
  });

  it('keeps subscriptions independent: each delivers a trade once', async () => {
    await setUp();
    const first = client.trades({ venue: 'binance', instrument: 'BTC-USDT' });
    const second = client.trades({ instrument: 'BTC-USDT' });
    await client.connection.flush();
    publishIds('binance', 'BTC-USDT', ['1', '1']);
    publishIds('binance', 'BTC-USDT', [END]);
    for (const sub of [first, second]) {
      expect((await take(sub, 2)).map(label)).toEqual(['BTC-USDT/1', `BTC-USDT/${END}`]);
      expect(sub.stats).toMatchObject({ received: 3, delivered: 2, repeats: 1 });
    }
    expect(client.stats).toMatchObject({ delivered: 4, repeats: 2 });
  });

  it('rejects a repeatWindow that is not a positive integer at the call', async () => {
    await setUp();
    expect(() => client.trades({ repeatWindow: 0 })).toThrow(ClientError);
    expect(() => client.trades({ repeatWindow: 2.5 })).toThrow(/repeatWindow/);
  });

  it('leaves trades with distinct ids alone (no false repeats)', async () => {
    await setUp();
    const sub = client.trades({ venue: 'binance', instrument: 'BTC-USDT' });
    await client.connection.flush();
    const ids = Array.from({ length: 50 }, (_, i) => String(i + 1));
    publishIds('binance', 'BTC-USDT', ids);
    expect(await readToEnd(sub, 'binance', 'BTC-USDT')).toEqual(ids.map((id) => `BTC-USDT/${id}`));
    expect(sub.stats.repeats).toBe(0);
  });
});

