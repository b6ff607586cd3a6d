import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { SimTrade } from '../core/market.js';
import { restTrade, seqIdOf, tradesPush } from './messages.js';
import { startOkxSim, type OkxSim, type OkxSimOptions } from './okx-sim.js';

// Documented samples (shared/protocols/other-venues.md), verbatim.
const DOC_PUSH =
  '{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"42219.9","sz":"0.12060306","side":"buy","ts":"1630048897897","count":"3","source":"0","seqId":1234}]}';
const DOC_REST = '{"code":"0","msg":"","data":[{"instId":"BTC-USDT","side":"sell","sz":"0.00001","source":"0","px":"29963.2","tradeId":"242720720","ts":"1654161646974"}]}';
const SUBSCRIBE = { id: '1512', op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] };

const session = simSession<OkxSim>();

async function start(options: OkxSimOptions = {}): Promise<OkxSim> {
  return session.keep(await startOkxSim({ rest: { requestsPerWindow: 1000 }, ...options }));
}

async function open(s: OkxSim, subscribe = true): Promise<TestClient> {
  const client = await session.open(`${s.wsUrl}/ws/v5/public`);
  if (subscribe) await client.request(SUBSCRIBE);
  return client;
}

type Msg = Record<string, unknown>;
type Push = { arg: Msg; data: Msg[] };
const pushes = (c: TestClient): Msg[] =>
  c.frames.flatMap((f) => { try { const m = JSON.parse(f) as Push; return m.data ? m.data : []; } catch { return []; } });

describe('OKX messages', () => {
  it('renders an aggregate push and a REST row byte for byte like the documented samples', () => {
    const t = (id: number, qty: string, buyerIsMaker = false): SimTrade => ({ symbol: 'BTC-USDT', id, price: '42219.90000000', qty, quoteQty: '0', timeUs: 1630048897897123, buyerIsMaker });
    const push = tradesPush([t(130639472, '0.10000000'), t(130639473, '0.02000000'), t(130639474, '0.00060306')]);
    expect(push).toBe(DOC_PUSH.replace('"seqId":1234', `"seqId":${seqIdOf(130639474)}`));
    const row: SimTrade = { symbol: 'BTC-USDT', id: 242720720, price: '29963.20000000', qty: '0.00001000', quoteQty: '0', timeUs: 1654161646974000, buyerIsMaker: true };
    expect(JSON.stringify({ code: '0', msg: '', data: [restTrade(row)] })).toBe(DOC_REST);
  });
});

describe('OKX v5 WebSocket', () => {
  it('acks subscribe with the id and connId, pushes count aggregates whose ids chain, and matches REST by id', async () => {
    const s = await start();
    const client = await open(s);
    const ack = JSON.parse(client.frames[0]!) as Msg;
    expect(Object.keys(ack)).toEqual(['id', 'event', 'arg', 'connId']);
    expect(ack).toMatchObject({ id: '1512', event: 'subscribe', arg: { channel: 'trades', instId: 'BTC-USDT' } });
    expect(ack['connId']).toMatch(/^[0-9a-f]{8}$/);
    const made = s.market.generate('BTC-USDT', 60);
    await client.until(() => pushes(client).reduce((n, p) => n + Number(p['count']), 0) >= 60);
    const data = pushes(client);
    expect(data.some((p) => Number(p['count']) > 1)).toBe(true);
    let previous = 0;
    const byId = new Map(made.map((t) => [t.id, t]));
    for (const p of data) {
      const last = Number(p['tradeId']);
      const count = Number(p['count']);
      expect(last - count).toBe(previous); // tradeId - count is the previous push's tradeId
      const covered = made.filter((t) => t.id > previous && t.id <= last);
      expect(new Set(covered.map((t) => `${t.price}|${String(t.buyerIsMaker)}|${t.timeUs}`)).size).toBe(1);
      expect(p['px']).toBe(canonical(byId.get(last)!.price));
      expect(p['sz']).toBe(canonical(formatUnits(covered.reduce((sum, t) => sum + toUnits(t.qty), 0n))));
      expect(p['side']).toBe(byId.get(last)!.buyerIsMaker ? 'sell' : 'buy');
      previous = last;
    }
    // REST lists the single trades, newest first; every id a push covered is there with the push's price and side
    const rest = (await (await fetch(`${s.restUrl}/api/v5/market/trades?instId=BTC-USDT&limit=500`)).json()) as { code: string; data: Msg[] };
    expect(rest.code).toBe('0');
    expect(rest.data.map((r) => Number(r['tradeId']))).toEqual(made.map((t) => t.id).reverse());
    for (const p of data) {
      for (let id = Number(p['tradeId']) - Number(p['count']) + 1; id <= Number(p['tradeId']); id++) {
        const r = rest.data.find((x) => x['tradeId'] === String(id))!;
        expect([r['px'], r['side'], r['ts']]).toEqual([p['px'], p['side'], p['ts']]);
      }
    }
  });

  it('answers text ping with pong, refuses bad requests with 60012 / 60018, and closes idle connections', async () => {
    const s = await start({ ws: { idleTimeoutMs: 200 } });
    const client = await open(s, false);
    const before = client.frames.length;
    client.send('ping');
    await client.until(() => client.frames.length > before);
    expect(client.frames[before]).toBe('pong');
    const bad = (await client.request({ id: '7', op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-XYZ' }] })) as Msg;
    expect(Object.keys(bad)).toEqual(['id', 'event', 'code', 'msg', 'connId']);
    expect(bad).toMatchObject({ id: '7', event: 'error', code: '60018' });
    expect(await client.request({ op: 'explode' })).toMatchObject({ event: 'error', code: '60012' });
    expect(await client.request('hello')).toMatchObject({ event: 'error', code: '60012', msg: 'Invalid request: hello' });
    expect(await client.request({ op: 'unsubscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] })).toMatchObject({ event: 'unsubscribe' });
    // kept alive by pings, closed once silent
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      client.send('ping');
    }
    expect(client.closeCode).toBeUndefined();
    const closed = await client.closed;
    expect(closed.code).toBe(4004);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  });
});

describe('OKX REST', () => {
  it('pages history-trades to older ids with after, serves instruments and the ticker, and reports errors', async () => {
    const s = await start();
    s.market.generate('BTC-USDT', 250);
    const get = async (path: string) => {
      const res = await fetch(`${s.restUrl}${path}`);
      return { status: res.status, body: (await res.json()) as { code: string; msg: string; data: Msg[] } };
    };
    const page1 = await get('/api/v5/market/history-trades?instId=BTC-USDT&type=1');
    expect(page1.body.data.map((r) => Number(r['tradeId']))).toEqual(Array.from({ length: 100 }, (_, i) => 250 - i));
    const page2 = await get('/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=151&limit=100');
    expect(page2.body.data.map((r) => Number(r['tradeId']))).toEqual(Array.from({ length: 100 }, (_, i) => 150 - i));
    const page3 = await get('/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=51&limit=200');
    expect(page3.body.data).toHaveLength(50);
    const newer = await get('/api/v5/market/history-trades?instId=BTC-USDT&before=245');
    expect(newer.body.data.map((r) => Number(r['tradeId']))).toEqual([250, 249, 248, 247, 246]);
    expect((await get('/api/v5/market/trades?instId=BTC-USDT&limit=900')).body.data).toHaveLength(250);
    const instruments = await get('/api/v5/public/instruments?instType=SPOT&instId=BTC-USDT');
    expect(instruments.body.data[0]).toMatchObject({ instType: 'SPOT', instId: 'BTC-USDT', baseCcy: 'BTC', quoteCcy: 'USDT', tickSz: '0.1', lotSz: '0.00000001', state: 'live' });
    const ticker = await get('/api/v5/market/ticker?instId=BTC-USDT');
    expect(ticker.body.data[0]!['last']).toBe(canonical(s.market.latest('BTC-USDT', 1)[0]!.price));
    expect(await get('/api/v5/market/trades')).toEqual({ status: 400, body: { code: '50014', msg: 'Parameter instId can not be empty.', data: [] } });
    expect((await get('/api/v5/market/trades?instId=DOGE-EUR')).body.code).toBe('51001');
  });
});

describe('OKX faults', () => {
  it('damages pushes, notifies before shutdown, and fails, delays and limits REST', async () => {
    const s = await start({ sweeps: { probability: 0, maxTrades: 2 }, rest: { requestsPerWindow: 2, windowMs: 60_000 } });
    const client = await open(s);
    s.faults.skipFrames(1).duplicateFrames(1).reorderFrames(2);
    s.market.generate('BTC-USDT', 5);
    await client.until(() => pushes(client).length >= 5);
    expect(pushes(client).map((p) => p['tradeId'])).toEqual(['2', '2', '4', '3', '5']);
    expect(s.faults.affected.map((a) => a.id)).toEqual([1, 2, 3, 4]);
    const before = client.frames.length;
    s.faults.malformFrames(1, { kinds: ['wrong-types'] });
    s.market.generate('BTC-USDT', 1);
    await client.until(() => client.frames.length > before);
    const wrong = (JSON.parse(client.frames[before]!) as Push).data[0]!;
    expect(typeof wrong['tradeId']).toBe('number');
    expect(typeof wrong['px']).toBe('number');
    expect(s.faults.sendServerShutdown()).toBe(1);
    await client.until(() => client.frames.some((f) => f.includes('"notice"')));
    expect(JSON.parse(client.frames.at(-1)!)).toMatchObject({ event: 'notice', code: '64008' });
    s.faults.restLatency(80).restErrors({ status: 503 });
    const t0 = Date.now();
    const failed = await fetch(`${s.restUrl}/api/v5/market/trades?instId=BTC-USDT`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as Msg)['code']).toBe('50001');
    expect((await fetch(`${s.restUrl}/api/v5/market/trades?instId=BTC-USDT`)).status).toBe(200);
    expect((await fetch(`${s.restUrl}/api/v5/market/trades?instId=BTC-USDT`)).status).toBe(200);
    const limited = await fetch(`${s.restUrl}/api/v5/market/trades?instId=BTC-USDT`);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: '50011', msg: 'Too Many Requests', data: [] });
    s.faults.stallConnections(60_000);
    expect(s.connections.list()[0]!.stalled).toBe(true);
    expect(s.faults.closeConnections({ code: 1001 })).toBe(1);
    expect((await client.closed).code).toBe(1001);
  });
});
