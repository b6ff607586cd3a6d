import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { startBinanceSim, type BinanceSim, type BinanceSimOptions } from './binance-sim.js';

const session = simSession<BinanceSim>();

async function start(options: BinanceSimOptions = {}): Promise<BinanceSim> {
  return session.keep(await startBinanceSim(options));
}

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${session.sim.restUrl}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('Binance REST', () => {
  it('answers ping, time and exchangeInfo with filters, assets and the REQUEST_WEIGHT limit', async () => {
    await start({ symbols: ['BTCUSDT', 'ETHUSDT'] });
    expect((await get('/api/v3/ping')).body).toEqual({});
    const time = (await get('/api/v3/time')).body as { serverTime: number };
    expect(Object.keys(time)).toEqual(['serverTime']);
    expect(Math.abs(time.serverTime - Date.now())).toBeLessThan(5000);
    const info = (await get('/api/v3/exchangeInfo?symbol=BTCUSDT')).body as {
      rateLimits: unknown[];
      symbols: { symbol: string; status: string; baseAsset: string; quoteAsset: string; filters: Record<string, string>[] }[];
    };
    expect(info.rateLimits[0]).toEqual({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 });
    expect(info.symbols).toHaveLength(1);
    const btc = info.symbols[0]!;
    expect(btc).toMatchObject({ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT' });
    expect(btc.filters[0]).toEqual({ filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' });
    expect(Object.keys(btc.filters[1]!)).toEqual(['filterType', 'minQty', 'maxQty', 'stepSize']);
    expect(btc.filters[1]!['stepSize']).toBe('0.00001000');
    const all = (await get('/api/v3/exchangeInfo')).body as { symbols: { symbol: string }[] };
    expect(all.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const some = (await get(`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["ETHUSDT"]')}`)).body as { symbols: { symbol: string }[] };
    expect(some.symbols.map((s) => s.symbol)).toEqual(['ETHUSDT']);
  });

  it('serves the same trades over REST as on the stream, id for id', async () => {
    const s = await start();
    const client = await session.open(`${s.wsUrl}/ws/btcusdt@trade`);
    s.market.generate('BTCUSDT', 30);
    const streamed = (await client.json(30)) as { t: number; p: string; q: string; T: number; m: boolean }[];
    const recent = (await get('/api/v3/trades?symbol=BTCUSDT&limit=30')).body as Record<string, unknown>[];
    expect(Object.keys(recent[0]!)).toEqual(['id', 'price', 'qty', 'quoteQty', 'time', 'isBuyerMaker', 'isBestMatch']);
    expect(recent.map((r) => [r['id'], r['price'], r['qty'], r['time'], r['isBuyerMaker']])).toEqual(
      streamed.map((f) => [f.t, f.p, f.q, f.T, f.m]),
    );
    const page = (await get('/api/v3/historicalTrades?symbol=BTCUSDT&fromId=11&limit=5')).body as { id: number; price: string }[];
    expect(page.map((t) => t.id)).toEqual([11, 12, 13, 14, 15]);
    expect(page.map((t) => t.price)).toEqual(streamed.slice(10, 15).map((f) => f.p));
    const aggs = (await get('/api/v3/aggTrades?symbol=BTCUSDT&fromId=29')).body as Record<string, unknown>[];
    expect(aggs).toEqual([
      { a: 29, p: streamed[28]!.p, q: streamed[28]!.q, f: 29, l: 29, T: streamed[28]!.T, m: streamed[28]!.m, M: true },
      { a: 30, p: streamed[29]!.p, q: streamed[29]!.q, f: 30, l: 30, T: streamed[29]!.T, m: streamed[29]!.m, M: true },
    ]);
    const ticker = (await get('/api/v3/ticker/price?symbol=BTCUSDT')).body;
    expect(ticker).toEqual({ symbol: 'BTCUSDT', price: streamed[29]!.p });
  });

  it('applies the default limit of 500 and the maximum of 1000', async () => {
    const s = await start();
    s.market.generate('BTCUSDT', 1200);
    const recent = (await get('/api/v3/trades?symbol=BTCUSDT')).body as { id: number }[];
    expect(recent).toHaveLength(500);
    expect(recent[499]!.id).toBe(1200);
    expect((await get('/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1&limit=1000')).body).toHaveLength(1000);
    expect(await get('/api/v3/trades?symbol=BTCUSDT&limit=1001')).toMatchObject({ status: 400, body: { code: -1130 } });
  });

  it('filters aggTrades by time, inclusive', async () => {
    const s = await start();
    const trades = s.market.generate('BTCUSDT', 3);
    const ms = Math.floor(trades[1]!.timeUs / 1000);
    const aggs = (await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${ms}&endTime=${ms}`)).body as { f: number }[];
    expect(aggs.map((a) => a.f)).toContain(2);
    for (const a of aggs) expect(Math.floor(s.market.trade('BTCUSDT', a.f)!.timeUs / 1000)).toBe(ms);
  });

  it('answers bad or missing parameters with the documented error bodies and HTTP 400', async () => {
    await start();
    const cases: [string, number][] = [
      ['/api/v3/trades?symbol=NOPE', -1121],
      ['/api/v3/trades', -1102],
      ['/api/v3/trades?symbol=', -1102],
      ['/api/v3/trades?symbol=BTCUSDT&limit=abc', -1100],
      ['/api/v3/historicalTrades?symbol=BTCUSDT&fromId=-1', -1100],
      ['/api/v3/aggTrades?symbol=BTCUSDT&startTime=x', -1100],
      ['/api/v3/ticker/price?symbol=XYZ', -1121],
      ['/api/v3/exchangeInfo?symbol=XYZ', -1121],
      ['/api/v3/ticker/price?symbols=BTCUSDT', -1100],
    ];
    for (const [path, code] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(Object.keys(res.body as object), path).toEqual(['code', 'msg']);
      expect((res.body as { code: number }).code, path).toBe(code);
    }
    expect((await get('/api/v3/trades?symbol=NOPE')).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });

  it('reports used weight and answers 429 then 418 (with Retry-After) when the budget is exhausted', async () => {
    const s = await start({ rest: { weightLimit: 60, weightWindowMs: 60_000, banMs: 300_000 } });
    // Windows are aligned to the minute: do not start within 2 s of a boundary.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 2000) await new Promise((r) => setTimeout(r, left + 10));
    const first = await get('/api/v3/trades?symbol=BTCUSDT');
    expect(first.headers.get('x-mbx-used-weight-1m')).toBe('25');
    expect((await get('/api/v3/ping')).headers.get('x-mbx-used-weight-1m')).toBe('26');
    expect((await get('/api/v3/trades?symbol=BTCUSDT')).headers.get('x-mbx-used-weight-1m')).toBe('51');
    const limited = await get('/api/v3/trades?symbol=BTCUSDT');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-mbx-used-weight-1m')).toBe('51');
    expect((limited.body as { code: number }).code).toBe(-1003);
    const banned = await get('/api/v3/ping');
    expect(banned.status).toBe(418);
    expect(Number(banned.headers.get('retry-after'))).toBe(300);
    expect((await get('/api/v3/time')).status).toBe(418);
    expect(s.rest.usedWeight()).toBe(51);
  });

  it('answers with microsecond times when asked with X-MBX-TIME-UNIT', async () => {
    const s = await start();
    const [trade] = s.market.generate('BTCUSDT', 1);
    const micro = { 'X-MBX-TIME-UNIT': 'MICROSECOND' };
    expect(((await get('/api/v3/trades?symbol=BTCUSDT', micro)).body as { time: number }[])[0]!.time).toBe(trade!.timeUs);
    expect(((await get('/api/v3/aggTrades?symbol=BTCUSDT', micro)).body as { T: number }[])[0]!.T).toBe(trade!.timeUs);
    expect(((await get('/api/v3/trades?symbol=BTCUSDT')).body as { time: number }[])[0]!.time).toBe(Math.floor(trade!.timeUs / 1000));
    expect(((await get('/api/v3/time', micro)).body as { serverTime: number }).serverTime).toBeGreaterThan(1e15);
    const at = trade!.timeUs;
    const byTime = (await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${at}&endTime=${at}`, micro)).body as { f: number }[];
    expect(byTime.map((a) => a.f)).toEqual([1]);
    expect((await get('/api/v3/time', { 'X-MBX-TIME-UNIT': 'SECOND' })).status).toBe(400);
  });
});
