import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import type { SimTrade } from '../core/market.js';
import { bybitTradeId, opAnswer, publicTradePush, seqOf, tradeEntry } from './messages.js';
import { startBybitSim, type BybitSim, type BybitSimOptions } from './bybit-sim.js';

// Documented sample (shared/protocols/other-venues.md), verbatim.
const DOC_PUSH =
  '{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false,"seq":1783284617}]}';
const SUBSCRIBE = { req_id: 'test', op: 'subscribe', args: ['publicTrade.BTCUSDT'] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const session = simSession<BybitSim>();

async function start(options: BybitSimOptions = {}): Promise<BybitSim> {
  return session.keep(await startBybitSim(options));
}

async function open(s: BybitSim, subscribe = true): Promise<TestClient> {
  const client = await session.open(`${s.wsUrl}/v5/public/spot`);
  if (subscribe) await client.request(SUBSCRIBE);
  return client;
}

type Msg = Record<string, unknown>;
const entries = (c: TestClient): Msg[] =>
  c.frames.flatMap((f) => { try { const m = JSON.parse(f) as { topic?: string; data?: Msg[] }; return m.topic ? (m.data ?? []) : []; } catch { return []; } });

describe('Bybit messages', () => {
  it('renders the documented push byte for byte and op answers in the documented order', () => {
    const trade: SimTrade = { symbol: 'BTCUSDT', id: 42, price: '16578.50000000', qty: '0.00100000', quoteQty: '0', timeUs: 1672304486865432, buyerIsMaker: false };
    const expected = DOC_PUSH.replace('20f43950-d8dd-5b31-9112-a178eb6023af', bybitTradeId(trade)).replace('"seq":1783284617', `"seq":${seqOf(trade)}`);
    expect(publicTradePush('BTCUSDT', 1672304486868, [tradeEntry(trade, 2, 'PlusTick')])).toBe(expected);
    expect(bybitTradeId(trade)).toMatch(UUID);
    expect(opAnswer(true, 'pong', 'c1', 'ping')).toBe('{"success":true,"ret_msg":"pong","conn_id":"c1","op":"ping"}');
  });
});

describe('Bybit v5 spot WebSocket', () => {
  it('acks a subscribe, pushes trades with non-consecutive ids and tick directions, the same as REST', async () => {
    const s = await start();
    const client = await open(s);
    const ack = JSON.parse(client.frames[0]!) as Msg;
    expect(Object.keys(ack)).toEqual(['success', 'ret_msg', 'conn_id', 'req_id', 'op']);
    expect(ack).toMatchObject({ success: true, ret_msg: '', req_id: 'test', op: 'subscribe' });
    const made = s.market.generate('BTCUSDT', 50);
    await client.until(() => entries(client).length >= 50);
    const data = entries(client);
    expect(client.frames.length - 1).toBeLessThan(50); // some pushes carry several trades of one order
    const ids = data.map((d) => d['i'] as string);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID);
    // not consecutive: nothing in the ids gives the order away; seq does
    const seqs = data.map((d) => d['seq'] as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect([...ids].sort()).not.toEqual(ids);
    for (const [k, d] of data.entries()) {
      const t = made[k]!;
      expect(Object.keys(d)).toEqual(['T', 's', 'S', 'v', 'p', 'L', 'i', 'BT', 'seq']);
      expect(d['S']).toBe(t.buyerIsMaker ? 'Sell' : 'Buy');
      expect(d['p']).toMatch(/^\d+\.\d{2}$/);
      if (k > 0) {
        const prev = made[k - 1]!;
        if (t.price > prev.price && t.price.length === prev.price.length) expect(d['L']).toBe('PlusTick');
      }
    }
    expect(new Set(data.map((d) => d['L']))).toContain('ZeroPlusTick');
    const res = (await (await fetch(`${s.restUrl}/v5/market/recent-trade?category=spot&symbol=BTCUSDT&limit=1000`)).json()) as {
      retCode: number;
      retMsg: string;
      result: { category: string; list: Msg[] };
    };
    expect(res).toMatchObject({ retCode: 0, retMsg: 'OK', result: { category: 'spot' } });
    expect(res.result.list).toHaveLength(50);
    expect(res.result.list.map((r) => r['execId'])).toEqual([...ids].reverse());
    const byId = new Map(data.map((d) => [d['i'], d]));
    for (const r of res.result.list) {
      const d = byId.get(r['execId'])!;
      expect([r['price'], r['size'], r['side'], Number(r['time'])]).toEqual([d['p'], d['v'], d['S'], d['T']]);
    }
  });

  it('answers op ping with pong, refuses bad topics and requests, and closes connections idle too long', async () => {
    const s = await start({ ws: { idleTimeoutMs: 200 } });
    const client = await open(s, false);
    const pong = (await client.request({ req_id: '100001', op: 'ping' })) as Msg;
    expect(Object.keys(pong)).toEqual(['success', 'ret_msg', 'conn_id', 'op']);
    expect(pong).toMatchObject({ success: true, ret_msg: 'pong', op: 'ping' });
    expect(await client.request({ req_id: 'x', op: 'subscribe', args: ['publicTrade.BTCXYZ'] })).toMatchObject({
      success: false,
      ret_msg: 'Invalid symbol :[publicTrade.BTCXYZ]',
      req_id: 'x',
    });
    expect(await client.request('nope')).toMatchObject({ success: false });
    expect(await client.request({ op: 'dance' })).toMatchObject({ success: false, op: 'dance' });
    expect(await client.request({ op: 'subscribe', args: ['publicTrade.BTCUSDT'] })).toMatchObject({ success: true, op: 'subscribe' });
    expect(s.connections.list()[0]!.subscriptions).toEqual(['publicTrade.BTCUSDT']);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      client.send({ op: 'ping' });
    }
    expect(client.closeCode).toBeUndefined();
    expect((await client.closed).code).toBe(1000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  });
});

describe('Bybit REST', () => {
  it('caps recent-trade at 60 without pagination, serves instruments and tickers in the envelope, and reports errors', async () => {
    const s = await start({ rest: { requestsPerWindow: 6, windowMs: 60_000 } });
    s.market.generate('BTCUSDT', 80);
    const get = async (path: string) => {
      const res = await fetch(`${s.restUrl}${path}`);
      return { status: res.status, body: (await res.json()) as { retCode: number; retMsg: string; result: { list: Msg[] }; retExtInfo?: unknown; time?: number } };
    };
    const recent = await get('/v5/market/recent-trade?category=spot&symbol=BTCUSDT');
    expect(Object.keys(recent.body)).toEqual(['retCode', 'retMsg', 'result', 'retExtInfo', 'time']);
    expect(recent.body.result.list).toHaveLength(60);
    expect(Object.keys(recent.body.result.list[0]!)).toEqual(['execId', 'symbol', 'price', 'size', 'side', 'time', 'isBlockTrade']);
    const info = await get('/v5/market/instruments-info?category=spot&symbol=BTCUSDT');
    expect(info.body.result.list[0]).toMatchObject({ symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', status: 'Trading', priceFilter: { tickSize: '0.01' } });
    const tickers = await get('/v5/market/tickers?category=spot&symbol=BTCUSDT');
    expect(tickers.body.result.list[0]!['lastPrice']).toBe(recent.body.result.list[0]!['price']);
    expect((await get('/v5/market/recent-trade?category=linear&symbol=BTCUSDT')).body).toMatchObject({ retCode: 10001, retMsg: 'Illegal category' });
    expect((await get('/v5/market/recent-trade?category=spot&symbol=FOO')).body).toMatchObject({ retCode: 10001 });
    expect((await get('/v5/market/tickers?category=spot')).status).toBe(200);
    const limited = await fetch(`${s.restUrl}/v5/market/tickers?category=spot`);
    expect(limited.status).toBe(403);
  });
});

describe('Bybit faults', () => {
  it('skips, duplicates and malforms pushes, drops connections, and forces REST 5xx / 429', async () => {
    const s = await start({ sweeps: { probability: 0, maxTrades: 2 } });
    const client = await open(s);
    s.faults.skipFrames(1).duplicateFrames(1);
    const made = s.market.generate('BTCUSDT', 3);
    await client.until(() => entries(client).length >= 3);
    expect(entries(client).map((d) => d['i'])).toEqual([made[1], made[1], made[2]].map((t) => bybitTradeId(t!)));
    const before = client.frames.length;
    s.faults.malformFrames(3);
    s.market.generate('BTCUSDT', 3);
    await client.until(() => client.frames.length >= before + 3);
    const [cut, wrong, missing] = client.frames.slice(before);
    expect(() => JSON.parse(cut!)).toThrow();
    expect(typeof (JSON.parse(wrong!) as { data: Msg[] }).data[0]!['p']).toBe('number');
    expect((JSON.parse(missing!) as { data: Msg[] }).data[0]).not.toHaveProperty('v');
    s.faults.restErrors({ status: 500 }).restTooManyRequests({ retryAfterSec: 2 });
    const failed = await fetch(`${s.restUrl}/v5/market/tickers?category=spot`);
    expect(failed.status).toBe(500);
    const limited = await fetch(`${s.restUrl}/v5/market/tickers?category=spot`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(((await limited.json()) as Msg)['retCode']).toBe(10006);
    expect(s.faults.dropConnections()).toBe(1);
    expect((await client.closed).code).toBe(1006);
    expect(s.faults.counters).toMatchObject({ skipped: 1, duplicated: 1, dropped: 1, restErrors: 1, rest429: 1 });
  });
});
