import { describe, expect, it } from 'vitest';
import { decideReconnect, decideResume, resumeStart } from './decision.js';

const T = 1_700_000_000_000_000; // µs
const HOUR_MS = 3_600_000;
const consecutive = { sequencing: 'consecutive' } as const;
const none = { sequencing: 'none' } as const;

describe('decideResume', () => {
  it('nothing stored: nothing to resume from', () => {
    expect(decideResume(undefined, { id: '500', tradeTime: T }, HOUR_MS, consecutive)).toEqual({ kind: 'nothing' });
    expect(decideResume(undefined, { id: 'abc', tradeTime: T }, HOUR_MS, none)).toEqual({ kind: 'nothing' });
  });

  it('consecutive ids: the span from the stored id to the first live one is a gap to fill', () => {
    expect(decideResume({ id: '100', tradeTime: T }, { id: '835', tradeTime: T + 3_000_000 }, HOUR_MS, consecutive)).toEqual({
      kind: 'gap',
      startAfterId: '100',
      fromId: '101',
      toId: '834',
      count: 734,
    });
    // An aggregated first trade covering 3 ids starts two ids before its own.
    expect(decideResume({ id: '100', tradeTime: T }, { id: '110', span: 3, tradeTime: T + 1 }, HOUR_MS, consecutive)).toMatchObject({ kind: 'gap', fromId: '101', toId: '107', count: 7 });
  });

  it('consecutive ids: nothing missed when the first trade continues or repeats the stored ones', () => {
    expect(decideResume({ id: '100', tradeTime: T }, { id: '101', tradeTime: T + 5 }, HOUR_MS, consecutive)).toEqual({ kind: 'nothing', startAfterId: '100' });
    expect(decideResume({ id: '100', tradeTime: T }, { id: '98', tradeTime: T }, HOUR_MS, consecutive)).toEqual({ kind: 'nothing', startAfterId: '100' });
    expect(decideResume({ id: '100', tradeTime: T }, { id: '102', span: 3, tradeTime: T }, HOUR_MS, consecutive)).toEqual({ kind: 'nothing', startAfterId: '100' });
  });

  it('consecutive ids beyond the look-back: one unrecoverable names the ids and times, and the feed starts from live', () => {
    const decision = decideResume({ id: '100', tradeTime: T }, { id: '5001', tradeTime: T + 2 * HOUR_MS * 1000 }, HOUR_MS, consecutive);
    expect(decision).toEqual({
      kind: 'unrecoverable',
      startAfterId: '5000',
      detail: expect.objectContaining({ fromId: '101', toId: '5000', count: 4900, fromTime: T, toTime: T + 2 * HOUR_MS * 1000, lastId: '100', reason: 'restart-lookback' }),
    });
    // At the bound exactly it is still filled.
    expect(decideResume({ id: '100', tradeTime: T }, { id: '5001', tradeTime: T + HOUR_MS * 1000 }, HOUR_MS, consecutive).kind).toBe('gap');
    // Nothing missed: nothing to report, however old the stored trade.
    expect(decideResume({ id: '100', tradeTime: T }, { id: '101', tradeTime: T + 9 * HOUR_MS * 1000 }, HOUR_MS, consecutive).kind).toBe('nothing');
  });

  it('ids beyond the safe Number range are compared as integers', () => {
    expect(decideResume({ id: '9007199254740993', tradeTime: T }, { id: '9007199254740996', tradeTime: T }, HOUR_MS, consecutive)).toMatchObject({
      kind: 'gap',
      fromId: '9007199254740994',
      toId: '9007199254740995',
      count: 2,
    });
  });

  it('ids without order (Bybit): an unrecoverable bounded by the stored and first exchange times', () => {
    const decision = decideResume({ id: 'a1b2', tradeTime: T }, { id: 'ff00', tradeTime: T + 3_000_000 }, HOUR_MS, none);
    expect(decision).toEqual({
      kind: 'unrecoverable',
      detail: expect.objectContaining({ fromTime: T, toTime: T + 3_000_000, lastId: 'a1b2', reason: 'restart' }),
    });
    expect(decision.kind === 'unrecoverable' && decision.detail.fromId).toBe(undefined);
    expect(decideResume({ id: 'a1b2', tradeTime: T }, { id: 'a1b2', tradeTime: T }, HOUR_MS, none)).toEqual({ kind: 'nothing' });
    expect(decideResume({ id: 'a1b2', tradeTime: T }, { id: 'c3', tradeTime: T - 1 }, HOUR_MS, none)).toEqual({ kind: 'nothing' });
  });
});

describe('resumeStart', () => {
  it('starts after the stored id when it is within the look-back, from the first trade otherwise', () => {
    expect(resumeStart({ id: '100', tradeTime: T }, T + 1_000, HOUR_MS, consecutive)).toBe('100');
    expect(resumeStart({ id: '100', tradeTime: T }, T + 2 * HOUR_MS * 1000, HOUR_MS, consecutive)).toBeUndefined();
    expect(resumeStart(undefined, T, HOUR_MS, consecutive)).toBeUndefined();
    expect(resumeStart({ id: 'x', tradeTime: T }, T, HOUR_MS, none)).toBeUndefined();
  });
});

describe('decideReconnect', () => {
  it('moves on only when the stream holds ids beyond the last released one, never backwards', () => {
    expect(decideReconnect({ id: '120', tradeTime: T }, '100', consecutive)).toEqual({ advanceTo: '120' });
    expect(decideReconnect({ id: '100', tradeTime: T }, '100', consecutive)).toEqual({});
    expect(decideReconnect({ id: '90', tradeTime: T }, '100', consecutive)).toEqual({});
    expect(decideReconnect(undefined, '100', consecutive)).toEqual({});
    expect(decideReconnect({ id: '120', tradeTime: T }, undefined, consecutive)).toEqual({});
    expect(decideReconnect({ id: 'b', tradeTime: T }, 'a', none)).toEqual({});
  });
});
