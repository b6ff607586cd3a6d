import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import type { SimTrade } from '../core/market.js';
import { startCoinbaseSim, type CoinbaseSim, type CoinbaseSimOptions } from './coinbase-sim.js';
import { heartbeatMessage, matchMessage, orderIdsOf, sequenceOf } from './messages.js';

// Documented samples (shared/protocols/other-venues.md), verbatim.
const DOC_MATCH =
  '{"type":"match","trade_id":10,"sequence":50,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23","side":"sell"}';
const DOC_HEARTBEAT = '{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}';
const DOC_REST_ROW = '{"time":"2014-11-07T22:19:28.578544Z","trade_id":74,"price":"10.00000000","size":"0.01000000","side":"buy"}';
const SUBSCRIBE = { type: 'subscribe', product_ids: ['BTC-USD'], channels: ['matches', 'heartbeat'] };

const session = simSession<CoinbaseSim>();

async function start(options: CoinbaseSimOptions = {}): Promise<CoinbaseSim> {
  return session.keep(await startCoinbaseSim({ rest: { requestsPerWindow: 1000 }, ...options }));
}

async function open(s: CoinbaseSim, subscribe: unknown = SUBSCRIBE): Promise<TestClient> {
  const client = await session.open(`${s.wsUrl}/`);
  if (subscribe !== null) {
    client.send(subscribe);
    await client.until(() => client.frames.length >= 1);
  }
  return client;
}

type Msg = Record<string, unknown>;
const parsed = (c: TestClient): Msg[] => c.frames.flatMap((f) => { try { return [JSON.parse(f) as Msg]; } catch { return []; } });
const matchIds = (c: TestClient) => parsed(c).filter((m) => m['type'] === 'match').map((m) => m['trade_id']);

async function getJson(s: CoinbaseSim, path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${s.restUrl}${path}`);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('Coinbase messages', () => {
  it('renders match, heartbeat and REST rows byte for byte like the documented samples', () => {
    const trade: SimTrade = { symbol: 'BTC-USD', id: 10, price: '400.23000000', qty: '5.23512000', quoteQty: '0', timeUs: 1415348367028459, buyerIsMaker: false };
    const orders = orderIdsOf(trade);
    const expected = DOC_MATCH.replace('"sequence":50', `"sequence":${sequenceOf(trade)}`)
      .replace('ac928c66-ca53-498f-9c13-a110027a60e8', orders.maker)
      .replace('132fb6ae-456b-4654-b4e0-d681ac05cea1', orders.taker);
    expect(matchMessage(trade)).toBe(expected);
    expect(orders.maker).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(heartbeatMessage('BTC-USD', 90, 20, 1415348368464459)).toBe(DOC_HEARTBEAT);
  });
});

describe('Coinbase feed', () => {
  it('answers a subscribe with subscriptions, then last_match, then matches with the maker side', async () => {
    const s = await start();
    s.market.generate('BTC-USD', 3);
    const client = await open(s);
    await client.until(() => client.frames.length >= 2);
    expect(client.frames[0]).toBe('{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]},{"name":"heartbeat","product_ids":["BTC-USD"]}]}');
    const last = JSON.parse(client.frames[1]!) as Msg;
    expect(last).toMatchObject({ type: 'last_match', trade_id: 3, product_id: 'BTC-USD' });
    const made = s.market.generate('BTC-USD', 20);
    await client.until(() => matchIds(client).length >= 20);
    const matches = parsed(client).filter((m) => m['type'] === 'match');
    expect(matches.map((m) => m['trade_id'])).toEqual(made.map((t) => t.id));
    for (const [i, m] of matches.entries()) {
      const t = made[i]!;
      expect(Object.keys(m)).toEqual(Object.keys(JSON.parse(DOC_MATCH) as Msg));
      // side is the maker's: a taker buy (buyer not the maker) is "sell".
      expect(m['side']).toBe(t.buyerIsMaker ? 'buy' : 'sell');
      expect(m['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(m['price']).toMatch(/^\d+(\.\d*[1-9])?$/);
    }
    expect(new Set(matches.map((m) => m['side']))).toEqual(new Set(['buy', 'sell']));
    const seqs = [last, ...matches].map((m) => m['sequence'] as number);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
  });

  it('sends heartbeats per product with last_trade_id and a sequence that never goes back', async () => {
    const s = await start({ symbols: ['BTC-USD', 'ETH-USD'], ws: { heartbeatIntervalMs: 30 } });
    const client = await open(s, { type: 'subscribe', channels: [{ name: 'heartbeat', product_ids: ['BTC-USD', 'ETH-USD'] }, { name: 'matches', product_ids: ['BTC-USD'] }] });
    s.market.generate('BTC-USD', 2);
    const beats = () => parsed(client).filter((m) => m['type'] === 'heartbeat');
    await client.until(() => beats().some((b) => b['product_id'] === 'ETH-USD') && beats().filter((b) => b['last_trade_id'] === 2).length >= 1);
    const btc = beats().filter((b) => b['product_id'] === 'BTC-USD' && b['last_trade_id'] === 2)[0]!;
    expect(Object.keys(btc)).toEqual(Object.keys(JSON.parse(DOC_HEARTBEAT) as Msg));
    const lastMatch = parsed(client).filter((m) => m['type'] === 'match').at(-1)!;
    expect(btc['sequence'] as number).toBeGreaterThan(lastMatch['sequence'] as number);
    expect(beats().find((b) => b['product_id'] === 'ETH-USD')).toMatchObject({ last_trade_id: 0 });
  });

  it('refuses bad requests with error messages and closes a connection that never subscribes', async () => {
    const s = await start({ ws: { subscribeTimeoutMs: 150 } });
    const client = await open(s, null);
    expect(await client.request('not json')).toMatchObject({ type: 'error', message: 'Malformed JSON' });
    expect(await client.request({ type: 'subscribe', product_ids: ['BTC-XYZ'], channels: ['matches'] })).toEqual({
      type: 'error',
      message: 'Failed to subscribe',
      reason: 'BTC-XYZ is not a valid product',
    });
    expect(await client.request({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['level9'] })).toMatchObject({ reason: 'level9 is not a valid channel' });
    expect(await client.request({ type: 'hello' })).toMatchObject({ type: 'error' });
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect((JSON.parse(client.frames.at(-1)!) as Msg)['type']).toBe('error');
    // a subscribed connection stays open past the deadline, and can unsubscribe
    const ok = await open(s);
    expect(await ok.request({ type: 'unsubscribe', product_ids: ['BTC-USD'], channels: ['heartbeat'] })).toEqual({
      type: 'subscriptions',
      channels: [{ name: 'matches', product_ids: ['BTC-USD'] }],
    });
    await new Promise((r) => setTimeout(r, 250));
    expect(ok.closeCode).toBeUndefined();
  });
});

describe('Coinbase REST', () => {
  it('serves trades newest first with the documented row shape, pages with after/before and cursor headers', async () => {
    const s = await start();
    const client = await open(s);
    s.market.generate('BTC-USD', 30);
    await client.until(() => matchIds(client).length >= 30);
    const first = await getJson(s, '/products/BTC-USD/trades?limit=10');
    const rows = first.body as Msg[];
    expect(rows.map((r) => r['trade_id'])).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
    expect(Object.keys(rows[0]!)).toEqual(Object.keys(JSON.parse(DOC_REST_ROW) as Msg));
    expect(rows[0]!['price']).toMatch(/^\d+\.\d{8}$/);
    expect(first.headers.get('cb-before')).toBe('30');
    expect(first.headers.get('cb-after')).toBe('21');
    const older = (await getJson(s, '/products/BTC-USD/trades?limit=10&after=21')).body as Msg[];
    expect(older.map((r) => r['trade_id'])).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11]);
    const newer = (await getJson(s, '/products/BTC-USD/trades?before=27')).body as Msg[];
    expect(newer.map((r) => r['trade_id'])).toEqual([30, 29, 28]);
    expect(((await getJson(s, '/products/BTC-USD/trades?after=1')).body as Msg[])).toEqual([]);
    // the same trades as streamed, by id
    const streamed = new Map(parsed(client).filter((m) => m['type'] === 'match').map((m) => [m['trade_id'], m]));
    for (const row of [...rows, ...older]) {
      const m = streamed.get(row['trade_id'])!;
      expect([row['time'], row['side'], Number(row['trade_id'])]).toEqual([m['time'], m['side'], m['trade_id']]);
      expect((row['price'] as string).startsWith(m['price'] as string)).toBe(true);
      expect((row['size'] as string).replace(/\.?0+$/, '')).toBe(m['size']);
    }
    expect(await getJson(s, '/products/BTC-USD/trades?limit=1001')).toMatchObject({ status: 400 });
    expect(await getJson(s, '/products/DOGE-EUR/trades')).toMatchObject({ status: 404, body: { message: 'NotFound' } });
  });

  it('serves the product and its ticker', async () => {
    const s = await start();
    const made = s.market.generate('BTC-USD', 3);
    const product = (await getJson(s, '/products/BTC-USD')).body as Msg;
    expect(product).toMatchObject({ id: 'BTC-USD', base_currency: 'BTC', quote_currency: 'USD', quote_increment: '0.01000000', base_increment: '0.00000001', status: 'online' });
    const ticker = (await getJson(s, '/products/BTC-USD/ticker')).body as Msg;
    expect(Object.keys(ticker).slice(0, 7)).toEqual(['ask', 'bid', 'volume', 'trade_id', 'price', 'size', 'time']);
    expect(ticker).toMatchObject({ trade_id: 3, price: made[2]!.price, size: made[2]!.qty });
  });

  it('limits public REST to about 8 requests per second per IP with 429', async () => {
    const s = session.keep(await startCoinbaseSim());
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await fetch(`${s.restUrl}/products/BTC-USD`)).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(200));
    const limited = await fetch(`${s.restUrl}/products/BTC-USD`);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ message: 'Public rate limit exceeded' });
    expect(limited.headers.get('retry-after')).toBe('1');
    s.rest.resetLimits();
    expect((await fetch(`${s.restUrl}/products/BTC-USD`)).status).toBe(200);
  });
});

describe('Coinbase faults', () => {
  it('skips, duplicates, reorders and malforms match frames; heartbeats reveal the skipped ids', async () => {
    const s = await start({ ws: { heartbeatIntervalMs: 40, reorderFlushMs: 30 } });
    const client = await open(s);
    s.faults.skipFrames(2).duplicateFrames(1);
    s.market.generate('BTC-USD', 4);
    await client.until(() => matchIds(client).length >= 3);
    expect(matchIds(client)).toEqual([3, 3, 4]);
    await client.until(() => parsed(client).some((m) => m['type'] === 'heartbeat' && m['last_trade_id'] === 4));
    s.faults.reorderFrames(2);
    s.market.generate('BTC-USD', 3);
    await client.until(() => matchIds(client).length >= 6);
    expect(matchIds(client).slice(3)).toEqual([6, 5, 7]);
    const before = client.frames.length;
    s.faults.malformFrames(3);
    s.market.generate('BTC-USD', 3);
    await client.until(() => client.frames.filter((f, i) => i >= before && !f.includes('"heartbeat"')).length >= 3);
    const bad = client.frames.slice(before).filter((f) => !f.includes('"heartbeat"'));
    expect(() => JSON.parse(bad[0]!)).toThrow();
    expect(typeof (JSON.parse(bad[1]!) as Msg)['trade_id']).toBe('string');
    expect(typeof (JSON.parse(bad[1]!) as Msg)['price']).toBe('number');
    expect(JSON.parse(bad[2]!)).not.toHaveProperty('price');
    expect(s.faults.affected.filter((a) => a.fault === 'skip').map((a) => a.id)).toEqual([1, 2]);
    const rest = (await getJson(s, '/products/BTC-USD/trades')).body as Msg[];
    expect(rest.map((r) => r['trade_id'])).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('drops, closes and stalls connections, and fakes REST latency, 5xx and 429', async () => {
    const s = await start();
    const a = await open(s);
    const b = await open(s);
    const idA = s.connections.list()[0]!.id;
    expect(s.faults.closeConnections({ connectionId: idA, code: 4000, reason: 'bye' })).toBe(1);
    expect(await a.closed).toEqual({ code: 4000, reason: 'bye' });
    s.faults.stallConnections(150);
    s.market.generate('BTC-USD', 1);
    await new Promise((r) => setTimeout(r, 80));
    expect(matchIds(b)).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    s.market.generate('BTC-USD', 1);
    await b.until(() => matchIds(b).length >= 1);
    expect(matchIds(b)).toEqual([2]);
    expect(s.faults.dropConnections()).toBe(1);
    expect((await b.closed).code).toBe(1006);
    s.faults.restLatency(100).restErrors({ requests: 1 });
    const t0 = Date.now();
    const failed = await getJson(s, '/products/BTC-USD');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(failed).toMatchObject({ status: 503, body: { message: 'Service Unavailable' } });
    s.faults.restTooManyRequests({ retryAfterSec: 3 });
    const limited = await getJson(s, '/products/BTC-USD');
    expect(limited).toMatchObject({ status: 429, body: { message: 'Public rate limit exceeded' } });
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await getJson(s, '/products/BTC-USD')).status).toBe(200);
    expect(s.faults.counters).toMatchObject({ closed: 1, stalled: 2, dropped: 1, restDelayed: 1, restErrors: 1, rest429: 1 });
  });

  it('exposes state and takes faults over the control endpoint', async () => {
    const s = await start();
    const client = await open(s);
    await fetch(`${s.restUrl}/__sim/faults`, { method: 'POST', body: '{"type":"skip","count":1}' });
    const gen = (await (await fetch(`${s.restUrl}/__sim/generate`, { method: 'POST', body: '{"count":2}' })).json()) as Msg;
    expect(gen).toEqual({ ok: true, trades: { 'BTC-USD': [1, 2] } });
    await client.until(() => matchIds(client).length >= 1);
    expect(matchIds(client)).toEqual([2]);
    const state = (await getJson(s, '/__sim/state')).body as { venue: string; connections: { subscriptions: string[] }[] };
    expect(state.venue).toBe('coinbase');
    expect(state.connections[0]!.subscriptions).toEqual(['matches:BTC-USD', 'heartbeat:BTC-USD']);
  });
});
