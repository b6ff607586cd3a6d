import { describe, expect, it } from 'vitest';
import type { SimTrade } from '../core/market.js';
import { aggTradePayload, bookTickerPayload, combinedFrame, malformFrame, serverShutdownPayload, tradePayload } from './messages.js';

// Verbatim samples from the venue's documentation (/work/shared/protocols/binance.md).
const DOC_TRADE = '{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}';
const DOC_AGG = '{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}';
const DOC_BOOK = '{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}';
const DOC_SHUTDOWN = '{"e":"serverShutdown","E":1770123456789}';

const trade: SimTrade = {
  symbol: 'BNBBTC',
  id: 12345,
  price: '0.001',
  qty: '100',
  quoteQty: '0.1',
  timeUs: 1672515782136_000,
  buyerIsMaker: true,
};

describe('Binance payloads', () => {
  it('trade matches the documented sample byte for byte', () => {
    expect(tradePayload(trade, 1672515782136, false)).toBe(DOC_TRADE);
  });

  it('trade in microseconds carries E and T in µs', () => {
    const payload = JSON.parse(tradePayload({ ...trade, timeUs: 1672515782136_123 }, 1672515782136_456, true)) as Record<string, number>;
    expect(payload['T']).toBe(1672515782136123);
    expect(payload['E']).toBe(1672515782136456);
  });

  it('aggTrade has the documented fields in the documented order', () => {
    const ours = aggTradePayload(trade, 12345, 1672515782136, false);
    expect(Object.keys(JSON.parse(ours) as object)).toEqual(Object.keys(JSON.parse(DOC_AGG) as object));
    expect(ours).toBe(DOC_AGG.replace('"f":100,"l":105', '"f":12345,"l":12345'));
  });

  it('bookTicker and serverShutdown match the documented samples', () => {
    expect(
      bookTickerPayload('BNBUSDT', { updateId: 400900217, bidPrice: '25.35190000', bidQty: '31.21000000', askPrice: '25.36520000', askQty: '40.66000000' }),
    ).toBe(DOC_BOOK);
    expect(serverShutdownPayload(1770123456789)).toBe(DOC_SHUTDOWN);
    expect(combinedFrame('!serverShutdown', DOC_SHUTDOWN)).toBe(`{"stream":"!serverShutdown","data":${DOC_SHUTDOWN}}`);
  });

  it('malformed frames are invalid JSON, wrongly typed, or missing fields', () => {
    expect(() => JSON.parse(malformFrame(DOC_TRADE, 'invalid-json'))).toThrow();
    const wrong = JSON.parse(malformFrame(DOC_TRADE, 'wrong-types')) as Record<string, unknown>;
    expect(wrong).toMatchObject({ t: '12345', p: 0.001, q: 100, m: 'true', T: 1672515782136 });
    const missing = JSON.parse(malformFrame(DOC_TRADE, 'missing-fields')) as Record<string, unknown>;
    expect(missing).not.toHaveProperty('p');
    expect(missing).not.toHaveProperty('q');
    expect(missing['t']).toBe(12345);
    const wrapped = JSON.parse(malformFrame(combinedFrame('bnbbtc@trade', DOC_TRADE), 'missing-fields')) as { data: object };
    expect(wrapped.data).not.toHaveProperty('p');
  });
});
