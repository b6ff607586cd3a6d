import { parseErrorOf } from '@tickgate/adapter-conformance';
import { TradeSchema } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BTC, fixtureText, RECEIVE_US } from '../test/helpers.js';
import { krakenRest, parseRestTrades, restPairOf, restPairOfSymbol, restSecondsToMicros, symbolOfWsName, tradesSinceRequest } from './rest.js';
import { JsonNumber } from './json.js';

describe('krakenRest', () => {
  it('states the limits and offers no id-based backfill', () => {
    expect(krakenRest.limits).toEqual({ weightPerMinute: 60, maxTradesPerPage: 1000 });
    expect(krakenRest.tradesFrom).toBeUndefined();
  });

  it('maps assets to REST pair names (BTC → XBT, DOGE → XDG) and back', () => {
    expect(restPairOf(BTC)).toBe('XBTUSD');
    expect(restPairOfSymbol('DOGE/USD')).toBe('XDGUSD');
    expect(restPairOfSymbol('ETH/BTC')).toBe('ETHXBT');
    expect(symbolOfWsName('XBT/USD')).toBe('BTC/USD');
    expect(symbolOfWsName('XDG/EUR')).toBe('DOGE/EUR');
    expect(() => restPairOfSymbol('BTCUSD')).toThrowError(RangeError);
    expect(() => restPairOfSymbol('BTC/U&D')).toThrowError(RangeError);
  });

  it('reads instruments from AssetPairs with v2 symbols, tick and step sizes', () => {
    const req = krakenRest.instruments(['BTC/USD', 'MATIC/USD', 'DOGE/USD', 'NOPE/USD']);
    expect(req.path).toBe('/0/public/AssetPairs?pair=XBTUSD,MATICUSD,XDGUSD,NOPEUSD');
    expect(req.parse(fixtureText('rest-assetpairs-generated.json'), RECEIVE_US)).toEqual([
      { instrument: 'BTC-USD', symbol: 'BTC/USD', base: 'BTC', quote: 'USD', tickSize: '0.1', stepSize: '0.00000001', status: 'online' },
      { instrument: 'MATIC-USD', symbol: 'MATIC/USD', base: 'MATIC', quote: 'USD', tickSize: '0.0001', stepSize: '0.00000001', status: 'online' },
      { instrument: 'DOGE-USD', symbol: 'DOGE/USD', base: 'DOGE', quote: 'USD', tickSize: '0.0000001', stepSize: '1', status: 'online' },
    ]);
    expect(parseErrorOf(() => req.parse(fixtureText('rest-error-generated.json'), RECEIVE_US))).toMatchObject({ reason: 'unknown-message', message: expect.stringMatching(/Unknown asset pair/) });
    expect(parseErrorOf(() => req.parse('{"error":[],"result":{"X":{"wsname":"XBTUSD"}}}', RECEIVE_US)).message).toMatch(/wsname/);
    expect(parseErrorOf(() => req.parse('{"error":[],"result":{"X":{"wsname":"XBT/USD","lot_decimals":1.5}}}', RECEIVE_US)).message).toMatch(/lot_decimals/);
  });

  it('reads recent trades: taker side from b/s, exact µs from fractional seconds, ascending', () => {
    const req = krakenRest.recentTrades(BTC, 3);
    expect(req).toMatchObject({ path: '/0/public/Trades?pair=XBTUSD&count=3', weight: 1 });
    const trades = req.parse(fixtureText('rest-trades-generated.json'), RECEIVE_US);
    const base = { v: 1, type: 'trade', venue: 'kraken', instrument: 'BTC-USD', symbol: 'BTC/USD', receiveTime: RECEIVE_US, source: 'rest' };
    expect(trades).toEqual([
      { ...base, id: '80000001', price: '97123.4', quantity: '0.001', side: 'buy', tradeTime: 1_767_225_600_123_456 },
      { ...base, id: '80000002', price: '97123.5', quantity: '0.25', side: 'sell', tradeTime: 1_767_225_600_500_000 },
      { ...base, id: '80000003', price: '97120', quantity: '1', side: 'sell', tradeTime: 1_767_225_601_000_000 },
    ]);
    for (const t of trades) TradeSchema.parse(t);
  });

  it('offers a time-cursor request outside the contract', () => {
    expect(tradesSinceRequest(BTC, 1_767_225_600_123_456, 1000).path).toBe('/0/public/Trades?pair=XBTUSD&since=1767225600123456000&count=1000');
    expect(() => tradesSinceRequest(BTC, -1, 10)).toThrowError(RangeError);
    expect(() => krakenRest.recentTrades(BTC, 1001)).toThrowError(RangeError);
  });

  it('rejects unreadable trade rows, naming the column', () => {
    const body = (row: string) => `{"error":[],"result":{"XXBTZUSD":[${row}],"last":"1"}}`;
    const ok = ['"1.0"', '"1.0"', '1767225600.5', '"b"', '"l"', '""', '5'];
    const withCol = (i: number, v: string) => `[${ok.map((x, j) => (j === i ? v : x)).join(',')}]`;
    expect(parseRestTrades(body(withCol(0, '"2"')), BTC, RECEIVE_US)).toHaveLength(1);
    expect(parseErrorOf(() => parseRestTrades(body(withCol(0, '"1e3"')), BTC, RECEIVE_US)).message).toMatch(/^Trades\[0\]\[0\]/);
    expect(parseErrorOf(() => parseRestTrades(body(withCol(1, '"-1"')), BTC, RECEIVE_US)).message).toMatch(/^Trades\[0\]\[1\]/);
    expect(parseErrorOf(() => parseRestTrades(body(withCol(2, '1767225600123')), BTC, RECEIVE_US)).message).toMatch(/^Trades\[0\]\[2\]/);
    expect(parseErrorOf(() => parseRestTrades(body(withCol(3, '"x"')), BTC, RECEIVE_US)).message).toMatch(/^Trades\[0\]\[3\]/);
    expect(parseErrorOf(() => parseRestTrades(body(withCol(6, '"5"')), BTC, RECEIVE_US)).message).toMatch(/^Trades\[0\]\[6\]/);
    expect(parseErrorOf(() => parseRestTrades(body('[1,2]'), BTC, RECEIVE_US)).message).toMatch(/^Trades\[0\]/);
    expect(parseErrorOf(() => parseRestTrades(body(`${withCol(0, '"2"')},${withCol(0, '"3"')}`), BTC, RECEIVE_US)).message).toMatch(/duplicate/);
    expect(parseErrorOf(() => parseRestTrades('{"error":[],"result":{"last":"1"}}', BTC, RECEIVE_US)).message).toMatch(/exactly one pair/);
    expect(parseErrorOf(() => parseRestTrades('nope', BTC, RECEIVE_US)).reason).toBe('malformed-json');
  });

  it('reads times exactly', () => {
    expect(restSecondsToMicros(new JsonNumber('1688669597.8277369'))).toBe(1_688_669_597_827_736);
    expect(restSecondsToMicros('1688669597')).toBe(1_688_669_597_000_000);
    expect(restSecondsToMicros(new JsonNumber('1.688669597e9'))).toBeUndefined();
    expect(restSecondsToMicros(new JsonNumber('1000'))).toBeUndefined();
  });

  it('reads the last price from the ticker', () => {
    const req = krakenRest.lastPrice(BTC);
    expect(req.path).toBe('/0/public/Ticker?pair=XBTUSD');
    expect(req.parse(fixtureText('rest-ticker-generated.json'), RECEIVE_US)).toBe('97123.5');
    expect(parseErrorOf(() => req.parse('{"error":[],"result":{"XXBTZUSD":{"c":[]}}}', RECEIVE_US)).message).toMatch(/^Ticker\.result\.c/);
  });
});
