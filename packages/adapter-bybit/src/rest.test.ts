import { parseErrorOf } from '@tickgate/adapter-conformance';
import { TradeSchema } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BTC, fixtureText, RECEIVE_US } from '../test/helpers.js';
import { bybitRest, parseRestTrades } from './rest.js';

describe('bybitRest', () => {
  it('states the limits and offers no id-based backfill', () => {
    expect(bybitRest.limits).toEqual({ weightPerMinute: 7200, maxTradesPerPage: 60 });
    expect(bybitRest.tradesFrom).toBeUndefined();
  });

  it('reads recent trades oldest first, taker side, block trades kept', () => {
    const req = bybitRest.recentTrades(BTC, 60);
    expect(req).toMatchObject({ path: '/v5/market/recent-trade?category=spot&symbol=BTCUSDT&limit=60', weight: 1 });
    const trades = req.parse(fixtureText('rest-recent-trades-generated.json'), RECEIVE_US);
    expect(trades.map((t) => [t.id, t.side, t.price, t.quantity, t.tradeTime])).toEqual([
      ['2290000000061666329', 'buy', '97120', '1', 1_767_225_600_100_000],
      ['2290000000061666326', 'buy', '97123.5', '0.25', 1_767_225_600_200_000],
      ['2290000000061666327', 'sell', '97123.4', '0.001', 1_767_225_600_300_000],
    ]);
    for (const t of trades) expect(TradeSchema.parse(t)).toMatchObject({ source: 'rest', venue: 'bybit', instrument: 'BTC-USDT', symbol: 'BTCUSDT' });
    expect(() => bybitRest.recentTrades(BTC, 61)).toThrowError(RangeError);
  });

  it('rejects error bodies and unreadable trades', () => {
    expect(parseErrorOf(() => parseRestTrades(fixtureText('rest-error-generated.json'), BTC, RECEIVE_US))).toMatchObject({ reason: 'unknown-message', message: expect.stringMatching(/10001.*Not supported/) });
    const one = (o: Record<string, unknown>) => JSON.stringify({ retCode: 0, retMsg: 'OK', result: { list: [{ execId: '1', symbol: 'BTCUSDT', price: '1', size: '1', side: 'Buy', time: '1767225600000', ...o }] } });
    expect(parseRestTrades(one({}), BTC, RECEIVE_US)).toHaveLength(1);
    expect(parseErrorOf(() => parseRestTrades(one({ symbol: 'ETHUSDT' }), BTC, RECEIVE_US)).message).toMatch(/^recent-trade\[0\]\.symbol/);
    expect(parseErrorOf(() => parseRestTrades(one({ execId: 1 }), BTC, RECEIVE_US)).message).toMatch(/^recent-trade\[0\]\.execId/);
    expect(parseErrorOf(() => parseRestTrades(one({ price: '1e2' }), BTC, RECEIVE_US)).message).toMatch(/^recent-trade\[0\]\.price/);
    expect(parseErrorOf(() => parseRestTrades(one({ size: '0' }), BTC, RECEIVE_US)).message).toMatch(/^recent-trade\[0\]\.size/);
    expect(parseErrorOf(() => parseRestTrades(one({ time: 'x' }), BTC, RECEIVE_US)).message).toMatch(/^recent-trade\[0\]\.time/);
    expect(parseErrorOf(() => parseRestTrades(one({ side: 'buy' }), BTC, RECEIVE_US)).message).toMatch(/^recent-trade\[0\]\.side/);
    expect(parseErrorOf(() => parseRestTrades('{"retCode":0,"result":{}}', BTC, RECEIVE_US)).message).toMatch(/result\.list/);
    expect(parseErrorOf(() => parseRestTrades('?', BTC, RECEIVE_US)).reason).toBe('malformed-json');
  });

  it('reads instruments from baseCoin/quoteCoin: one by symbol, several from the spot list', () => {
    expect(bybitRest.instruments(['BTCUSDT']).path).toBe('/v5/market/instruments-info?category=spot&symbol=BTCUSDT');
    const req = bybitRest.instruments(['ETHUSDT', 'BTCUSDT', 'NOPEUSDT']);
    expect(req.path).toBe('/v5/market/instruments-info?category=spot');
    expect(req.parse(fixtureText('rest-instruments-generated.json'), RECEIVE_US)).toEqual([
      { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', status: 'Trading' },
      { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', status: 'Trading' },
    ]);
    expect(() => bybitRest.instruments(['btc-usdt'])).toThrowError(RangeError);
    expect(parseErrorOf(() => bybitRest.instruments(['ODD']).parse(fixtureText('rest-instruments-generated.json'), RECEIVE_US)).message).toMatch(/^instruments-info\[2\]\.baseCoin/);
  });

  it('reads the last price', () => {
    const req = bybitRest.lastPrice(BTC);
    expect(req.path).toBe('/v5/market/tickers?category=spot&symbol=BTCUSDT');
    expect(req.parse(fixtureText('rest-tickers-generated.json'), RECEIVE_US)).toBe('97123.4');
    expect(parseErrorOf(() => req.parse('{"retCode":0,"result":{"list":[]}}', RECEIVE_US)).message).toMatch(/^tickers\[0\]/);
  });
});
