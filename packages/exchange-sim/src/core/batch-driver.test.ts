import { describe, expect, it } from 'vitest';
import { createBatchDriver } from './batch-driver.js';

describe('createBatchDriver', () => {
  it('spreads each batch evenly over the symbols, rotating which symbols get the remainder', () => {
    const calls: Array<[string, number]> = [];
    const driver = createBatchDriver({ generate: (symbol, n) => calls.push([symbol, n]) }, ['A', 'B', 'C']);
    driver.generate(7);
    driver.generate(2);
    driver.generate(3);
    expect(calls).toEqual([
      ['A', 3],
      ['B', 2],
      ['C', 2],
      // the start moved by 7 % 3 = 1
      ['B', 1],
      ['C', 1],
      // then by 2 % 3 = 2, back to A
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ]);
    expect(driver.backlog()).toBe(0);
  });

  it('needs a symbol', () => {
    expect(() => createBatchDriver({ generate: () => undefined }, [])).toThrow(RangeError);
  });
});
