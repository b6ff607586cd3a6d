import type { Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { ShedLedger as Ledger } from './shed-ledger.js';

/** A ledger whose caller keeps the last kept id of each instrument, as the feed task does. */
class ShedLedger extends Ledger {
  private readonly kept: Map<string, string>;
  constructor(maxPending: number) {
    const kept = new Map<string, string>();
    super(maxPending, (instrument) => kept.get(instrument));
    this.kept = kept;
  }
  override admit(trade: Trade, pending: number, stalled?: () => boolean): boolean {
    const keep = super.admit(trade, pending, stalled);
    if (keep) this.kept.set(trade.instrument, trade.id);
    return keep;
  }
}

const trade = (id: number, instrument = 'BTC-USDT'): Trade => ({
  v: 1,
  type: 'trade',
  venue: 'binance',
  instrument,
  symbol: 'BTCUSDT',
  id: String(id),
  price: '1',
  quantity: '1',
  side: 'buy',
  tradeTime: 1_000 + id,
  receiveTime: 2_000 + id,
  source: 'ws',
});

describe('ShedLedger', () => {
  it('keeps trades below the bound', () => {
    const l = new ShedLedger(3);
    expect([1, 2].map((id, i) => l.admit(trade(id), i))).toEqual([true, true]);
    expect(l.active).toBe(false);
    expect(l.release(0)).toEqual([]);
  });

  it('sheds from the bound until drained to half, then names each range exactly', () => {
    const l = new ShedLedger(4);
    expect(l.admit(trade(1), 3)).toBe(true);
    expect(l.admit(trade(2), 4)).toBe(false);
    expect(l.admit(trade(7, 'ETH-USDT'), 1)).toBe(false); // still shedding: nothing overtakes the shed ones
    expect(l.admit(trade(3), 3)).toBe(false);
    expect(l.has('BTC-USDT')).toBe(true);
    expect(l.release(3)).toEqual([]); // above half
    expect(l.active).toBe(true);
    expect(l.release(2)).toEqual([
      { instrument: 'BTC-USDT', lastKeptId: '1', firstId: '2', lastId: '3', count: 2, fromTime: 1_002, toTime: 1_003 },
      { instrument: 'ETH-USDT', lastKeptId: undefined, firstId: '7', lastId: '7', count: 1, fromTime: 1_007, toTime: 1_007 },
    ]);
    expect(l.active).toBe(false);
    expect(l.shedTotal).toBe(3);
    expect(l.admit(trade(4), 0)).toBe(true);
  });

  it('does not start shedding while NATS is taking messages, only once it is stalled', () => {
    const l = new ShedLedger(2);
    let stalled = false;
    expect(l.admit(trade(1), 5, () => stalled)).toBe(true);
    expect(l.active).toBe(false);
    stalled = true;
    expect(l.admit(trade(2), 5, () => stalled)).toBe(false);
    stalled = false;
    expect(l.admit(trade(3), 5, () => stalled)).toBe(false); // once started, until drained
  });

  it('a later episode starts after the last shed id', () => {
    const l = new ShedLedger(2);
    l.admit(trade(1), 2);
    l.release(0);
    l.admit(trade(2), 0);
    l.admit(trade(3), 2);
    expect(l.release(1)).toMatchObject([{ lastKeptId: '2', firstId: '3', lastId: '3', count: 1 }]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new ShedLedger(0)).toThrow(RangeError);
    expect(() => new ShedLedger(1.5)).toThrow('maxPending must be a positive integer, got 1.5');
  });
});
