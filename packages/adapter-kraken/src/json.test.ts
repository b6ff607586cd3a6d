import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { JsonNumber, parseJsonExact, plainDecimalOf, type JsonValue } from './json.js';

/** The value with every `JsonNumber` turned into a JS number, to compare with `JSON.parse`. */
function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return Number(v.literal);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

describe('parseJsonExact', () => {
  it('keeps number literals exactly', () => {
    const v = parseJsonExact('{"a":0.1,"b":[6423.46326,1136.19677815,100,1e-7,-2.5E+3],"c":12345678901234567890.123456789}');
    expect(v).toEqual({
      a: new JsonNumber('0.1'),
      b: [new JsonNumber('6423.46326'), new JsonNumber('1136.19677815'), new JsonNumber('100'), new JsonNumber('1e-7'), new JsonNumber('-2.5E+3')],
      c: new JsonNumber('12345678901234567890.123456789'),
    });
  });

  it('reads strings with escapes, literals and whitespace like JSON.parse', () => {
    expect(parseJsonExact(' { "s" : "a\\"b\\\\c\\u00e9\\n" , "t":true,"f":false,"n":null,"e":{},"l":[ ] } ')).toEqual({ s: 'a"b\\cé\n', t: true, f: false, n: null, e: {}, l: [] });
  });

  it('keeps "__proto__" as an own key', () => {
    const v = parseJsonExact('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects what JSON.parse rejects', () => {
    for (const bad of ['', ' ', '{', '[1,]', '{"a":1,}', '01', '1.', '.5', '-', '1e', '+1', 'NaN', 'Infinity', "{'a':1}", '{"a" 1}', '"abc', '"a\u0001"', 'tru', '[1] x', '{"a":1}{', '[' .repeat(40) + ']'.repeat(40)]) {
      expect(() => parseJsonExact(bad), JSON.stringify(bad)).toThrowError(SyntaxError);
    }
  });

  it('agrees with JSON.parse on arbitrary JSON (numbers compared as numbers)', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), (text) => {
        expect(toPlain(parseJsonExact(text))).toEqual(JSON.parse(text));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('throws on text that JSON.parse rejects', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let ok = true;
        try {
          JSON.parse(text);
        } catch {
          ok = false;
        }
        if (ok) expect(() => parseJsonExact(text)).not.toThrow();
        else expect(() => parseJsonExact(text)).toThrowError(SyntaxError);
      }),
      { seed: 8, numRuns: 2000 },
    );
  });
});

describe('plainDecimalOf', () => {
  it('converts exponent forms exactly with string operations', () => {
    expect(plainDecimalOf('0.1')).toBe('0.1');
    expect(plainDecimalOf('1e-7')).toBe('0.0000001');
    expect(plainDecimalOf('1E-05')).toBe('0.00001');
    expect(plainDecimalOf('6.42346326e3')).toBe('6423.46326');
    expect(plainDecimalOf('1.5e+2')).toBe('150');
    expect(plainDecimalOf('12.5e-1')).toBe('1.25');
    expect(plainDecimalOf('0.05e2')).toBe('005');
    expect(plainDecimalOf('-1e2')).toBeUndefined();
    expect(plainDecimalOf('1e65')).toBeUndefined();
    expect(plainDecimalOf('1e-65')).toBeUndefined();
  });

  it('equals decimal.js for any non-negative literal', () => {
    const literal = fc
      .tuple(fc.stringMatching(/^(0|[1-9][0-9]{0,10})$/), fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }), fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 30 }))
      .map(([i, f, e, sign, x]) => `${i}${f === undefined ? '' : `.${f}`}${e}${sign}${x}`);
    fc.assert(
      fc.property(literal, (lit) => {
        expect(new Decimal(plainDecimalOf(lit)!).toFixed()).toBe(new Decimal(lit).toFixed());
      }),
      { seed: 9, numRuns: 2000 },
    );
  });
});
