import { describe, expect, it } from 'vitest';
import { decode, encode, encodeToString, serializeTrade } from './codec.js';
import { WireDecodeError } from './errors.js';
import { StatusSchema, TradeSchema, type Trade } from './events.js';

const trade: Trade = {
  v: 1,
  type: 'trade',
  venue: 'binance',
  instrument: 'BTC-USDT',
  symbol: 'BTCUSDT',
  id: '12345',
  price: '97123.45',
  quantity: '0.001',
  side: 'sell',
  tradeTime: 1_672_515_782_136_000,
  receiveTime: 1_672_515_782_137_250,
  source: 'ws',
};

describe('TradeSchema', () => {
  it('accepts a valid trade', () => {
    expect(TradeSchema.parse(trade)).toEqual(trade);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['wrong version', { v: 2 }, /^v:/],
    ['wrong type', { type: 'quote' }, /^type:/],
    ['upper-case venue', { venue: 'Binance' }, /^venue: not a venue id/],
    ['venue symbol as instrument', { instrument: 'BTCUSDT' }, /^instrument: not a BASE-QUOTE/],
    ['empty id', { id: '' }, /^id:/],
    ['price as a JSON number', { price: 97123.45 }, /^price:/],
    ['price with exponent', { price: '9.7e4' }, /^price: not a canonical positive decimal \(exponent not allowed\)/],
    ['negative quantity', { quantity: '-1' }, /^quantity: .*sign not allowed/],
    ['zero quantity', { quantity: '0.000' }, /^quantity: .*zero/],
    ['non-canonical price', { price: '97123.450' }, /^price: not in canonical form \(expected "97123.45"\)/],
    ['NaN price', { price: 'NaN' }, /^price: .*not a number/],
    ['maker side', { side: 'bid' }, /^side:/],
    ['milliseconds for microseconds', { tradeTime: 1_672_515_782_136 }, /^tradeTime: .*milliseconds/],
    ['fractional time', { receiveTime: 1_672_515_782_137_250.5 }, /^receiveTime:/],
    ['far-future time', { tradeTime: 5_000_000_000_000_000 }, /^tradeTime: .*too large/],
    ['unknown source', { source: 'fix' }, /^source:/],
  ])('rejects %s with a message naming the field', (_name, patch, message) => {
    const result = TradeSchema.safeParse({ ...trade, ...patch });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(`${issue.path.join('.')}: ${issue.message}`).toMatch(message);
  });

  it('rejects a missing field', () => {
    const { price: _omit, ...rest } = trade;
    expect(() => encode(rest as Trade)).toThrowError(/^trade\.price:/);
  });

  it('producers reject unknown keys; consumers keep them', () => {
    const extended = { ...trade, takerOrderId: 'x1' };
    expect(() => encode(extended)).toThrowError(/Unrecognized key/);
    expect(decode(JSON.stringify(extended))).toMatchObject({ takerOrderId: 'x1', price: '97123.45' });
  });
});

describe('codec', () => {
  it('round-trips a trade, and the fast serializer matches JSON.stringify key for key', () => {
    const text = serializeTrade(trade);
    expect(JSON.parse(text)).toEqual(trade);
    expect(text).toBe(JSON.stringify(trade));
    expect(decode(encode(trade))).toEqual(trade);
  });

  it('escapes venue-provided strings that need it', () => {
    const odd = { ...trade, id: 'a"b\\c\u0001', symbol: 'X\u2028Y' };
    expect(JSON.parse(serializeTrade(odd))).toEqual(odd);
  });

  it('round-trips a status event', () => {
    const status = { v: 1 as const, type: 'status' as const, venue: 'binance', instrument: 'BTC-USDT', state: 'gap' as const, time: trade.receiveTime, fromId: '101', toId: '105', count: 5, reason: 'sequence-jump' };
    expect(StatusSchema.parse(status)).toEqual(status);
    expect(decode(encodeToString(status))).toEqual(status);
  });

  it('carries the continuity details: time bounds, the last published id and the venue\'s own latest id', () => {
    const reset = { v: 1 as const, type: 'status' as const, venue: 'binance', instrument: 'BTC-USDT', state: 'reset' as const, time: trade.receiveTime, lastId: '5000', venueLastId: '12', reason: 'ids-went-backwards' };
    expect(decode(encodeToString(reset))).toEqual(reset);
    const lost = { v: 1 as const, type: 'status' as const, venue: 'bybit', instrument: 'BTC-USDT', state: 'unrecoverable' as const, time: trade.receiveTime, fromTime: trade.tradeTime, toTime: trade.receiveTime, reason: 'venue-has-no-backfill' };
    expect(StatusSchema.parse(lost)).toEqual(lost);
    expect(() => StatusSchema.parse({ ...lost, fromTime: 1_672_515_782_136 })).toThrow(/milliseconds/);
    expect(() => StatusSchema.parse({ ...reset, lastId: '' })).toThrow();
  });

  it.each<[string, string | Uint8Array, RegExp]>([
    ['not JSON', '{"v":1,', /payload is not JSON/],
    ['not an object', '[1,2]', /payload is not a JSON object/],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ['unknown type', '{"v":1,"type":"book"}', /^type: unknown event type "book"/],
    ['bad price', JSON.stringify({ ...trade, price: '1e3' }), /^trade\.price: .*exponent/],
    ['bad status state', JSON.stringify({ v: 1, type: 'status', venue: 'binance', state: 'odd', time: trade.tradeTime }), /^status\.state:/],
  ])('decode rejects %s with a WireDecodeError', (_name, payload, message) => {
    expect(() => decode(payload)).toThrowError(WireDecodeError);
    expect(() => decode(payload)).toThrowError(message);
  });
});
