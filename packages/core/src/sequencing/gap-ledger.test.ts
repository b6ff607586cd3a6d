import { describe, expect, it } from 'vitest';
import { GapLedger, type GapEvent } from './gap-ledger.js';
import type { StatusDetail } from './status.js';

const T0 = 1_700_000_000_000;

function ledger() {
  const events: Array<{ event: GapEvent; nowMs: number } & StatusDetail> = [];
  const gaps = new GapLedger((event, detail, nowMs) => events.push({ event, nowMs, ...detail }));
  const ranges = () => gaps.openGaps().map((g) => [g.fromId, g.toId]);
  return { gaps, events, ranges };
}

describe('GapLedger', () => {
  it('opens gaps in ascending order, reports each, and counts what is missing', () => {
    const { gaps, events, ranges } = ledger();
    expect(gaps.size).toBe(0);
    gaps.open(5n, 7n, 'jump', T0);
    gaps.open(10n, 10n, 'parse-error', T0 + 1);
    expect(events).toEqual([
      { event: 'gap', nowMs: T0, fromId: '5', toId: '7', count: 3, reason: 'jump' },
      { event: 'gap', nowMs: T0 + 1, fromId: '10', toId: '10', count: 1, reason: 'parse-error' },
    ]);
    expect(ranges()).toEqual([
      ['5', '7'],
      ['10', '10'],
    ]);
    expect(gaps.openGaps().map((g) => g.openedAtMs)).toEqual([T0, T0 + 1]);
    expect(gaps.missing()).toEqual({ openGaps: 2, missingIds: 4 });
    expect(gaps.gapsOpened).toBe(2);
    expect(gaps.size).toBe(2);
  });

  it('joins ids right after an open gap into it: one gap event, one recovered event naming the whole range', () => {
    const { gaps, events, ranges } = ledger();
    expect(gaps.open(5n, 5n, 'parse-error', T0)).toBe(false);
    expect(gaps.open(6n, 6n, 'parse-error', T0 + 10)).toBe(true);
    expect(gaps.open(7n, 9n, 'jump', T0 + 20)).toBe(true);
    expect(events).toEqual([{ event: 'gap', nowMs: T0, fromId: '5', toId: '5', count: 1, reason: 'parse-error' }]);
    expect(ranges()).toEqual([['5', '9']]);
    expect(gaps.openGaps()[0]!.openedAtMs).toBe(T0); // the age of its first part
    expect(gaps.missing()).toEqual({ openGaps: 1, missingIds: 5 });
    expect(gaps.gapsOpened).toBe(1);
    gaps.fill(gaps.find(5n), 5n, 9n, T0 + 30);
    expect(events.at(-1)).toEqual({ event: 'recovered', nowMs: T0 + 30, fromId: '5', toId: '9', count: 5, reason: 'parse-error' });
  });

  it('joins after a partly filled gap, but not after an abandoned piece or across ids in between', () => {
    const { gaps, events, ranges } = ledger();
    gaps.open(5n, 8n, 'jump', T0);
    gaps.fill(gaps.find(5n), 5n, 6n, T0 + 1); // [7, 8] still missing
    expect(gaps.open(9n, 9n, 'parse-error', T0 + 2)).toBe(true);
    expect(ranges()).toEqual([['7', '9']]);
    gaps.fill(gaps.find(7n), 7n, 9n, T0 + 3);
    expect(events.at(-1)).toMatchObject({ event: 'recovered', fromId: '5', toId: '9', count: 5 });

    gaps.open(20n, 21n, 'jump', T0 + 4);
    gaps.abandon(20n, 21n, 'rest-error', T0 + 5);
    expect(gaps.open(22n, 22n, 'jump', T0 + 6)).toBe(false); // the piece before it is abandoned
    expect(gaps.open(30n, 30n, 'jump', T0 + 7)).toBe(false); // ids 23..29 are known (held)
    expect(events.filter((e) => e.event === 'gap').map((e) => e.fromId)).toEqual(['5', '20', '22', '30']);
  });

  it('finds the piece holding an id, and none between or beyond pieces', () => {
    const { gaps } = ledger();
    gaps.open(5n, 7n, 'jump', T0);
    gaps.open(10n, 12n, 'jump', T0);
    gaps.open(20n, 20n, 'jump', T0);
    expect([4n, 5n, 7n, 8n, 10n, 12n, 13n, 20n, 21n].map((id) => gaps.find(id))).toEqual([-1, 0, 0, -1, 1, 1, -1, 2, -1]);
    expect(gaps.at(1)).toMatchObject({ from: 10n, to: 12n, abandoned: false });
    expect(gaps.at(-1)).toBeUndefined();
  });

  it('fills a gap piece by piece, splitting it, and reports it recovered once every id arrived', () => {
    const { gaps, events, ranges } = ledger();
    gaps.open(1n, 10n, 'reconnect', T0);
    gaps.fill(gaps.find(4n), 4n, 6n, T0 + 1);
    expect(ranges()).toEqual([
      ['1', '3'],
      ['7', '10'],
    ]);
    gaps.fill(gaps.find(1n), 1n, 3n, T0 + 2);
    gaps.fill(gaps.find(10n), 10n, 10n, T0 + 3);
    expect(ranges()).toEqual([['7', '9']]);
    expect(events.filter((e) => e.event === 'recovered')).toEqual([]);
    gaps.fill(gaps.find(7n), 7n, 9n, T0 + 4);
    expect(ranges()).toEqual([]);
    expect(gaps.size).toBe(0);
    expect(events.at(-1)).toEqual({ event: 'recovered', nowMs: T0 + 4, fromId: '1', toId: '10', count: 10, reason: 'reconnect' });
    expect(gaps.recoveredIds).toBe(10);
  });

  it('declares a range unrecoverable piece by piece, keeps the pieces until passed, and reports what was recovered', () => {
    const { gaps, events, ranges } = ledger();
    gaps.open(1n, 10n, 'jump', T0);
    gaps.open(15n, 16n, 'heartbeat', T0);
    gaps.fill(gaps.find(5n), 5n, 5n, T0);
    gaps.abandon(3n, 15n, 'not-on-rest', T0 + 9);
    expect(events.filter((e) => e.event === 'unrecoverable').map((e) => [e.fromId, e.toId, e.count, e.reason])).toEqual([
      ['3', '4', 2, 'not-on-rest'],
      ['6', '10', 5, 'not-on-rest'],
      ['15', '15', 1, 'not-on-rest'],
    ]);
    expect(ranges()).toEqual([
      ['1', '2'],
      ['16', '16'],
    ]);
    expect(gaps.unrecoverableIds).toBe(8);
    // Abandoned pieces are still kept (late arrivals inside them are known as such).
    expect(gaps.at(gaps.find(7n))).toMatchObject({ from: 6n, to: 10n, abandoned: true });
    gaps.fill(gaps.find(1n), 1n, 2n, T0 + 10);
    expect(events.at(-1)).toEqual({
      event: 'recovered',
      nowMs: T0 + 10,
      fromId: '1',
      toId: '10',
      count: 3,
      reason: 'jump',
      message: '3 of 10 missing ids recovered; the rest were reported unrecoverable',
    });
    // Abandoning ids already accounted for reports nothing.
    const before = events.length;
    gaps.abandon(1n, 10n, 'again', T0 + 11);
    expect(events).toHaveLength(before);
  });

  it('a gap all of whose ids are lost is reported unrecoverable and never recovered', () => {
    const { gaps, events } = ledger();
    gaps.open(1n, 2n, 'jump', T0);
    gaps.abandon(0n, 100n, 'backfill-disabled', T0);
    expect(events.map((e) => e.event)).toEqual(['gap', 'unrecoverable']);
  });

  it('expires the missing pieces at least maxAge old, by the age of the gap they belong to', () => {
    const { gaps, events, ranges } = ledger();
    gaps.open(1n, 4n, 'jump', T0);
    gaps.fill(gaps.find(2n), 2n, 2n, T0 + 500); // splits: both pieces keep the gap's age
    gaps.open(8n, 9n, 'jump', T0 + 1_000);
    expect(gaps.expire(T0 + 9_999, 10_000)).toBe(false);
    expect(gaps.expire(T0 + 10_000, 10_000)).toBe(true);
    expect(events.filter((e) => e.event === 'unrecoverable').map((e) => [e.fromId, e.toId, e.reason, e.nowMs])).toEqual([
      ['1', '1', 'timeout', T0 + 10_000],
      ['3', '4', 'timeout', T0 + 10_000],
    ]);
    expect(ranges()).toEqual([['8', '9']]);
    expect(gaps.expire(T0 + 10_999, 10_000)).toBe(false);
    expect(gaps.expire(T0 + 11_000, 10_000)).toBe(true);
    expect(gaps.missing()).toEqual({ openGaps: 0, missingIds: 0 });
  });

  it('abandons the first missing piece on demand, skipping abandoned ones', () => {
    const { gaps, events, ranges } = ledger();
    expect(gaps.abandonFirst('hold-limit', T0)).toBe(false);
    gaps.open(1n, 1n, 'jump', T0);
    gaps.open(3n, 4n, 'jump', T0);
    expect(gaps.abandonFirst('hold-limit', T0)).toBe(true);
    expect(gaps.abandonFirst('hold-limit', T0)).toBe(true);
    expect(gaps.abandonFirst('hold-limit', T0)).toBe(false);
    expect(events.filter((e) => e.event === 'unrecoverable').map((e) => [e.fromId, e.toId])).toEqual([
      ['1', '1'],
      ['3', '4'],
    ]);
    expect(ranges()).toEqual([]);
  });

  it('is passed only at an abandoned first piece that starts where the sequence goes on', () => {
    const { gaps } = ledger();
    gaps.open(5n, 6n, 'jump', T0);
    gaps.open(8n, 9n, 'jump', T0);
    expect(gaps.pass(5n)).toBeUndefined(); // still missing
    gaps.abandon(8n, 9n, 'x', T0);
    expect(gaps.pass(8n)).toBeUndefined(); // not the first piece
    gaps.abandon(5n, 6n, 'x', T0);
    expect(gaps.pass(4n)).toBeUndefined(); // the sequence is not there yet
    expect(gaps.pass(5n)).toBe(6n);
    expect(gaps.pass(8n)).toBe(9n);
    expect(gaps.size).toBe(0);
  });
});
