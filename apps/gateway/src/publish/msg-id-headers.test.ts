import { headers, Match } from '@nats-io/transport-node';
import { MSG_ID_HEADER } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { MsgIdHeaders, utf8 } from './msg-id-headers.js';

/** What the NATS client's own header map sends for the same id. */
function clientBytes(msgId: string): Uint8Array {
  const h = headers();
  h.set(MSG_ID_HEADER, msgId);
  return (h as unknown as { encode(): Uint8Array }).encode();
}

describe('MsgIdHeaders', () => {
  it.each(['binance:BTC-USDT:5012345678', 'bybit:BTC-USDT:0b5c1e7f-3a0d-5f4e-9e7b-2b7f2b1c9a11', 'status:okx:-:gap:abcDEF_-123', 'kraken:XBT-USD:ünïcode'])(
    'sends the same bytes as the client for %s',
    (id) => {
      expect(Buffer.from(new MsgIdHeaders(id).encode())).toEqual(Buffer.from(clientBytes(id)));
    },
  );

  it('answers the MsgHdrs read methods for its one header', () => {
    const h = new MsgIdHeaders('binance:BTC-USDT:7');
    expect(h.get(MSG_ID_HEADER)).toBe('binance:BTC-USDT:7');
    expect(h.get('nats-msg-id')).toBe('');
    expect(h.get('nats-msg-id', Match.IgnoreCase)).toBe('binance:BTC-USDT:7');
    expect(h.last(MSG_ID_HEADER)).toBe('binance:BTC-USDT:7');
    expect(h.has(MSG_ID_HEADER)).toBe(true);
    expect(h.has('Other')).toBe(false);
    expect(h.keys()).toEqual([MSG_ID_HEADER]);
    expect(h.values(MSG_ID_HEADER)).toEqual(['binance:BTC-USDT:7']);
    expect(h.values('Other')).toEqual([]);
    expect([...h]).toEqual([[MSG_ID_HEADER, ['binance:BTC-USDT:7']]]);
    expect(h).toMatchObject({ hasError: false, code: 0, status: '', description: '' });
    expect(() => h.set()).toThrow(TypeError);
  });

  it('refuses ids the header block cannot carry', () => {
    expect(() => new MsgIdHeaders('a\r\nNats-Expected-Stream: X')).toThrow(RangeError);
    expect(() => new MsgIdHeaders('a\nb')).toThrow(RangeError);
    expect(() => new MsgIdHeaders(' padded')).toThrow(RangeError);
    expect(() => new MsgIdHeaders('padded\t')).toThrow(RangeError);
    expect(() => new MsgIdHeaders('a\r')).toThrow(RangeError);
    expect(new MsgIdHeaders('a b').msgId).toBe('a b');
    expect(new MsgIdHeaders('x').msgId).toBe('x');
    expect(() => new MsgIdHeaders('')).toThrow(RangeError);
  });

  it('encodes text as UTF-8, like TextEncoder', () => {
    for (const text of ['{"price":"97000.5"}', 'ünïcödé €', '\u{1F600}', '']) {
      expect(Buffer.from(utf8(text))).toEqual(Buffer.from(new TextEncoder().encode(text)));
    }
  });
});
