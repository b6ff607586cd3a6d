import { encodeToString, serializeTrade, WireDecodeError } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { status, trade } from '../test/helpers.js';
import { toMarketValue, TradeTick } from './events.js';
import { RingBuffer } from './ring-buffer.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('toMarketValue', () => {
  it('builds a TradeTick with exact Decimal accessors', () => {
    const tick = toMarketValue('md.trade.binance.BTC-USDT', bytes(serializeTrade(trade('binance', 'BTC-USDT', 1, { price: '0.1', quantity: '0.2' }))));
    expect(tick).toBeInstanceOf(TradeTick);
    const t = tick as TradeTick;
    expect(t.priceDecimal().plus(t.quantityDecimal()).toString()).toBe('0.3');
    expect(t.notional().toString()).toBe('0.02');
    expect(t.priceDecimal()).toBe(t.priceDecimal()); // cached
    expect(t.subject).toBe('md.trade.binance.BTC-USDT');
    expect(t.seq).toBeUndefined();
    expect(t.latencyUs(t.receiveTime + 1500)).toBe(1500);
    expect(JSON.parse(JSON.stringify(t))).toEqual(trade('binance', 'BTC-USDT', 1, { price: '0.1', quantity: '0.2' }));
  });

  it('keeps digits a float would lose', () => {
    const t = toMarketValue(
      'md.trade.binance.BTC-USDT',
      bytes(serializeTrade(trade('binance', 'BTC-USDT', 1, { price: '123456789012345678.123456789', quantity: '0.000000000000000001' }))),
    ) as TradeTick;
    expect(t.notional().toString()).toBe('0.123456789012345678123456789');
  });

  it('keeps fields a newer producer added', () => {
    const json = JSON.stringify({ ...trade('okx', 'ETH-USDT', 7), venueSeq: 99 });
    const t = toMarketValue('md.trade.okx.ETH-USDT', bytes(json)) as TradeTick;
    expect(t.wire['venueSeq']).toBe(99);
  });

  it('decodes status events on their own subject', () => {
    const s = toMarketValue('md.status.binance.BTC-USDT', bytes(encodeToString(status('binance', 'gap', 'BTC-USDT', { fromId: '5', toId: '9' }))), 42);
    expect(s).toMatchObject({ type: 'status', state: 'gap', fromId: '5', toId: '9', subject: 'md.status.binance.BTC-USDT', seq: 42 });
    const wide = toMarketValue('md.status.binance', bytes(encodeToString(status('binance', 'disconnected'))));
    expect(wide).toMatchObject({ type: 'status', state: 'disconnected', subject: 'md.status.binance' });
  });

  it('rejects payloads that do not belong on their subject', () => {
    const json = serializeTrade(trade('binance', 'BTC-USDT', 1));
    expect(() => toMarketValue('md.trade.binance.ETH-USDT', bytes(json))).toThrow(WireDecodeError);
    expect(() => toMarketValue('md.status.binance.BTC-USDT', bytes(json))).toThrow(WireDecodeError);
    const s = encodeToString(status('binance', 'gap', 'BTC-USDT'));
    expect(() => toMarketValue('md.status.binance', bytes(s))).toThrow(WireDecodeError);
  });
});

describe('RingBuffer', () => {
  it('evicts the oldest item when full and keeps FIFO order', () => {
    const rb = new RingBuffer<number>(3);
    expect([rb.push(1), rb.push(2), rb.push(3)]).toEqual([undefined, undefined, undefined]);
    expect(rb.push(4)).toBe(1);
    expect(rb.push(5)).toBe(2);
    expect(rb.size).toBe(3);
    expect([rb.shift(), rb.shift()]).toEqual([3, 4]);
    rb.push(6);
    expect([rb.shift(), rb.shift(), rb.shift()]).toEqual([5, 6, undefined]);
    expect(rb.size).toBe(0);
  });
});
