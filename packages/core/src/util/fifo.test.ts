import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.js';

describe('Fifo', () => {
  it('behaves as an array used as a queue, across compactions', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant('shift' as const)), { maxLength: 20_000 }), (ops) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'shift') expect(fifo.shift()).toBe(model.shift());
          else {
            fifo.push(op);
            model.push(op);
          }
          expect(fifo.length).toBe(model.length);
          expect(fifo.peek()).toBe(model[0]);
        }
        expect(fifo.toArray()).toEqual(model);
        expect(fifo.at(model.length - 1)).toBe(model[model.length - 1]);
        expect(fifo.at(model.length)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('compacts a long consumed prefix and keeps the order', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 10_000; i++) fifo.push(i);
    for (let i = 0; i < 6_000; i++) expect(fifo.shift()).toBe(i);
    fifo.push(10_000);
    expect(fifo.length).toBe(4_001);
    expect(fifo.toArray()[0]).toBe(6_000);
    fifo.clear();
    expect(fifo.length).toBe(0);
    expect(fifo.shift()).toBeUndefined();
  });
});
