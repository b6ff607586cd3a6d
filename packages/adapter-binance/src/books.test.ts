import { instrumentMap, type BookDelta, type ParseSink, type Rejection } from '@tickgate/core';
import type { Bbo } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { binanceBooks, depthRequest, depthWeight } from './books.js';
import { parseFrame } from './parse.js';
import { buildConnectUrl } from './stream.js';

// Documented samples (shared/protocols/books.md §1.2), verbatim.
const DOC_DIFF = '{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}';
const DOC_REST = '{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}';
const DOC_TICKER = '{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}';
const RECV = 1_700_000_000_000_000;

const instruments = instrumentMap([
  { instrument: 'BNB-BTC', symbol: 'BNBBTC', base: 'BNB', quote: 'BTC' },
  { instrument: 'BNB-USDT', symbol: 'BNBUSDT', base: 'BNB', quote: 'USDT' },
]);

function collect(raw: string, withBooks = true) {
  const deltas: Array<[string, BookDelta]> = [];
  const bbos: Bbo[] = [];
  const rejected: Rejection[] = [];
  const ignored: string[] = [];
  const sink: ParseSink = {
    trade: () => undefined,
    control: (e) => void (e.type === 'ignored' && ignored.push(e.what)),
    reject: (r) => void rejected.push(r),
    ...(withBooks ? { bookDelta: (i: string, d: BookDelta) => void deltas.push([i, d]), bbo: (b: Bbo) => void bbos.push(b) } : {}),
  };
  parseFrame(raw, RECV, sink, instruments, 'ms');
  return { deltas, bbos, rejected, ignored };
}

describe('Binance book frames', () => {
  it('reads the documented diff event into a delta with canonical levels and both ids, raw or combined', () => {
    const expected = { firstUpdateId: '157', updateId: '160', bids: [['0.0024', '10']], asks: [['0.0026', '100']], exchangeTime: 1672515782136000, receiveTime: RECV };
    expect(collect(DOC_DIFF).deltas).toEqual([['BNB-BTC', expected]]);
    expect(collect(`{"stream":"bnbbtc@depth@100ms","data":${DOC_DIFF}}`).deltas).toEqual([['BNB-BTC', expected]]);
    const removal = collect('{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":161,"u":161,"b":[["0.00240000","0.00000000"]],"a":[]}');
    expect(removal.deltas[0]![1].bids).toEqual([['0.0024', '0']]);
  });

  it('reads the documented book ticker into a best bid and offer', () => {
    expect(collect(DOC_TICKER).bbos).toEqual([
      { v: 1, type: 'bbo', venue: 'binance', instrument: 'BNB-USDT', symbol: 'BNBUSDT', updateId: '400900217', bidPrice: '25.3519', bidSize: '31.21', askPrice: '25.3652', askSize: '40.66', receiveTime: RECV },
    ]);
  });

  it('ignores book frames for a sink that takes trades only', () => {
    expect(collect(DOC_DIFF, false).ignored).toEqual(['depthUpdate']);
    expect(collect(DOC_TICKER, false).ignored).toEqual(['bookTicker']);
  });

  it('rejects bad levels, ids and a crossed ticker naming the field and the instrument', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"e":"depthUpdate","E":1,"s":"BNBBTC","U":160,"u":157,"b":[],"a":[]}', /^u: update ids/],
      ['{"e":"depthUpdate","E":1,"s":"BNBBTC","U":1,"u":2,"b":[[0.0024,"10"]],"a":[]}', /^b: bids: 0: price is not a plain positive decimal/],
      ['{"e":"depthUpdate","E":1,"s":"BNBBTC","U":1,"u":2,"b":[],"a":[["0.0026","-1"]]}', /^a: asks: 0: size is not a plain decimal/],
      ['{"u":1,"s":"BNBUSDT","b":"25.4","B":"1","a":"25.3","A":"1"}', /^b: best bid is not below the best ask/],
      ['{"u":1,"s":"BNBUSDT","b":"25.3","B":"0.000","a":"25.4","A":"1"}', /^B: best bid size/],
    ];
    for (const [raw, message] of cases) {
      const r = collect(raw);
      expect(r.deltas.length + r.bbos.length).toBe(0);
      expect(r.rejected).toHaveLength(1);
      expect(r.rejected[0]).toMatchObject({ reason: 'invalid-field', message: expect.stringMatching(message) });
      expect(r.rejected[0]!.instrument).toBeDefined();
      expect(['book', 'bbo']).toContain(r.rejected[0]!.channel);
    }
  });
});

describe('Binance book REST and streams', () => {
  it('reads the documented snapshot; weights follow the limit table', () => {
    const request = depthRequest({ instrument: 'BNB-BTC', symbol: 'BNBBTC', base: 'BNB', quote: 'BTC' }, 1000);
    expect(request.path).toBe('/api/v3/depth?symbol=BNBBTC&limit=1000');
    expect(request.weight).toBe(50);
    expect(request.parse(DOC_REST, RECV)).toEqual({ source: 'rest', updateId: '1027024', bids: [['4', '431']], asks: [['4.000002', '12']], depth: 1000, receiveTime: RECV });
    expect([1, 100, 101, 500, 501, 1000, 1001, 5000].map(depthWeight)).toEqual([5, 5, 25, 25, 50, 50, 250, 250]);
    expect(() => request.parse('{"code":-1121,"msg":"Invalid symbol."}', RECV)).toThrowError(/Binance error -1121/);
    expect(() => request.parse('{"lastUpdateId":1,"bids":[["4","0"]],"asks":[]}', RECV)).toThrowError(/depth\.bids/);
    expect(() => depthRequest({ instrument: 'BNB-BTC', symbol: 'BNBBTC', base: 'BNB', quote: 'BTC' }, 5001)).toThrowError(RangeError);
    expect(binanceBooks.rule.kind).toBe('range');
  });

  it('the connect URL carries the streams of each channel', () => {
    const info = [{ instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' }];
    expect(buildConnectUrl('wss://x', info, ['trades', 'book', 'bbo'])).toBe('wss://x/stream?streams=btcusdt@trade/btcusdt@depth@100ms/btcusdt@bookTicker&timeUnit=MICROSECOND');
    expect(buildConnectUrl('wss://x', info)).toBe('wss://x/stream?streams=btcusdt@trade&timeUnit=MICROSECOND');
  });
});
