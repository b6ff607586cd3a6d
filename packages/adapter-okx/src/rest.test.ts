import { parseErrorOf } from '@tickgate/adapter-conformance';
import { TradeSchema } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BTC, fixtureText, RECEIVE_US } from '../test/helpers.js';
import { okxRest, parseRestTrades } from './rest.js';

describe('okxRest', () => {
  it('states the limits', () => {
    expect(okxRest.limits).toEqual({ weightPerMinute: 600, maxTradesPerPage: 100 });
  });

  it('reads the documented history-trades sample', () => {
    const trades = okxRest.tradesFrom!(BTC, '242720720', 1).parse(fixtureText('rest-history-trades-doc.json'), RECEIVE_US);
    expect(trades).toEqual([
      { v: 1, type: 'trade', venue: 'okx', instrument: 'BTC-USDT', symbol: 'BTC-USDT', id: '242720720', price: '29963.2', quantity: '0.00001', side: 'sell', tradeTime: 1_654_161_646_974_000, receiveTime: RECEIVE_US, source: 'rest' },
    ]);
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });

  it('builds tradesFrom from the older-ids cursor: after = fromId + limit, ascending, range kept', () => {
    const req = okxRest.tradesFrom!(BTC, '900000003', 2);
    expect(req).toMatchObject({ path: '/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=900000005&limit=2', weight: 1 });
    expect(req.parse(fixtureText('rest-trades-generated.json'), RECEIVE_US).map((t) => t.id)).toEqual(['900000003', '900000004']);
    expect(okxRest.tradesFrom!(BTC, '900000004', 100).parse(fixtureText('rest-trades-generated.json'), RECEIVE_US).map((t) => t.id)).toEqual(['900000004', '900000005']);
    expect(() => okxRest.tradesFrom!(BTC, '1', 101)).toThrowError(RangeError);
    expect(() => okxRest.tradesFrom!(BTC, 'x', 10)).toThrowError(RangeError);
  });

  it('returns recent trades ascending', () => {
    const req = okxRest.recentTrades(BTC, 500);
    expect(req.path).toBe('/api/v5/market/trades?instId=BTC-USDT&limit=500');
    const trades = req.parse(fixtureText('rest-trades-generated.json'), RECEIVE_US);
    expect(trades.map((t) => [t.id, t.side, t.price, t.quantity, t.tradeTime])).toEqual([
      ['900000002', 'sell', '97119.9', '2', 1_767_225_600_200_000],
      ['900000003', 'buy', '97120', '0.25', 1_767_225_600_300_000],
      ['900000004', 'buy', '97123.5', '1', 1_767_225_600_400_000],
      ['900000005', 'sell', '97123.4', '0.001', 1_767_225_600_500_000],
    ]);
    expect(() => okxRest.recentTrades(BTC, 501)).toThrowError(RangeError);
  });

  it('rejects error bodies and unreadable trades', () => {
    expect(parseErrorOf(() => parseRestTrades(fixtureText('rest-error-generated.json'), BTC, RECEIVE_US))).toMatchObject({ reason: 'unknown-message', message: expect.stringMatching(/51001.*does not exist/) });
    const one = (o: Record<string, unknown>) => JSON.stringify({ code: '0', msg: '', data: [{ instId: 'BTC-USDT', side: 'buy', sz: '1', px: '1', tradeId: '1', ts: '1767225600000', ...o }] });
    expect(parseErrorOf(() => parseRestTrades(one({ instId: 'ETH-USDT' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.instId/);
    expect(parseErrorOf(() => parseRestTrades(one({ px: '1e2' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.px/);
    expect(parseErrorOf(() => parseRestTrades(one({ sz: 1 }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.sz/);
    expect(parseErrorOf(() => parseRestTrades(one({ ts: '1767225600' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.ts/);
    expect(parseErrorOf(() => parseRestTrades(one({ side: 'b' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.side/);
    expect(parseErrorOf(() => parseRestTrades(one({ tradeId: 1 }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.tradeId/);
    expect(parseErrorOf(() => parseRestTrades('{"code":"0","data":{}}', BTC, RECEIVE_US)).reason).toBe('invalid-field');
    expect(parseErrorOf(() => parseRestTrades('oops', BTC, RECEIVE_US)).reason).toBe('malformed-json');
  });

  it('reads instruments: one by instId, several from the SPOT list', () => {
    expect(okxRest.instruments(['BTC-USDT']).path).toBe('/api/v5/public/instruments?instType=SPOT&instId=BTC-USDT');
    const req = okxRest.instruments(['ETH-USDT', 'BTC-USDT', 'NOPE-USDT']);
    expect(req.path).toBe('/api/v5/public/instruments?instType=SPOT');
    expect(req.parse(fixtureText('rest-instruments-generated.json'), RECEIVE_US)).toEqual([
      { instrument: 'ETH-USDT', symbol: 'ETH-USDT', base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', status: 'live' },
      { instrument: 'BTC-USDT', symbol: 'BTC-USDT', base: 'BTC', quote: 'USDT', tickSize: '0.1', stepSize: '0.00000001', status: 'live' },
    ]);
    expect(() => okxRest.instruments(['BTC-USDT-SWAP'])).toThrowError(RangeError);
    expect(parseErrorOf(() => okxRest.instruments(['ETH-USDT']).parse('{"code":"0","msg":"","data":[{"instId":"ETH-USDT","baseCcy":"eth","quoteCcy":"USDT"}]}', RECEIVE_US)).message).toMatch(/BASE-QUOTE/);
  });

  it('reads the last price', () => {
    const req = okxRest.lastPrice(BTC);
    expect(req.path).toBe('/api/v5/market/ticker?instId=BTC-USDT');
    expect(req.parse(fixtureText('rest-ticker-generated.json'), RECEIVE_US)).toBe('97123.4');
    expect(parseErrorOf(() => req.parse('{"code":"0","msg":"","data":[]}', RECEIVE_US)).message).toMatch(/^ticker\[0\]/);
  });
});
