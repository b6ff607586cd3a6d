import { describe, expect, it } from 'vitest';
import { UnreadableWatch, type ReadabilityChange } from './unreadable-watch.js';

const T0 = 1_700_000_000_000;

function watch() {
  const changes: ReadabilityChange[] = [];
  const w = new UnreadableWatch((c) => changes.push(c), { windowMs: 10_000, minRejected: 3, rejectedInRow: 8, readableAfter: 5 });
  return { w, changes };
}

describe('UnreadableWatch', () => {
  it('calls an instrument unreadable once when its rejections outnumber its parsed frames over the window', () => {
    const { w, changes } = watch();
    for (let i = 0; i < 4; i++) w.parsed('BTC-USDT', T0 + 1 + i);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 9);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 10);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 11);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 12);
    expect(changes).toEqual([]); // 4 rejected, 4 parsed: not a majority
    w.rejected('BTC-USDT', 'invalid-field', T0 + 13);
    expect(changes).toEqual([{ instrument: 'BTC-USDT', readable: false, reason: 'invalid-field' }]);
    for (let i = 0; i < 50; i++) w.rejected('BTC-USDT', 'invalid-field', T0 + 20 + i);
    expect(changes).toHaveLength(1);
    expect(w.isUnreadable('BTC-USDT')).toBe(true);
    expect(w.unreadable()).toEqual(['BTC-USDT']);
    expect(w.isUnreadable('ETH-USDT')).toBe(false);
  });

  it('needs the minimum of rejections, and a majority of them in the window', () => {
    const { w, changes } = watch();
    w.rejected('BTC-USDT', 'invalid-field', T0);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 1);
    expect(changes).toEqual([]);
    // one rejection in three frames, for a long time: never unreadable
    const { w: w2, changes: c2 } = watch();
    for (let i = 0; i < 300; i++) {
      const t = T0 + i * 100;
      if (i % 3 === 0) w2.rejected('BTC-USDT', 'invalid-field', t);
      else w2.parsed('BTC-USDT', t);
    }
    expect(c2).toEqual([]);
  });

  it('forgets rejections older than the window', () => {
    const { w, changes } = watch();
    w.rejected('BTC-USDT', 'invalid-field', T0);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 1);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 12_000);
    expect(changes).toEqual([]);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 12_001);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 12_002);
    expect(changes).toHaveLength(1);
  });

  it('calls it readable again once after enough frames in a row parse, and not while rejections keep breaking the run', () => {
    const { w, changes } = watch();
    for (let i = 0; i < 3; i++) w.rejected('BTC-USDT', 'unknown-message', T0 + i);
    expect(changes).toEqual([{ instrument: 'BTC-USDT', readable: false, reason: 'unknown-message' }]);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 4; i++) w.parsed('BTC-USDT', T0 + 100 + round * 10 + i);
      w.rejected('BTC-USDT', 'unknown-message', T0 + 105 + round * 10);
    }
    expect(changes).toHaveLength(1);
    for (let i = 0; i < 5; i++) w.parsed('BTC-USDT', T0 + 1_000 + i);
    expect(changes).toEqual([
      { instrument: 'BTC-USDT', readable: false, reason: 'unknown-message' },
      { instrument: 'BTC-USDT', readable: true },
    ]);
    expect(w.isUnreadable('BTC-USDT')).toBe(false);
    w.parsed('BTC-USDT', T0 + 1_010);
    expect(changes).toHaveLength(2);
  });

  it('calls a busy instrument unreadable after enough rejections in a row, whatever the window holds', () => {
    const { w, changes } = watch();
    for (let i = 0; i < 1_000; i++) w.parsed('BTC-USDT', T0 + i);
    for (let i = 0; i < 7; i++) w.rejected('BTC-USDT', 'invalid-field', T0 + 1_000 + i);
    w.parsed('BTC-USDT', T0 + 1_010); // breaks the run
    for (let i = 0; i < 7; i++) w.rejected('BTC-USDT', 'invalid-field', T0 + 1_020 + i);
    expect(changes).toEqual([]);
    w.rejected('BTC-USDT', 'invalid-field', T0 + 1_030);
    expect(changes).toEqual([{ instrument: 'BTC-USDT', readable: false, reason: 'invalid-field' }]);
  });

  it('keeps instruments apart', () => {
    const { w, changes } = watch();
    for (let i = 0; i < 3; i++) w.rejected('ETH-USDT', 'invalid-field', T0 + i);
    for (let i = 0; i < 10; i++) w.parsed('BTC-USDT', T0 + i);
    expect(changes).toEqual([{ instrument: 'ETH-USDT', readable: false, reason: 'invalid-field' }]);
    expect(w.isUnreadable('BTC-USDT')).toBe(false);
  });
});
