import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import { canonical } from '../core/fixed-point.js';
import type { SimTrade } from '../core/market.js';
import { startKrakenSim, type KrakenSim, type KrakenSimOptions } from './kraken-sim.js';
import { methodAnswer, orderType, restTradeRow, tradeMessage } from './messages.js';

// Documented sample (shared/protocols/other-venues.md), verbatim.
const DOC_SNAPSHOT =
  '{"channel":"trade","type":"snapshot","data":[{"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":6423.46326,"ord_type":"limit","trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"},{"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":1136.19677815,"ord_type":"limit","trade_id":4665847,"timestamp":"2023-09-25T07:49:36.925603Z"}]}';
const SUBSCRIBE = { method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: true } };
const RFC3339_US = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

const session = simSession<KrakenSim>();

async function start(options: KrakenSimOptions = {}): Promise<KrakenSim> {
  return session.keep(await startKrakenSim({ rest: { requestsPerWindow: 1000 }, ...options }));
}

async function open(s: KrakenSim): Promise<TestClient> {
  const client = await session.open(`${s.wsUrl}/v2`);
  await client.until(() => client.frames.length >= 1); // the status message
  return client;
}

type Msg = Record<string, unknown>;
const parsed = (c: TestClient): Msg[] => c.frames.flatMap((f) => { try { return [JSON.parse(f) as Msg]; } catch { return []; } });
const updateIds = (c: TestClient) =>
  parsed(c).filter((m) => m['channel'] === 'trade' && m['type'] === 'update').flatMap((m) => (m['data'] as Msg[]).map((d) => d['trade_id']));

describe('Kraken messages', () => {
  it('renders the documented snapshot byte for byte, with price and qty as exact number literals', () => {
    const t0 = Date.parse('2023-09-25T07:48:36.925Z') * 1000 + 533;
    const t1 = Date.parse('2023-09-25T07:49:36.925Z') * 1000 + 603;
    const trades: SimTrade[] = [
      { symbol: 'MATIC/USD', id: 4665846, price: '0.51470000', qty: '6423.46326000', quoteQty: '0', timeUs: t0, buyerIsMaker: false, takerOrder: 7 },
      { symbol: 'MATIC/USD', id: 4665847, price: '0.51470000', qty: '1136.19677815', quoteQty: '0', timeUs: t1, buyerIsMaker: false, takerOrder: 7 },
    ];
    const type = orderType(trades[0]!);
    expect(tradeMessage('snapshot', trades)).toBe(DOC_SNAPSHOT.replaceAll('"ord_type":"limit"', `"ord_type":"${type}"`));
    expect(methodAnswer({ method: 'pong', req_id: 101, time_in: 'a', time_out: 'b' })).toBe('{"method":"pong","req_id":101,"time_in":"a","time_out":"b"}');
    expect(restTradeRow(trades[1]!, 5)).toBe('["0.51470","1136.19677815",1695628176.925603,"b","' + (type === 'market' ? 'm' : 'l') + '","",4665847]');
  });
});

describe('Kraken v2 WebSocket', () => {
  it('acks a subscribe, sends a snapshot of the last 50 trades, then updates with several trades of one order', async () => {
    const s = await start();
    s.market.generate('BTC/USD', 60);
    const client = await open(s);
    expect(JSON.parse(client.frames[0]!)).toMatchObject({ channel: 'status', type: 'update', data: [{ system: 'online', api_version: 'v2' }] });
    client.send(SUBSCRIBE);
    await client.until(() => client.frames.length >= 3);
    const ack = JSON.parse(client.frames[1]!) as Msg;
    expect(Object.keys(ack)).toEqual(['method', 'result', 'success', 'time_in', 'time_out']);
    expect(ack).toMatchObject({ method: 'subscribe', result: { channel: 'trade', symbol: 'BTC/USD', snapshot: true }, success: true });
    expect(ack['time_in']).toMatch(RFC3339_US);
    const snapshot = JSON.parse(client.frames[2]!) as { type: string; data: Msg[] };
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.data.map((d) => d['trade_id'])).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
    const made = s.market.generate('BTC/USD', 40);
    await client.until(() => updateIds(client).length >= 40);
    expect(updateIds(client)).toEqual(made.map((t) => t.id));
    const updates = client.frames.slice(3).map((f) => JSON.parse(f) as { data: Msg[] });
    expect(updates.some((u) => u.data.length > 1)).toBe(true);
    for (const u of updates) {
      const first = u.data[0]!;
      for (const d of u.data) expect([d['price'], d['side'], d['timestamp']]).toEqual([first['price'], first['side'], first['timestamp']]);
      expect(Object.keys(first)).toEqual(['symbol', 'side', 'price', 'qty', 'ord_type', 'trade_id', 'timestamp']);
    }
    // price and qty are written as the exact decimal literals (no float formatting)
    const text = client.frames.slice(3).join('\n');
    for (const t of made) expect(text).toContain(`"price":${canonical(t.price)},"qty":${canonical(t.qty)},`);
    expect(new Set(updates.flatMap((u) => u.data.map((d) => d['side'])))).toEqual(new Set(['buy', 'sell']));
  });

  it('answers ping with pong, sends heartbeats when idle, and reports errors', async () => {
    const s = await start({ ws: { heartbeatIntervalMs: 40 } });
    const client = await open(s);
    const pong = (await client.request({ method: 'ping', req_id: 101 })) as Msg;
    expect(Object.keys(pong)).toEqual(['method', 'req_id', 'time_in', 'time_out']);
    expect(pong).toMatchObject({ method: 'pong', req_id: 101 });
    expect(await client.request({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/XYZ'] }, req_id: 3 })).toMatchObject({
      error: 'Currency pair not supported BTC/XYZ',
      method: 'subscribe',
      req_id: 3,
      success: false,
      symbol: 'BTC/XYZ',
    });
    expect(await client.request({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'] } })).toMatchObject({ success: false });
    expect(await client.request('{')).toMatchObject({ error: 'Malformed request', success: false });
    expect(await client.request({ method: 'fly' })).toMatchObject({ success: false });
    // no heartbeats before a subscription
    expect(parsed(client).some((m) => m['channel'] === 'heartbeat')).toBe(false);
    await client.request({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false } });
    await client.until(() => client.frames.includes('{"channel":"heartbeat"}'));
    expect(parsed(client).some((m) => m['type'] === 'snapshot')).toBe(false);
    expect(await client.request({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'] } })).toMatchObject({ error: 'Already subscribed' });
    const unsub = client.frames.length;
    client.send({ method: 'unsubscribe', params: { channel: 'trade', symbol: ['BTC/USD'] } });
    await client.until(() => client.frames.slice(unsub).some((f) => f.includes('"unsubscribe"')));
    expect(s.connections.list()[0]!.subscriptions).toEqual([]);
  });
});

describe('Kraken REST', () => {
  it('serves Trades rows with the same trades as the stream, pages with the ns cursor, and the pair', async () => {
    const s = await start();
    const client = await open(s);
    await client.request(SUBSCRIBE);
    const made = s.market.generate('BTC/USD', 30);
    await client.until(() => updateIds(client).length >= 30);
    const res = await fetch(`${s.restUrl}/0/public/Trades?pair=XBTUSD&count=10`);
    const text = await res.text();
    expect(text.startsWith('{"error":[],"result":{"XXBTZUSD":[["')).toBe(true);
    const body = JSON.parse(text) as { result: { XXBTZUSD: unknown[][]; last: string } };
    expect(body.result.XXBTZUSD.map((r) => r[6])).toEqual(made.slice(20).map((t) => t.id));
    const streamed = new Map(parsed(client).filter((m) => m['type'] === 'update').flatMap((m) => (m['data'] as Msg[]).map((d) => [d['trade_id'], d])));
    for (const row of body.result.XXBTZUSD) {
      const d = streamed.get(row[6])!;
      expect(canonical(row[0] as string)).toBe(canonical(made[(row[6] as number) - 1]!.price));
      expect(row[3]).toBe(d['side'] === 'buy' ? 'b' : 's');
    }
    expect(body.result.last).toMatch(/^\d{19}$/);
    // page through everything from the start with the cursor: every id exactly once
    let since = '0';
    const seen: number[] = [];
    for (let i = 0; i < 20 && seen.length < 30; i++) {
      const page = (await (await fetch(`${s.restUrl}/0/public/Trades?pair=XBTUSD&since=${since}&count=7`)).json()) as { result: { XXBTZUSD: unknown[][]; last: string } };
      seen.push(...page.result.XXBTZUSD.map((r) => r[6] as number));
      since = page.result.last;
    }
    expect(seen).toEqual(made.map((t) => t.id));
    const pairs = (await (await fetch(`${s.restUrl}/0/public/AssetPairs?pair=XBTUSD`)).json()) as { result: Record<string, Msg> };
    expect(pairs.result['XXBTZUSD']).toMatchObject({ altname: 'XBTUSD', wsname: 'XBT/USD', tick_size: '0.1', lot_decimals: 8 });
    const ticker = (await (await fetch(`${s.restUrl}/0/public/Ticker?pair=XBTUSD`)).json()) as { result: { XXBTZUSD: { c: string[] } } };
    expect(canonical(ticker.result.XXBTZUSD.c[0]!)).toBe(canonical(made[29]!.price));
    expect(await (await fetch(`${s.restUrl}/0/public/Trades?pair=FOOBAR`)).json()).toEqual({ error: ['EQuery:Unknown asset pair'] });
  });
});

describe('Kraken faults', () => {
  it('damages update frames, keeps REST whole, sends a maintenance status, and limits REST', async () => {
    const s = await start({ sweeps: { probability: 0, maxTrades: 2 }, rest: { requestsPerWindow: 3, windowMs: 60_000 } });
    const client = await open(s);
    client.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false } });
    await client.until(() => client.frames.length >= 2);
    s.faults.skipFrames(1).duplicateFrames(1);
    s.market.generate('BTC/USD', 3);
    await client.until(() => updateIds(client).length >= 3);
    expect(updateIds(client)).toEqual([2, 2, 3]);
    const before = client.frames.length;
    s.faults.malformFrames(2, { kinds: ['wrong-types', 'missing-fields'] });
    s.market.generate('BTC/USD', 2);
    await client.until(() => client.frames.length >= before + 2);
    const wrong = (JSON.parse(client.frames[before]!) as { data: Msg[] }).data[0]!;
    expect(typeof wrong['price']).toBe('string');
    expect(typeof wrong['trade_id']).toBe('string');
    expect((JSON.parse(client.frames[before + 1]!) as { data: Msg[] }).data[0]).not.toHaveProperty('qty');
    expect(s.faults.sendServerShutdown()).toBe(1);
    await client.until(() => client.frames.some((f) => f.includes('"maintenance"')));
    const rows = (await (await fetch(`${s.restUrl}/0/public/Trades?pair=XBTUSD`)).json()) as { result: { XXBTZUSD: unknown[][] } };
    expect(rows.result.XXBTZUSD.map((r) => r[6])).toEqual([1, 2, 3, 4, 5]);
    s.faults.restErrors({ status: 502 });
    expect((await fetch(`${s.restUrl}/0/public/Time`)).status).toBe(502);
    expect((await fetch(`${s.restUrl}/0/public/Time`)).status).toBe(200);
    expect((await fetch(`${s.restUrl}/0/public/Time`)).status).toBe(200);
    const limited = await fetch(`${s.restUrl}/0/public/Time`);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: ['EGeneral:Too many requests'] });
    expect(s.faults.dropConnections()).toBe(1);
    expect((await client.closed).code).toBe(1006);
  });
});
