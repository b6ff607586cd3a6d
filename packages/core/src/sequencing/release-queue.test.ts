import type { Trade } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReleaseQueue } from './release-queue.js';

function makeTrade(id: bigint): Trade {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    id: id.toString(),
    price: '1',
    quantity: '1',
    side: 'buy',
    tradeTime: 0,
    receiveTime: 0,
    source: 'ws',
  };
}

/** Hold the trade covering `start..end`. */
function hold(queue: ReleaseQueue, start: bigint, end = start): void {
  queue.hold({ start, end, trade: makeTrade(end) });
}

function releaseAfter(queue: ReleaseQueue, last: bigint): { last: bigint; ids: string[] } {
  const ids: string[] = [];
  const next = queue.releaseAfter(last, (t) => ids.push(t.id));
  return { last: next, ids };
}

describe('ReleaseQueue', () => {
  it('releases nothing while the next id is missing, and returns the last id unchanged', () => {
    const queue = new ReleaseQueue();
    expect(releaseAfter(queue, 10n)).toEqual({ last: 10n, ids: [] });
    hold(queue, 13n);
    expect(releaseAfter(queue, 10n)).toEqual({ last: 10n, ids: [] });
    expect(queue.size).toBe(1);
  });

  it('keeps trades in id order whatever order they arrive in, and releases the run that continues the sequence', () => {
    const queue = new ReleaseQueue();
    for (const id of [15n, 12n, 18n, 11n, 14n, 13n]) hold(queue, id);
    expect(queue.size).toBe(6);
    expect(releaseAfter(queue, 10n)).toEqual({ last: 15n, ids: ['11', '12', '13', '14', '15'] });
    expect(queue.size).toBe(1);
    // 16 and 17 are not held: 18 waits.
    expect(releaseAfter(queue, 15n)).toEqual({ last: 15n, ids: [] });
    expect(releaseAfter(queue, 17n)).toEqual({ last: 18n, ids: ['18'] });
    expect(queue.size).toBe(0);
  });

  it('an aggregate is released by its last id and the sequence goes on after it', () => {
    const queue = new ReleaseQueue();
    hold(queue, 24n, 26n);
    hold(queue, 21n, 23n);
    hold(queue, 27n);
    expect(releaseAfter(queue, 20n)).toEqual({ last: 27n, ids: ['23', '26', '27'] });
    hold(queue, 30n, 31n);
    expect(releaseAfter(queue, 28n)).toEqual({ last: 28n, ids: [] }); // 29 missing
    expect(releaseAfter(queue, 29n)).toEqual({ last: 31n, ids: ['31'] });
  });

  it('releases every held trade exactly once, in id order, for any arrival order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 60 }), (ids) => {
        const queue = new ReleaseQueue();
        for (const id of ids) hold(queue, BigInt(id));
        const released: string[] = [];
        let last = 0n;
        // Walk the ids one by one as if each missing one were declared passed.
        for (let id = 1n; id <= 60n; id++) {
          if (last < id - 1n) last = id - 1n;
          last = queue.releaseAfter(last, (t) => released.push(t.id));
        }
        expect(released).toEqual([...ids].sort((a, b) => a - b).map(String));
        expect(queue.size).toBe(0);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
