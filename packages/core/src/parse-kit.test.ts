import { MAX_TIME_US, MIN_TIME_US } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { instrumentMap, type Rejection } from './adapter.js';
import { ParseError } from './errors.js';
import {
  decimalOrReject,
  decimalTextOf,
  inAskedOrder,
  instrumentOrReject,
  invalidFieldError,
  isIntegerText,
  isJsonObject,
  RAW_PREVIEW_CHARS,
  parseRestJson,
  rawPreview,
  readJsonObjectFrame,
  readRestInstrument,
  rejectField,
  rejectFrame,
  requireDecimalField,
  requireStringField,
  rfc3339ToMicros,
  takerSideText,
  valuePreview,
  wsTrade,
} from './parse-kit.js';

function sink(): { rejections: Rejection[]; trade: () => void; control: () => void; reject: (r: Rejection) => void } {
  const rejections: Rejection[] = [];
  return { rejections, trade: () => undefined, control: () => undefined, reject: (r) => rejections.push(r) };
}

describe('rawPreview', () => {
  it('keeps a short frame whole and cuts a long one to RAW_PREVIEW_CHARS', () => {
    expect(RAW_PREVIEW_CHARS).toBe(200);
    expect(rawPreview('{"a":1}')).toBe('{"a":1}');
    const long = 'x'.repeat(RAW_PREVIEW_CHARS + 50);
    expect(rawPreview(long)).toBe('x'.repeat(RAW_PREVIEW_CHARS));
    expect(rawPreview('y'.repeat(RAW_PREVIEW_CHARS))).toHaveLength(RAW_PREVIEW_CHARS);
  });
});

describe('valuePreview', () => {
  it('names a missing value and writes others as JSON', () => {
    expect(valuePreview(undefined)).toBe('missing');
    expect(valuePreview(null)).toBe('null');
    expect(valuePreview('BTC')).toBe('"BTC"');
    expect(valuePreview(12)).toBe('12');
    expect(valuePreview({ a: [1] })).toBe('{"a":[1]}');
  });
  it('falls back to String() where JSON has nothing or fails', () => {
    expect(valuePreview(() => 1)).toBe('() => 1');
    expect(valuePreview(10n)).toBe('10');
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(valuePreview(cyclic)).toBe('[object Object]');
  });
  it('cuts to 40 characters by default, or to the limit given', () => {
    const s = 'a'.repeat(100);
    expect(valuePreview(s)).toBe(`"${'a'.repeat(36)}...`);
    expect(valuePreview(s)).toHaveLength(40);
    expect(valuePreview(s, 60)).toHaveLength(60);
    expect(valuePreview('a'.repeat(38))).toHaveLength(40); // exactly at the limit: kept whole
    expect(valuePreview('a'.repeat(38)).endsWith('..."')).toBe(false);
  });
});

describe('rejectFrame / rejectField', () => {
  it('reports the reason, message and raw preview, with instrument and trade id only when given', () => {
    const s = sink();
    rejectFrame(s, 'malformed-json', 'frame is not JSON', 'z'.repeat(300));
    rejectFrame(s, 'unknown-instrument', 'm', '{}', undefined, '7');
    rejectFrame(s, 'invalid-field', 'm', '{}', 'BTC-USD', '8');
    expect(s.rejections[0]).toEqual({ reason: 'malformed-json', message: 'frame is not JSON', raw: 'z'.repeat(200) });
    expect(Object.keys(s.rejections[0]!)).toEqual(['reason', 'message', 'raw']);
    expect(s.rejections[1]).toEqual({ reason: 'unknown-instrument', message: 'm', raw: '{}', tradeId: '7' });
    expect('instrument' in s.rejections[1]!).toBe(false);
    expect(s.rejections[2]).toEqual({ reason: 'invalid-field', message: 'm', raw: '{}', instrument: 'BTC-USD', tradeId: '8' });
  });
  it('writes invalid-field messages as "<field>: <what> (got <preview>)"', () => {
    const s = sink();
    rejectField(s, 'data[0].p', 'price is not a string', 5, '{"p":5}', 'BTC-USD', '1');
    rejectField(s, 's', 'symbol is not a string', undefined, '{}');
    expect(s.rejections).toEqual([
      { reason: 'invalid-field', message: 'data[0].p: price is not a string (got 5)', raw: '{"p":5}', instrument: 'BTC-USD', tradeId: '1' },
      { reason: 'invalid-field', message: 's: symbol is not a string (got missing)', raw: '{}' },
    ]);
  });
});

describe('stream field readers', () => {
  const BTC = { instrument: 'BTC-USD', symbol: 'BTC/USD', base: 'BTC', quote: 'USD' };
  const instruments = instrumentMap([BTC]);

  it('readJsonObjectFrame returns the object, or rejects text that is not JSON or not an object', () => {
    const s = sink();
    expect(readJsonObjectFrame('{"a":1}', s)).toEqual({ a: 1 });
    expect(readJsonObjectFrame('{', s)).toBeUndefined();
    expect(readJsonObjectFrame('nope', s, 'frame is not JSON (nor the text "pong")')).toBeUndefined();
    expect(readJsonObjectFrame('[1]', s)).toBeUndefined();
    expect(s.rejections).toEqual([
      { reason: 'malformed-json', message: 'frame is not JSON', raw: '{' },
      { reason: 'malformed-json', message: 'frame is not JSON (nor the text "pong")', raw: 'nope' },
      { reason: 'unknown-message', message: 'frame is not a JSON object', raw: '[1]' },
    ]);
  });

  it('instrumentOrReject finds the instrument, or rejects a symbol that is not a string or not carried', () => {
    const s = sink();
    expect(instrumentOrReject(s, instruments, 's', 'BTC/USD', '{}', '5')).toBe(BTC);
    expect(instrumentOrReject(s, instruments, 's', 7, '{}', '5')).toBeUndefined();
    expect(instrumentOrReject(s, instruments, 'data[0].s', 'ETH/USD', '{}')).toBeUndefined();
    expect(instrumentOrReject(s, instruments, 'id', 'X', '{}', '6', { notString: 'product id is not a string', noun: '' })).toBeUndefined();
    expect(instrumentOrReject(s, instruments, 'id', null, '{}', undefined, { notString: 'product id is not a string', noun: '' })).toBeUndefined();
    expect(s.rejections).toEqual([
      { reason: 'invalid-field', message: 's: symbol is not a string (got 7)', raw: '{}', tradeId: '5' },
      { reason: 'unknown-instrument', message: `data[0].s: symbol "ETH/USD" is not one of this feed's instruments`, raw: '{}' },
      { reason: 'unknown-instrument', message: `id: "X" is not one of this feed's instruments`, raw: '{}', tradeId: '6' },
      { reason: 'invalid-field', message: 'id: product id is not a string (got null)', raw: '{}' },
    ]);
  });

  it('decimalTextOf canonicalizes plain positive decimal strings only; decimalOrReject rejects the rest', () => {
    expect(decimalTextOf('001.500')).toBe('1.5');
    for (const bad of [1.5, '1e3', '-1', '0', '', null, undefined]) expect(decimalTextOf(bad), String(bad)).toBeUndefined();
    const s = sink();
    expect(decimalOrReject(s, 'p', 'price', '2.0', '{}', 'BTC-USD', '1')).toBe('2');
    expect(decimalOrReject(s, 'data[0].sz', 'size', 2, '{}', 'BTC-USD', '1')).toBeUndefined();
    expect(s.rejections).toEqual([
      { reason: 'invalid-field', message: 'data[0].sz: size is not a plain positive decimal string within the schema digits (got 2)', raw: '{}', instrument: 'BTC-USD', tradeId: '1' },
    ]);
  });

  it('takerSideText accepts "buy" and "sell" only', () => {
    expect(takerSideText('buy')).toBe('buy');
    expect(takerSideText('sell')).toBe('sell');
    for (const bad of ['Buy', 'SELL', '', 1, null, undefined]) expect(takerSideText(bad), String(bad)).toBeUndefined();
  });

  it('wsTrade builds a WebSocket trade of the instrument, its fields in the wire order', () => {
    const trade = wsTrade('kraken', BTC, '9', '1.5', '2', 'sell', 1_767_225_600_000_001, 1_767_225_601_000_000);
    expect(JSON.stringify(trade)).toBe(
      '{"v":1,"type":"trade","venue":"kraken","instrument":"BTC-USD","symbol":"BTC/USD","id":"9","price":"1.5","quantity":"2","side":"sell","tradeTime":1767225600000001,"receiveTime":1767225601000000,"source":"ws"}',
    );
  });
});

describe('isJsonObject', () => {
  it('accepts objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject({ a: 1 })).toBe(true);
    for (const v of [null, undefined, [], [1], 'x', 1, true]) expect(isJsonObject(v), String(v)).toBe(false);
  });
});

describe('isIntegerText', () => {
  it('accepts digits without a leading zero, up to maxDigits', () => {
    expect(isIntegerText('0', 3)).toBe(true);
    expect(isIntegerText('123', 3)).toBe(true);
    expect(isIntegerText('1234', 3)).toBe(false);
    for (const bad of ['', '01', '-1', '1.0', '1e3', ' 1', '1 ', '١']) expect(isIntegerText(bad, 20), bad).toBe(false);
  });
});

describe('REST field helpers', () => {
  it('invalidFieldError is a ParseError with a 60-character preview', () => {
    const e = invalidFieldError('trades[0].id', 'not a non-negative integer', 'q'.repeat(100));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.reason).toBe('invalid-field');
    expect(e.message).toBe(`trades[0].id: not a non-negative integer (got "${'q'.repeat(56)}...)`);
  });
  it('parseRestJson parses a body or throws malformed-json naming the endpoint', () => {
    expect(parseRestJson('[{"id":1}]', 'trades')).toEqual([{ id: 1 }]);
    expect(parseRestJson('null', 'trades')).toBeNull();
    const body = `<html>${'x'.repeat(100)}`;
    let error: unknown;
    try {
      parseRestJson(body, 'trades');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).reason).toBe('malformed-json');
    expect((error as ParseError).message).toBe(`trades: body is not JSON (${JSON.stringify(body.slice(0, 60)).slice(0, 57)}...)`);
  });
  it('requireDecimalField canonicalizes or throws naming the path', () => {
    expect(requireDecimalField({ px: '1.50' }, 'px', 'trades[1]')).toBe('1.5');
    expect(() => requireDecimalField({ px: 1.5 }, 'px', 'trades[1]')).toThrow('trades[1].px: not a plain positive decimal string (got 1.5)');
    expect(() => requireDecimalField({}, 'px', 't')).toThrow('t.px: not a plain positive decimal string (got missing)');
    expect(() => requireDecimalField({ px: '-1' }, 'px', 't')).toThrow(ParseError);
  });
  it('requireStringField accepts non-empty strings only', () => {
    expect(requireStringField({ s: 'BTC' }, 's', 'x')).toBe('BTC');
    expect(() => requireStringField({ s: '' }, 's', 'x')).toThrow('x.s: not a non-empty string (got "")');
    expect(() => requireStringField({ s: 3 }, 's', 'x')).toThrow(ParseError);
  });
});

describe('REST instrument helpers', () => {
  const fields = { what: 'product', symbol: 'id', base: 'base_currency', quote: 'quote_currency', parts: 'currencies' };

  it('readRestInstrument reads symbol, base and quote into a BASE-QUOTE instrument and hands back the object', () => {
    const value = { id: 'BTC-USD', base_currency: 'BTC', quote_currency: 'USD', status: 'online' };
    const { object, info } = readRestInstrument(value, 'products[0]', fields);
    expect(object).toBe(value);
    expect(info).toEqual({ instrument: 'BTC-USD', symbol: 'BTC-USD', base: 'BTC', quote: 'USD' });
  });

  it('readRestInstrument throws invalid-field ParseErrors naming the path, in the order of the checks', () => {
    const message = (value: unknown) => {
      try {
        readRestInstrument(value, 'p', fields);
      } catch (e) {
        expect(e).toBeInstanceOf(ParseError);
        return (e as ParseError).message;
      }
      throw new Error('no error');
    };
    expect(message([1])).toBe('p: product is not an object (got [1])');
    expect(message({ base_currency: 'BTC' })).toBe('p.id: not a non-empty string (got missing)');
    expect(message({ id: 'X', base_currency: '', quote_currency: 'USD' })).toBe('p.base_currency: not a non-empty string (got "")');
    expect(message({ id: 'X', base_currency: 'btc', quote_currency: 'USD' })).toBe('p.base_currency: currencies do not form a BASE-QUOTE instrument id (got "btc-USD")');
  });

  it('inAskedOrder keeps the asked order and leaves out what was not found', () => {
    const a = { instrument: 'A-B', symbol: 'AB', base: 'A', quote: 'B' };
    const c = { instrument: 'C-D', symbol: 'CD', base: 'C', quote: 'D' };
    const found = new Map([
      ['AB', a],
      ['CD', c],
    ]);
    expect(inAskedOrder(['CD', 'XX', 'AB'], found)).toEqual([c, a]);
    expect(inAskedOrder([], found)).toEqual([]);
  });
});

describe('rfc3339ToMicros', () => {
  it('is exact to the microsecond', () => {
    expect(rfc3339ToMicros('2014-11-07T08:19:27.028459Z')).toBe(1_415_348_367_028_459);
    expect(rfc3339ToMicros('2023-09-25T07:48:36.925533Z')).toBe(1_695_628_116_925_533);
    expect(rfc3339ToMicros('2023-09-25T07:48:36Z')).toBe(1_695_628_116_000_000);
    expect(rfc3339ToMicros('2023-09-25T07:48:36.9Z')).toBe(1_695_628_116_900_000);
    expect(rfc3339ToMicros('2023-09-25T07:48:36.000001Z')).toBe(1_695_628_116_000_001);
  });
  it('truncates fraction digits beyond the sixth', () => {
    expect(rfc3339ToMicros('2023-09-25T07:48:36.9255339999Z')).toBe(1_695_628_116_925_533);
  });
  it('accepts t, a space, z and offsets', () => {
    const us = 1_415_348_367_028_459;
    expect(rfc3339ToMicros('2014-11-07t08:19:27.028459z')).toBe(us);
    expect(rfc3339ToMicros('2014-11-07 08:19:27.028459Z')).toBe(us);
    expect(rfc3339ToMicros('2014-11-07T09:19:27.028459+01:00')).toBe(us);
    expect(rfc3339ToMicros('2014-11-07T07:19:27.028459-01:00')).toBe(us);
    expect(rfc3339ToMicros('2014-11-07T13:49:27.028459+05:30')).toBe(us);
    expect(rfc3339ToMicros('2014-11-07T08:19:27.028459+00:00')).toBe(us);
    expect(rfc3339ToMicros('2023-09-25T09:48:36.925533+02:00')).toBe(1_695_628_116_925_533);
  });
  it('knows leap years', () => {
    expect(rfc3339ToMicros('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29) * 1000);
    expect(rfc3339ToMicros('2012-02-29T23:59:59.5Z')).toBe(Date.UTC(2012, 1, 29, 23, 59, 59) * 1000 + 500_000);
    expect(rfc3339ToMicros('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(rfc3339ToMicros('2019-02-29T00:00:00Z')).toBeUndefined();
    // Century years are leap only when divisible by 400 (2000 and 2100 lie outside the plausible range).
    expect(rfc3339ToMicros('2100-02-29T00:00:00Z')).toBeUndefined();
  });
  it('rejects impossible dates and malformed text', () => {
    for (const bad of [
      '2014-02-30T00:00:00Z',
      '2014-04-31T00:00:00Z',
      '2014-13-01T00:00:00Z',
      '2014-00-01T00:00:00Z',
      '2014-01-00T00:00:00Z',
      '2014-01-01T24:00:00Z',
      '2014-01-01T00:60:00Z',
      '2016-12-31T23:59:60Z',
      '2014-01-01T00:00:00.Z',
      '2014-01-01T00:00:00',
      '2014-01-01T00:00:00+0100',
      '2014-01-01T00:00:00+24:00',
      '2014-01-01T00:00:00Zx',
      '2014-01-01X00:00:00Z',
      '2014/01/01T00:00:00Z',
      '14-01-01T00:00:00Z',
      '2x14-11-07T08:19:27Z',
      '2014-11-07',
      '2014-11-07T08:19:27.1x',
      '2014-11-07T08:19:27+1:00',
      '1999-01-01T00:00:00Z',
      '',
    ]) {
      expect(rfc3339ToMicros(bad), bad).toBeUndefined();
    }
    expect(rfc3339ToMicros(1_415_348_367_028)).toBeUndefined();
    expect(rfc3339ToMicros(null)).toBeUndefined();
  });
  it('rejects times outside MIN_TIME_US..MAX_TIME_US', () => {
    expect(rfc3339ToMicros('2008-12-31T23:59:59.999999Z')).toBeUndefined();
    expect(rfc3339ToMicros('2009-01-01T00:00:00Z')).toBe(MIN_TIME_US);
    expect(rfc3339ToMicros('2100-01-01T00:00:00Z')).toBe(MAX_TIME_US);
    expect(rfc3339ToMicros('2100-01-01T00:00:00.000001Z')).toBeUndefined();
    expect(rfc3339ToMicros('1970-01-01T00:00:00Z')).toBeUndefined();
  });
});
