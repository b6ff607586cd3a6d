import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSizeOrUndefined, compareDecimals, type Book } from './books.js';
import { decodeBbo, decodeBook, encodeBbo, encodeBook } from './codec.js';
import { canonicalDecimalOrUndefined } from './decimal.js';
import { bboSubject, bookSubject } from './subjects.js';

const T = 1_717_000_000_000_000;
const decimalText = fc
  .tuple(fc.stringMatching(/^[0-9]{1,10}$/), fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }))
  .map(([i, f]) => (f === undefined ? i : `${i}.${f}`));

describe('compareDecimals', () => {
  it('orders canonical decimals exactly as decimal.js does', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (x, y) => {
        const a = canonicalSizeOrUndefined(x)!;
        const b = canonicalSizeOrUndefined(y)!;
        expect(Math.sign(compareDecimals(a, b))).toBe(new Decimal(a).comparedTo(new Decimal(b)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('orders decimals sharing their start, up to the schema digits, exactly as decimal.js does (trailing fraction zeros too)', () => {
    // Pairs built from one start and two continuations, so that the first difference falls anywhere:
    // in the integer part, at the dot, in the fraction, or nowhere (one is the start of the other).
    const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{0,${max}}$`));
    const tail = fc.tuple(digits(6), fc.option(digits(8), { nil: undefined }), fc.nat({ max: 3 }));
    const spell = (start: string, [more, fraction, zeros]: [string, string | undefined, number], dotInStart: boolean): string | undefined => {
      const text = dotInStart ? `${start}${more}${'0'.repeat(zeros)}` : `${start}${more}${fraction === undefined ? '' : `.${fraction}${'0'.repeat(zeros)}`}`;
      // Canonical, or canonical but for zeros at the end of the fraction.
      const canonical = canonicalSizeOrUndefined(text);
      if (canonical === undefined || text.endsWith('.')) return undefined;
      return text.startsWith(canonical) && /^\.?0*$/.test(text.slice(canonical.length)) ? text : undefined;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,17}$/), fc.option(digits(6), { nil: undefined }), tail, tail, (int, startFraction, x, y) => {
        const start = startFraction === undefined ? int : `${int}.${startFraction}`;
        const a = spell(start, x, startFraction !== undefined);
        const b = spell(start, y, startFraction !== undefined);
        fc.pre(a !== undefined && b !== undefined);
        expect(Math.sign(compareDecimals(a, b))).toBe(new Decimal(a).comparedTo(new Decimal(b)));
        expect(Math.sign(compareDecimals(b, a))).toBe(new Decimal(b).comparedTo(new Decimal(a)));
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.stringMatching(/^[0-9]{0,24}[1-9]$/), (aInt, bInt, fraction) => {
        // Integer parts of different lengths against the same fraction, and "0" against any of them.
        const a = aInt === 0 ? `0.${fraction}` : `${'9'.repeat(aInt)}.${fraction}`;
        const b = bInt === 0 ? '0' : `1${'0'.repeat(bInt - 1)}`;
        expect(Math.sign(compareDecimals(a, b))).toBe(new Decimal(a).comparedTo(new Decimal(b)));
        expect(Math.sign(compareDecimals(b, a))).toBe(new Decimal(b).comparedTo(new Decimal(a)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('tells apart prices a float cannot', () => {
    expect(compareDecimals('0.30000000000000004', '0.3')).toBeGreaterThan(0);
    expect(compareDecimals('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareDecimals('10', '9.99999')).toBeGreaterThan(0);
    expect(compareDecimals('0.001', '0.0009')).toBeGreaterThan(0);
    expect(compareDecimals('0', '0.0001')).toBeLessThan(0);
    expect(compareDecimals('42.5', '42.5')).toBe(0);
    expect(compareDecimals('42.5', '42.50')).toBe(0);
    expect(compareDecimals('42', '42.000')).toBe(0);
    expect(compareDecimals('42', '42.001')).toBeLessThan(0);
    expect(compareDecimals('97123.45', '97123.4')).toBeGreaterThan(0);
    expect(compareDecimals('97123.45', '9712.345')).toBeGreaterThan(0);
  });
});

describe('canonicalSizeOrUndefined', () => {
  it('maps every zero to "0" and other sizes to their canonical form; rejects what is not a plain decimal', () => {
    expect(['0', '0.00000000', '000.0'].map(canonicalSizeOrUndefined)).toEqual(['0', '0', '0']);
    expect(canonicalSizeOrUndefined('1.50000000')).toBe('1.5');
    for (const bad of ['', '.0', '0.', '-0', '1e-5', ' 1', '0..0', 'abc']) expect(canonicalSizeOrUndefined(bad)).toBeUndefined();
    fc.assert(
      fc.property(decimalText, (x) => {
        expect(canonicalSizeOrUndefined(x)).toBe(canonicalDecimalOrUndefined(x) ?? '0');
      }),
    );
  });
});

function book(overrides: Partial<Book> = {}): Book {
  return {
    v: 1,
    type: 'book',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    action: 'snapshot',
    seq: 1,
    updateId: '1027024',
    depth: 1000,
    receiveTime: T,
    bids: [
      ['97000.5', '1.2'],
      ['97000', '0.5'],
    ],
    asks: [
      ['97001', '0.1'],
      ['97002.25', '3'],
    ],
    ...overrides,
  };
}

describe('book messages', () => {
  it('round-trip through encodeBook and decodeBook', () => {
    const snapshot = book();
    expect(decodeBook(encodeBook(snapshot))).toEqual(snapshot);
    const delta = book({ action: 'delta', seq: 2, updateId: '1027026', firstUpdateId: '1027025', bids: [['97000', '0']], asks: [] });
    expect(decodeBook(encodeBook(delta))).toEqual(delta);
    expect(bookSubject('binance', 'BTC-USDT')).toBe('md.book.binance.BTC-USDT');
    expect(bboSubject('okx', 'BTC-USDT')).toBe('md.bbo.okx.BTC-USDT');
  });

  it('refuse a crossed snapshot, levels out of order or repeated, zero in a snapshot, non-canonical numbers', () => {
    expect(() => encodeBook(book({ bids: [['97001', '1']] }))).toThrowError(/book\.bids\.0\.0: crossed book/);
    expect(() => encodeBook(book({ bids: [['97000', '1'], ['97000.5', '1']] }))).toThrowError(/book\.bids\.1: bids must be distinct prices, high to low/);
    expect(() => encodeBook(book({ asks: [['97001', '1'], ['97001', '2']] }))).toThrowError(/book\.asks\.1: asks must be distinct/);
    expect(() => encodeBook(book({ asks: [['97001', '0']] }))).toThrowError(/snapshot level cannot have size "0"/);
    expect(() => encodeBook(book({ asks: [['97001.0', '1']] }))).toThrowError(/book\.asks\.0\.0: not in canonical form/);
    expect(() => encodeBook(book({ asks: [['97001', '1.50']] }))).toThrowError(/book\.asks\.0\.1: not a canonical size/);
    expect(() => encodeBook(book({ seq: 0 }))).toThrowError(/book\.seq/);
    expect(() => decodeBook('{"type":"trade"}')).toThrowError(/not a book message/);
  });

  it('keep unknown keys for consumers and refuse them from producers', () => {
    const text = JSON.stringify({ ...book(), extra: 1 });
    expect((decodeBook(text) as Book & { extra?: number }).extra).toBe(1);
    expect(() => encodeBook(JSON.parse(text) as Book)).toThrowError(/book/);
  });
});

describe('bbo messages', () => {
  const bbo = { v: 1 as const, type: 'bbo' as const, venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', updateId: '400900217', bidPrice: '25.3519', bidSize: '31.21', askPrice: '25.3652', askSize: '40.66', receiveTime: T };
  it('round-trip, and refuse a crossed or zero-size top of book', () => {
    expect(decodeBbo(encodeBbo(bbo))).toEqual(bbo);
    expect(() => encodeBbo({ ...bbo, askPrice: '25.3519' })).toThrowError(/crossed/);
    expect(() => encodeBbo({ ...bbo, bidSize: '0' })).toThrowError(/bidSize/);
  });
});
