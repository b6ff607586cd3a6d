import { describe, expect, it } from 'vitest';
import { BOOK_SYNC_RULES, checkDeltaIds, firstDeltaVerdict, isSnapshotTooOld, nextDeltaVerdict } from './sync-rules.js';

const range = (U: string, u: string) => ({ firstUpdateId: U, updateId: u });
const chain = (prev: string, id: string) => ({ prevUpdateId: prev, updateId: id });

describe('the venue rule table', () => {
  it('says Binance chains ranges from REST and OKX chains ids, taking its in-band snapshot', () => {
    expect(BOOK_SYNC_RULES.binance).toMatchObject({ kind: 'range', snapshotSource: 'rest', wsSnapshotAnchors: false, maxBuffered: 10_000 });
    expect(BOOK_SYNC_RULES.okx).toMatchObject({ kind: 'chain', snapshotSource: 'rest', wsSnapshotAnchors: true, maxBuffered: 10_000 });
  });
});

describe('range rule (Binance U/u)', () => {
  it('first delta after snapshot S: dropped when u <= S, applied when U <= S+1 <= u, a gap when U > S+1', () => {
    expect(firstDeltaVerdict('range', '100', range('90', '99'))).toBe('skip');
    expect(firstDeltaVerdict('range', '100', range('95', '100'))).toBe('skip');
    expect(firstDeltaVerdict('range', '100', range('95', '105'))).toBe('apply'); // straddles
    expect(firstDeltaVerdict('range', '100', range('101', '105'))).toBe('apply'); // U == S + 1
    expect(firstDeltaVerdict('range', '100', range('101', '101'))).toBe('apply');
    expect(firstDeltaVerdict('range', '100', range('102', '105'))).toBe('gap');
  });

  it('later deltas: stale when u <= id, a gap when U > id + 1, else applied', () => {
    expect(nextDeltaVerdict('range', '160', range('157', '160'))).toBe('skip');
    expect(nextDeltaVerdict('range', '160', range('150', '155'))).toBe('skip');
    expect(nextDeltaVerdict('range', '160', range('161', '170'))).toBe('apply');
    expect(nextDeltaVerdict('range', '160', range('159', '170'))).toBe('apply'); // overlaps: absolute sizes
    expect(nextDeltaVerdict('range', '160', range('162', '170'))).toBe('gap');
  });

  it('compares ids beyond 2^53 exactly, across a carry', () => {
    expect(nextDeltaVerdict('range', '9007199254740999', range('9007199254741000', '9007199254741003'))).toBe('apply');
    expect(nextDeltaVerdict('range', '9007199254740999', range('9007199254741001', '9007199254741003'))).toBe('gap');
    expect(nextDeltaVerdict('range', '99999999999999999999', range('100000000000000000000', '100000000000000000000'))).toBe('apply');
  });

  it('a snapshot is too old when S < the first buffered U', () => {
    expect(isSnapshotTooOld('range', '156', range('157', '160'))).toBe(true);
    expect(isSnapshotTooOld('range', '157', range('157', '160'))).toBe(false);
    expect(isSnapshotTooOld('range', '1000', range('157', '160'))).toBe(false);
  });
});

describe('chain rule (OKX prevSeqId/seqId)', () => {
  it('later pushes need prevId == id; ids jump, never +1', () => {
    expect(nextDeltaVerdict('chain', '10', chain('10', '15'))).toBe('apply');
    expect(nextDeltaVerdict('chain', '10', chain('10', '103'))).toBe('apply');
    expect(nextDeltaVerdict('chain', '10', chain('11', '15'))).toBe('gap');
    expect(nextDeltaVerdict('chain', '15', chain('10', '15'))).toBe('gap'); // a repeat is not continuous
  });

  it('accepts a keep-alive (prevId == id == last) and keeps the id', () => {
    expect(nextDeltaVerdict('chain', '15', chain('15', '15'))).toBe('keep-alive');
    expect(nextDeltaVerdict('chain', '15', chain('14', '15'))).toBe('gap');
  });

  it('accepts a reset (id < prevId, prevId == last) and continues from the smaller id', () => {
    expect(nextDeltaVerdict('chain', '15', chain('15', '3'))).toBe('reset');
    expect(nextDeltaVerdict('chain', '3', chain('3', '5'))).toBe('apply');
    expect(nextDeltaVerdict('chain', '15', chain('16', '3'))).toBe('gap');
  });

  it('first push after snapshot S: dropped when id <= S, applied when prevId <= S < id, a gap when prevId > S', () => {
    expect(firstDeltaVerdict('chain', '100', chain('90', '95'))).toBe('skip');
    expect(firstDeltaVerdict('chain', '100', chain('95', '100'))).toBe('skip');
    expect(firstDeltaVerdict('chain', '100', chain('95', '120'))).toBe('apply');
    expect(firstDeltaVerdict('chain', '100', chain('100', '120'))).toBe('apply');
    expect(firstDeltaVerdict('chain', '100', chain('101', '120'))).toBe('gap');
    // right after the snapshot, a keep-alive or reset chained to it counts as such
    expect(firstDeltaVerdict('chain', '100', chain('100', '100'))).toBe('keep-alive');
    expect(firstDeltaVerdict('chain', '100', chain('100', '4'))).toBe('reset');
  });

  it('a snapshot is too old when S < the first buffered prevId', () => {
    expect(isSnapshotTooOld('chain', '99', chain('100', '120'))).toBe(true);
    expect(isSnapshotTooOld('chain', '100', chain('100', '120'))).toBe(false);
    expect(isSnapshotTooOld('chain', '10000000000000000001', chain('9999999999999999999', '10000000000000000005'))).toBe(false);
  });
});

describe('checkDeltaIds', () => {
  it('requires what each kind needs, as canonical ids', () => {
    expect(() => checkDeltaIds('range', range('1', '2'))).not.toThrow();
    expect(() => checkDeltaIds('range', { updateId: '2' })).toThrow(/firstUpdateId/);
    expect(() => checkDeltaIds('range', range('3', '2'))).toThrow(/after its updateId/);
    expect(() => checkDeltaIds('range', range('1', '02'))).toThrow(/updateId/);
    expect(() => checkDeltaIds('chain', chain('5', '3'))).not.toThrow();
    expect(() => checkDeltaIds('chain', { updateId: '3' })).toThrow(/prevUpdateId/);
    expect(() => checkDeltaIds('chain', chain('-1', '3'))).toThrow(/prevUpdateId/);
  });
});
