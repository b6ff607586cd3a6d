import { parseErrorOf } from '@tickgate/adapter-conformance';
import { TradeSchema } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BTC, fixtureText, RECEIVE_US } from '../test/helpers.js';
import { binanceRest, parseExchangeInfo, restTimeToMicros } from './rest.js';

const LTC = { instrument: 'LTC-BTC', symbol: 'LTCBTC', base: 'LTC', quote: 'BTC' };

describe('binanceRest', () => {
  it('states the rate-limit facts', () => {
    expect(binanceRest.limits).toEqual({ weightPerMinute: 6000, usedWeightHeader: 'x-mbx-used-weight-1m', maxTradesPerPage: 1000 });
  });

  describe('instruments', () => {
    it('asks by symbol= for one and by a URL-encoded JSON array for several', () => {
      expect(binanceRest.instruments(['BTCUSDT'])).toMatchObject({ path: '/api/v3/exchangeInfo?symbol=BTCUSDT', weight: 20 });
      const several = binanceRest.instruments(['BTCUSDT', 'LTCBTC']);
      expect(several.path).toBe('/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22%2C%22LTCBTC%22%5D');
      expect(new URLSearchParams(several.path.split('?')[1]).get('symbols')).toBe('["BTCUSDT","LTCBTC"]');
      expect(() => binanceRest.instruments(['btc usdt'])).toThrowError(RangeError);
    });

    it('parses symbols, assets, status and canonical tick and step sizes', () => {
      const infos = binanceRest.instruments(['BTCUSDT', 'LTCBTC']).parse(fixtureText('rest-exchangeinfo-generated.json'), RECEIVE_US);
      expect(infos).toEqual([
        { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', status: 'TRADING', tickSize: '0.01', stepSize: '0.00001' },
        { instrument: 'LTC-BTC', symbol: 'LTCBTC', base: 'LTC', quote: 'BTC', status: 'BREAK', tickSize: '0.000001', stepSize: '0.001' },
      ]);
    });

    it('leaves out zero increments and rejects unreadable symbols', () => {
      const body = (filters: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', filters, ...extra }] });
      expect(parseExchangeInfo(body([{ filterType: 'PRICE_FILTER', tickSize: '0.00000000' }]))[0]).not.toHaveProperty('tickSize');
      expect(parseErrorOf(() => parseExchangeInfo(body([{ filterType: 'LOT_SIZE', stepSize: '1e-5' }]))).message).toMatch(/stepSize/);
      expect(parseErrorOf(() => parseExchangeInfo(body([], { baseAsset: 'btc' }))).message).toMatch(/BASE-QUOTE/);
      expect(parseErrorOf(() => parseExchangeInfo(body([], { quoteAsset: 7 }))).reason).toBe('invalid-field');
      expect(parseErrorOf(() => parseExchangeInfo('{"symbols":{}}')).reason).toBe('invalid-field');
      expect(parseErrorOf(() => parseExchangeInfo('<html>')).reason).toBe('malformed-json');
    });
  });

  describe('trades', () => {
    it('asks historicalTrades from an id, with µs times, weight 25', () => {
      const req = binanceRest.tradesFrom!(BTC, '5000000001', 1000);
      expect(req).toMatchObject({ path: '/api/v3/historicalTrades?symbol=BTCUSDT&fromId=5000000001&limit=1000', weight: 25, headers: { 'X-MBX-TIME-UNIT': 'MICROSECOND' } });
      expect(() => binanceRest.tradesFrom!(BTC, '-1', 10)).toThrowError(RangeError);
      expect(() => binanceRest.tradesFrom!(BTC, '1.5', 10)).toThrowError(RangeError);
      expect(() => binanceRest.tradesFrom!(BTC, '1', 1001)).toThrowError(RangeError);
      expect(() => binanceRest.tradesFrom!(BTC, '1', 0)).toThrowError(RangeError);
    });

    it('asks recent trades, weight 25', () => {
      expect(binanceRest.recentTrades(BTC, 500)).toMatchObject({ path: '/api/v3/trades?symbol=BTCUSDT&limit=500', weight: 25, headers: { 'X-MBX-TIME-UNIT': 'MICROSECOND' } });
    });

    it('parses the documented sample (ms time): taker sold when the buyer was the maker', () => {
      const trades = binanceRest.recentTrades(LTC, 1).parse(fixtureText('rest-trades-doc.json'), RECEIVE_US);
      expect(trades).toEqual([
        { v: 1, type: 'trade', venue: 'binance', instrument: 'LTC-BTC', symbol: 'LTCBTC', id: '28457', price: '4.000001', quantity: '12', side: 'sell', tradeTime: 1_499_865_549_590_000, receiveTime: RECEIVE_US, source: 'rest' },
      ]);
    });

    it('parses µs times and both sides, every trade schema-valid', () => {
      const trades = binanceRest.tradesFrom!(BTC, '5000000001', 2).parse(fixtureText('rest-trades-us-generated.json'), RECEIVE_US);
      expect(trades.map((t) => [t.id, t.price, t.quantity, t.side, t.tradeTime])).toEqual([
        ['5000000001', '97123.45', '0.001', 'buy', 1_767_225_600_123_456],
        ['5000000002', '97123.46', '0.25', 'sell', 1_767_225_600_123_999],
      ]);
      for (const t of trades) expect(TradeSchema.parse(t)).toEqual(t);
    });

    it.each<[string, string, RegExp]>([
      ['not an array', '{}', /not an array/],
      ['bad price', '[{"id":1,"price":"1e3","qty":"1","time":1499865549590,"isBuyerMaker":true}]', /\[0\]\.price/],
      ['missing qty', '[{"id":1,"price":"1","time":1499865549590,"isBuyerMaker":true}]', /\[0\]\.qty/],
      ['bad id', '[{"id":-1,"price":"1","qty":"1","time":1499865549590,"isBuyerMaker":true}]', /\[0\]\.id/],
      ['descending ids', '[{"id":2,"price":"1","qty":"1","time":1499865549590,"isBuyerMaker":true},{"id":1,"price":"1","qty":"1","time":1499865549590,"isBuyerMaker":true}]', /\[1\]\.id: .*ascending/],
      ['implausible time', '[{"id":1,"price":"1","qty":"1","time":12,"isBuyerMaker":true}]', /\[0\]\.time/],
      ['isBuyerMaker not boolean', '[{"id":1,"price":"1","qty":"1","time":1499865549590,"isBuyerMaker":"yes"}]', /\[0\]\.isBuyerMaker/],
    ])('rejects %s with an invalid-field ParseError', (_name, body, message) => {
      const e = parseErrorOf(() => binanceRest.recentTrades(BTC, 10).parse(body, RECEIVE_US));
      expect(e.reason).toBe('invalid-field');
      expect(e.message).toMatch(message);
    });

    it('reads a Binance error body as an unknown-message ParseError', () => {
      const e = parseErrorOf(() => binanceRest.recentTrades(BTC, 10).parse(fixtureText('rest-error-doc.json'), RECEIVE_US));
      expect(e.reason).toBe('unknown-message');
      expect(e.message).toMatch(/-1121: Invalid symbol\./);
    });
  });

  describe('lastPrice', () => {
    it('asks ticker/price with weight 2 and returns a canonical decimal', () => {
      const req = binanceRest.lastPrice(LTC);
      expect(req).toMatchObject({ path: '/api/v3/ticker/price?symbol=LTCBTC', weight: 2 });
      expect(req.parse(fixtureText('rest-ticker-price-doc.json'), RECEIVE_US)).toBe('4.000002');
    });

    it('rejects another symbol or a bad price', () => {
      expect(parseErrorOf(() => binanceRest.lastPrice(BTC).parse(fixtureText('rest-ticker-price-doc.json'), RECEIVE_US)).message).toMatch(/symbol/);
      expect(parseErrorOf(() => binanceRest.lastPrice(LTC).parse('{"symbol":"LTCBTC","price":4.2}', RECEIVE_US)).message).toMatch(/price/);
      expect(parseErrorOf(() => binanceRest.lastPrice(LTC).parse('', RECEIVE_US)).reason).toBe('malformed-json');
    });
  });

  it.each<[unknown, number | undefined]>([
    [1_499_865_549_590, 1_499_865_549_590_000],
    [1_767_225_600_123_456, 1_767_225_600_123_456],
    [12, undefined],
    [1.5e12 + 0.5, undefined],
    ['1499865549590', undefined],
    [5e15, undefined],
  ])('restTimeToMicros(%j) = %j', (value, expected) => {
    expect(restTimeToMicros(value)).toBe(expected);
  });
});
