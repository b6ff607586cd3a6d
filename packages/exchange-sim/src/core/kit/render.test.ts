import { describe, expect, it } from 'vitest';
import { malformJson } from './render.js';

const FIELDS = { ids: ['trade_id'], decimals: ['price', 'qty'] };
const FRAME = '{"data":[{"symbol":"BTC/USD","price":"101.5","qty":0.25,"trade_id":7,"side":"buy"}]}';

describe('malformJson', () => {
  it('flips the JSON type of ids and decimals for wrong-types', () => {
    expect(malformJson(FRAME, 'wrong-types', FIELDS)).toBe('{"data":[{"symbol":"BTC/USD","price":101.5,"qty":"0.25","trade_id":"7","side":"buy"}]}');
  });

  it('flips only the decimals for retyped-decimals, ids and the rest intact', () => {
    expect(malformJson(FRAME, 'retyped-decimals', FIELDS)).toBe('{"data":[{"symbol":"BTC/USD","price":101.5,"qty":"0.25","trade_id":7,"side":"buy"}]}');
  });

  it('drops the decimals for missing-fields and cuts the frame for invalid-json', () => {
    expect(malformJson(FRAME, 'missing-fields', FIELDS)).toBe('{"data":[{"symbol":"BTC/USD","trade_id":7,"side":"buy"}]}');
    expect(() => JSON.parse(malformJson(FRAME, 'invalid-json', FIELDS))).toThrow();
  });
});
