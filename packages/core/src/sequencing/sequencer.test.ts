import { StatusSchema, TradeSchema, type Status, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { DedupSequencer } from './dedup-sequencer.js';
import { SEQUENCER_DEFAULTS } from './defaults.js';
import { OrderedSequencer } from './ordered-sequencer.js';
import { createSequencer } from './sequencer.js';
import { buildStatus } from './status.js';
import type { GapRequest, Sequencer, SequencerOptions } from './types.js';

const T0 = 1_700_000_000_000; // ms

function makeTrade(id: string | number, source: 'ws' | 'rest' = 'ws', instrument = 'BTC-USDT'): Trade {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument,
    symbol: 'BTCUSDT',
    id: String(id),
    price: '97123.45',
    quantity: '0.001',
    side: 'buy',
    tradeTime: T0 * 1000,
    receiveTime: T0 * 1000 + 5,
    source,
  };
}

function harness(options: Partial<SequencerOptions> = {}) {
  const released: Trade[] = [];
  const requests: GapRequest[] = [];
  const statuses: Status[] = [];
  const clock = { now: T0 };
  const seq = createSequencer({
    venue: 'binance',
    instrument: 'BTC-USDT',
    sequencing: 'consecutive',
    release: (t) => released.push(t),
    requestGap: (r) => requests.push(r),
    status: (s) => statuses.push(s),
    clock: () => clock.now,
    // These tests were written for a 10 s hold bound; the bounds' defaults have tests of their own.
    holdTimeoutMs: 10_000,
    ...options,
  });
  const ids = () => released.map((t) => t.id);
  const sources = () => released.map((t) => `${t.id}:${t.source}`);
  const live = (...list: number[]) => list.forEach((id) => seq.trade(makeTrade(id)));
  const rest = (...list: number[]) => seq.restTrades(list.map((id) => makeTrade(id, 'rest')));
  return { seq, released, requests, statuses, clock, ids, sources, live, rest };
}

describe('Sequencer (consecutive)', () => {
  it('releases an unbroken sequence at once, the first trade defining the start', () => {
    const h = harness();
    h.live(100, 101, 102);
    expect(h.ids()).toEqual(['100', '101', '102']);
    expect(h.requests).toEqual([]);
    expect(h.seq.lastId).toBe('102');
    expect(h.seq.counters()).toMatchObject({ released: { ws: 3, rest: 0 }, held: 0, openGaps: 0 });
  });

  it('drops duplicates and overlaps (id <= last released) and counts them', () => {
    const h = harness();
    h.live(1, 2, 3, 2, 3, 1, 4);
    expect(h.ids()).toEqual(['1', '2', '3', '4']);
    expect(h.seq.counters().duplicates).toBe(3);
  });

  it('opens a gap on a jump, holds live trades, and releases REST fill then held trades in order', () => {
    const h = harness();
    h.live(10, 11, 15, 16);
    expect(h.ids()).toEqual(['10', '11']);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '12', toId: '14', reason: 'jump' }]);
    expect(h.statuses).toEqual([buildStatus('binance', 'BTC-USDT', 'gap', T0, { fromId: '12', toId: '14', count: 3, reason: 'jump' })]);
    expect(h.seq.counters()).toMatchObject({ held: 2, openGaps: 1, missingIds: 3, gapsOpened: 1 });
    // REST pages usually run past the gap: those ids are duplicates of held ones, or extend the sequence.
    h.rest(12, 13, 14, 15, 16, 17);
    expect(h.sources()).toEqual(['10:ws', '11:ws', '12:rest', '13:rest', '14:rest', '15:ws', '16:ws', '17:rest']);
    expect(h.statuses[1]).toEqual(buildStatus('binance', 'BTC-USDT', 'recovered', T0, { fromId: '12', toId: '14', count: 3, reason: 'jump' }));
    h.live(17, 18);
    expect(h.ids().slice(-2)).toEqual(['17', '18']);
    expect(h.seq.counters()).toMatchObject({ released: { ws: 5, rest: 4 }, duplicates: 3, recoveredIds: 3, held: 0, openGaps: 0 });
  });

  it('takes REST trades in id order whatever order the response lists them in', () => {
    const h = harness();
    h.live(1, 5);
    h.rest(4, 2, 3);
    expect(h.ids()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('keeps several gaps open at once and fills them independently', () => {
    const h = harness();
    h.live(1, 3, 6, 7);
    expect(h.requests.map((r) => [r.fromId, r.toId])).toEqual([
      ['2', '2'],
      ['4', '5'],
    ]);
    h.rest(4, 5);
    expect(h.ids()).toEqual(['1']);
    expect(h.seq.openGaps().map((g) => [g.fromId, g.toId])).toEqual([['2', '2']]);
    h.rest(2);
    expect(h.ids()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    // in release order: each once the sequence has passed its range
    expect(h.statuses.filter((s) => s.state === 'recovered').map((s) => [s.fromId, s.toId, s.count])).toEqual([
      ['2', '2', 1],
      ['4', '5', 2],
    ]);
  });

  it('fills a gap from a late live trade (reordering) and drops the REST copy', () => {
    const h = harness();
    h.live(1, 3, 2);
    expect(h.ids()).toEqual(['1', '2', '3']);
    h.rest(2);
    expect(h.ids()).toEqual(['1', '2', '3']);
    expect(h.seq.counters().duplicates).toBe(1);
  });

  it('treats a rejected frame carrying a trade id as a gap to fetch', () => {
    const h = harness();
    h.live(1, 2);
    h.seq.rejected({ reason: 'invalid-field', message: 'price: bad', raw: '{}', tradeId: '3' });
    h.live(4);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '3', toId: '3', reason: 'parse-error' }]);
    expect(h.ids()).toEqual(['1', '2']);
    h.rest(3);
    expect(h.ids()).toEqual(['1', '2', '3', '4']);
    // A rejection without an id, or for an id already released, opens nothing.
    h.seq.rejected({ reason: 'malformed-json', message: 'not JSON', raw: '{' });
    h.seq.rejected({ reason: 'invalid-field', message: 'x', raw: '{}', tradeId: '2' });
    expect(h.requests).toHaveLength(1);
    expect(h.seq.counters().rejections).toBe(3);
  });

  it('joins a run of rejected frames into one gap: one gap event, each id asked for as joined, one recovered for the run', () => {
    const h = harness();
    h.live(1, 2);
    for (let id = 3; id <= 7; id++) h.seq.rejected({ reason: 'invalid-field', message: 'price: bad', raw: '{}', tradeId: String(id) });
    h.live(8);
    expect(h.requests).toEqual([
      { instrument: 'BTC-USDT', fromId: '3', toId: '3', reason: 'parse-error' },
      ...[4, 5, 6, 7].map((id) => ({ instrument: 'BTC-USDT', fromId: String(id), toId: String(id), reason: 'parse-error', joined: true })),
    ]);
    expect(h.statuses.map((s) => [s.state, s.fromId, s.toId, s.count])).toEqual([['gap', '3', '3', 1]]);
    expect(h.seq.openGaps().map((g) => [g.fromId, g.toId])).toEqual([['3', '7']]);
    expect(h.seq.counters()).toMatchObject({ gapsOpened: 1, openGaps: 1, missingIds: 5 });
    h.rest(3, 4, 5, 6, 7);
    expect(h.ids()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(h.statuses.map((s) => [s.state, s.fromId, s.toId, s.count])).toEqual([
      ['gap', '3', '3', 1],
      ['recovered', '3', '7', 5],
    ]);
  });

  it('a rejection before any trade defines the start', () => {
    const h = harness();
    h.seq.rejected({ reason: 'invalid-field', message: 'x', raw: '{}', tradeId: '50' });
    h.live(51);
    expect(h.ids()).toEqual([]);
    h.rest(50);
    expect(h.ids()).toEqual(['50', '51']);
  });

  it('reports the gap after a reconnect as such and fills it from REST', () => {
    const h = harness();
    h.live(1, 2);
    h.seq.disconnected();
    h.seq.connected();
    h.live(2, 900); // overlap, then far ahead
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '3', toId: '899', reason: 'reconnect' }]);
    h.rest(...Array.from({ length: 897 }, (_, i) => i + 3));
    expect(h.ids()).toHaveLength(900);
    expect(h.ids().at(-1)).toBe('900');
    h.live(902);
    expect(h.requests.at(-1)?.reason).toBe('jump');
  });

  it('extends the sequence with fallback REST polls, and opens a gap when they jump ahead', () => {
    const h = harness();
    h.live(1, 2);
    h.seq.disconnected();
    h.rest(1, 2, 3, 4, 5);
    expect(h.ids()).toEqual(['1', '2', '3', '4', '5']);
    h.rest(9, 10);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '6', toId: '8', reason: 'jump' }]);
    h.rest(6, 7, 8);
    h.live(10, 11);
    expect(h.ids()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  });

  it('opens a gap when a heartbeat names a last id beyond what arrived', () => {
    const h = harness();
    h.seq.heartbeat('7'); // before any trade: nothing to compare with
    h.live(5);
    h.seq.heartbeat('5');
    expect(h.requests).toEqual([]);
    h.seq.heartbeat('7');
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '6', toId: '7', reason: 'heartbeat' }]);
    h.live(8);
    h.rest(6, 7);
    expect(h.ids()).toEqual(['5', '6', '7', '8']);
  });

  it('declares a gap unrecoverable after holdTimeoutMs and releases the held trades in order', () => {
    const h = harness({ holdTimeoutMs: 10_000 });
    h.live(1, 4, 5);
    h.clock.now += 9_999;
    h.seq.tick();
    expect(h.ids()).toEqual(['1']);
    h.clock.now += 1;
    h.seq.tick();
    expect(h.ids()).toEqual(['1', '4', '5']);
    expect(h.statuses.at(-1)).toEqual(
      buildStatus('binance', 'BTC-USDT', 'unrecoverable', T0 + 10_000, { fromId: '2', toId: '3', count: 2, reason: 'timeout' }),
    );
    // Too late: already reported unrecoverable and passed.
    h.rest(2, 3);
    h.live(6);
    expect(h.ids()).toEqual(['1', '4', '5', '6']);
    expect(h.seq.counters()).toMatchObject({ unrecoverableIds: 2, held: 0, openGaps: 0 });
  });

  it('reports exactly the still-missing ids of a partly filled gap, and what was recovered', () => {
    const h = harness();
    h.live(1, 10);
    h.rest(2, 3, 6);
    h.clock.now += 10_000;
    h.seq.tick();
    expect(h.ids()).toEqual(['1', '2', '3', '6', '10']);
    const lost = h.statuses.filter((s) => s.state === 'unrecoverable').map((s) => [s.fromId, s.toId, s.count]);
    expect(lost).toEqual([
      ['4', '5', 2],
      ['7', '9', 3],
    ]);
    const recovered = h.statuses.find((s) => s.state === 'recovered');
    expect(recovered).toMatchObject({ fromId: '2', toId: '9', count: 3 });
    expect(recovered?.message).toMatch(/3 of 8/);
  });

  describe('status events follow the trades they describe', () => {
    /** Releases and status events as one sequence, the order a subscriber sees them in. */
    function wire(options: Partial<SequencerOptions> = {}) {
      const out: string[] = [];
      const clock = { now: T0 };
      const seq = createSequencer({
        venue: 'binance',
        instrument: 'BTC-USDT',
        sequencing: 'consecutive',
        release: (t) => out.push(t.id),
        status: (s) => out.push(`${s.state}:${s.fromId}-${s.toId}`),
        clock: () => clock.now,
        holdTimeoutMs: 10_000,
        ...options,
      });
      return { seq, out, clock };
    }

    it('recovered comes after the last recovered trade', () => {
      const w = wire();
      [1, 2, 5, 6].forEach((id) => w.seq.trade(makeTrade(id)));
      w.seq.restTrades([makeTrade(3, 'rest'), makeTrade(4, 'rest')]);
      expect(w.out).toEqual(['1', '2', 'gap:3-4', '3', '4', 'recovered:3-4', '5', '6']);
    });

    it('unrecoverable comes once the sequence passes its range, also behind an earlier open gap', () => {
      const w = wire();
      [1, 3, 5, 6].forEach((id) => w.seq.trade(makeTrade(id)));
      w.seq.abandon('4', '4');
      expect(w.out).toEqual(['1', 'gap:2-2', 'gap:4-4']);
      w.seq.restTrades([makeTrade(2, 'rest')]);
      expect(w.out).toEqual(['1', 'gap:2-2', 'gap:4-4', '2', 'recovered:2-2', '3', 'unrecoverable:4-4', '5', '6']);
    });

    it('a timed-out gap reports after nothing and before the held trades it lets go', () => {
      const w = wire();
      [1, 4].forEach((id) => w.seq.trade(makeTrade(id)));
      w.clock.now += 10_000;
      w.seq.tick();
      expect(w.out).toEqual(['1', 'gap:2-3', 'unrecoverable:2-3', '4']);
    });
  });

  it('declares the first gap unrecoverable when more than maxHeld trades are held', () => {
    const h = harness({ maxHeld: 3 });
    h.live(1, 3, 4, 5);
    expect(h.ids()).toEqual(['1']);
    h.live(6);
    expect(h.ids()).toEqual(['1', '3', '4', '5', '6']);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'unrecoverable', fromId: '2', toId: '2', count: 1, reason: 'hold-limit' });
  });

  it('abandons ids on the reconciler word, and drops them if they come later', () => {
    const h = harness();
    h.live(1, 6);
    h.seq.abandon('3', '4', 'not-found');
    // reported once the sequence reaches it (id 2 is still missing)
    expect(h.statuses.some((s) => s.state === 'unrecoverable')).toBe(false);
    expect(h.seq.openGaps().map((g) => [g.fromId, g.toId])).toEqual([
      ['2', '2'],
      ['5', '5'],
    ]);
    h.rest(3);
    expect(h.seq.counters().late).toBe(1);
    h.rest(2, 5);
    expect(h.ids()).toEqual(['1', '2', '5', '6']);
    expect(h.statuses.filter((s) => s.state === 'unrecoverable')).toMatchObject([{ fromId: '3', toId: '4', count: 2, reason: 'not-found' }]);
  });

  it('handles aggregated trades (span): each covers ids id-span+1..id', () => {
    const h = harness();
    h.seq.trade(makeTrade(10), 1);
    h.seq.trade(makeTrade(13), 3); // 11..13
    h.seq.trade(makeTrade(20), 2); // 19..20: gap 14..18
    expect(h.ids()).toEqual(['10', '13']);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '14', toId: '18', reason: 'jump' }]);
    h.rest(14, 15, 16, 17, 18, 19, 20);
    expect(h.ids()).toEqual(['10', '13', '14', '15', '16', '17', '18', '20']);
    // An aggregate straddling released ids is dropped; the ids past them are fetched one by one.
    h.seq.trade(makeTrade(22), 3); // 20..22
    expect(h.requests.at(-1)).toEqual({ instrument: 'BTC-USDT', fromId: '21', toId: '22', reason: 'overlap' });
    h.rest(21, 22);
    expect(h.ids().slice(-2)).toEqual(['21', '22']);
  });

  it('resumes after startAfterId', () => {
    const h = harness({ startAfterId: '99' });
    h.live(101);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '100', toId: '100', reason: 'jump' }]);
    h.live(99);
    expect(h.seq.counters().duplicates).toBe(1);
  });

  it('names the first gap after startAfterId by startGapReason, and later ones as usual', () => {
    const h = harness({ startAfterId: '99', startGapReason: 'restart' });
    h.live(99); // a replay of the last stored id: dropped, the start still undecided
    h.live(104);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '100', toId: '103', reason: 'restart' }]);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'gap', fromId: '100', toId: '103', count: 4, reason: 'restart' });
    h.rest(100, 101, 102, 103);
    expect(h.ids()).toEqual(['100', '101', '102', '103', '104']);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'recovered', fromId: '100', toId: '103', count: 4, reason: 'restart' });
    h.live(107);
    expect(h.requests.at(-1)).toMatchObject({ fromId: '105', toId: '106', reason: 'jump' });
  });

  it('forgets startGapReason once the start continued without a gap', () => {
    const h = harness({ startAfterId: '99', startGapReason: 'restart' });
    h.live(100, 101);
    h.live(105);
    expect(h.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '102', toId: '104', reason: 'jump' }]);
    // Without it, the gap at the start is an ordinary jump.
    const plain = harness({ startAfterId: '99' });
    plain.live(102);
    expect(plain.requests).toEqual([{ instrument: 'BTC-USDT', fromId: '100', toId: '101', reason: 'jump' }]);
  });

  it('compares ids as integers, beyond the safe Number range', () => {
    const h = harness();
    h.live(9); // 9 < 10 as integers, not as text
    h.seq.trade(makeTrade('10'));
    h.seq.trade(makeTrade('9007199254740993'));
    expect(h.requests.at(-1)).toMatchObject({ fromId: '11', toId: '9007199254740992' });
  });

  it('drops trades with non-integer ids or for another instrument', () => {
    const h = harness();
    h.seq.trade(makeTrade('abc'));
    h.seq.trade(makeTrade('-5'));
    h.seq.trade(makeTrade(1, 'ws', 'ETH-USDT'));
    expect(h.ids()).toEqual([]);
    expect(h.seq.counters().invalid).toBe(3);
  });

  it('emits only wire-valid status events', () => {
    const h = harness({ maxHeld: 2 });
    h.live(1, 3, 4, 5, 9);
    h.seq.rejected({ reason: 'invalid-field', message: 'x', raw: '', tradeId: '11' });
    h.rest(6, 7, 8, 10);
    h.clock.now += 20_000;
    h.seq.tick();
    expect(h.statuses.map((s) => s.state)).toContain('unrecoverable');
    expect(h.statuses.map((s) => s.state)).toContain('recovered');
    for (const s of h.statuses) expect(StatusSchema.safeParse(s).success).toBe(true);
    for (const t of h.released) expect(TradeSchema.safeParse(t).success).toBe(true);
  });

  it('delivers callbacks after its state is updated, so a callback may feed it synchronously', () => {
    const released: string[] = [];
    const history = new Map([2, 3, 4].map((id) => [String(id), makeTrade(id, 'rest')]));
    const seq: Sequencer = createSequencer({
      venue: 'binance',
      instrument: 'BTC-USDT',
      sequencing: 'consecutive',
      release: (t) => released.push(t.id),
      requestGap: (r) => {
        const trades: Trade[] = [];
        for (let id = Number(r.fromId); id <= Number(r.toId); id++) trades.push(history.get(String(id))!);
        seq.restTrades(trades);
      },
      clock: () => T0,
    });
    seq.trade(makeTrade(1));
    seq.trade(makeTrade(5));
    seq.trade(makeTrade(6));
    expect(released).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('delivers the remaining outputs when a callback throws, then rethrows', () => {
    const released: string[] = [];
    const seq = createSequencer({
      venue: 'binance',
      instrument: 'BTC-USDT',
      sequencing: 'consecutive',
      release: (t) => {
        released.push(t.id);
        if (t.id === '2') throw new Error('publisher bug');
      },
      clock: () => T0,
    });
    seq.trade(makeTrade(1));
    seq.trade(makeTrade(3));
    expect(() => seq.restTrades([makeTrade(2, 'rest')])).toThrow('publisher bug');
    expect(released).toEqual(['1', '2', '3']);
    seq.trade(makeTrade(4));
    expect(released).toEqual(['1', '2', '3', '4']);
  });
});

describe('Sequencer (none)', () => {
  it('releases in arrival order and drops duplicates within the recent window', () => {
    const h = harness({ sequencing: 'none', dedupWindow: 3 });
    h.live(5, 2, 9, 2, 5);
    expect(h.ids()).toEqual(['5', '2', '9']);
    h.live(7, 8); // window now holds 9, 7, 8: 5 and 2 are forgotten
    h.live(5, 8);
    expect(h.ids()).toEqual(['5', '2', '9', '7', '8', '5']);
    h.seq.rejected({ reason: 'invalid-field', message: 'x', raw: '', tradeId: '100' });
    h.seq.heartbeat('1000');
    h.rest(100, 5); // 5 is still in the window
    expect(h.ids().slice(-1)).toEqual(['100']);
    expect(h.requests).toEqual([]);
    expect(h.seq.counters()).toMatchObject({ duplicates: 4, released: { ws: 6, rest: 1 } });
  });

  it('accepts ids that are not integers', () => {
    const h = harness({ sequencing: 'none' });
    h.seq.trade(makeTrade('a1b2-c3'));
    expect(h.ids()).toEqual(['a1b2-c3']);
  });
});

describe('createSequencer', () => {
  it("makes the kind the venue's rule calls for", () => {
    const ordered = harness({ sequencing: 'consecutive' }).seq;
    const dedup = harness({ sequencing: 'none' }).seq;
    expect(ordered).toBeInstanceOf(OrderedSequencer);
    expect(ordered.sequencing).toBe('consecutive');
    expect(dedup).toBeInstanceOf(DedupSequencer);
    expect(dedup.sequencing).toBe('none');
    expect(() => harness({ sequencing: 'random' as never })).toThrow(RangeError);
  });

  it('refuses bounds no sequencer can have, whatever the rule', () => {
    for (const sequencing of ['consecutive', 'none'] as const) {
      expect(() => harness({ sequencing, holdTimeoutMs: -1 })).toThrow(/holdTimeoutMs must be >= 0/);
      expect(() => harness({ sequencing, holdTimeoutMs: Number.NaN })).toThrow(RangeError);
      expect(() => harness({ sequencing, maxHeld: 1.5 })).toThrow(/maxHeld must be a non-negative integer/);
      expect(() => harness({ sequencing, maxHeld: -1 })).toThrow(RangeError);
    }
    expect(() => harness({ startAfterId: '12a' })).toThrow(/startAfterId must be an integer id/);
    expect(() => harness({ sequencing: 'none', dedupWindow: 0 })).toThrow(RangeError);
  });
});

describe('SEQUENCER_DEFAULTS', () => {
  it('holds a gap 30 s and up to 100 000 trades, and remembers 10 000 ids where ids carry no order', () => {
    expect(SEQUENCER_DEFAULTS).toEqual({ holdTimeoutMs: 30_000, maxHeld: 100_000, dedupWindow: 10_000 });
  });

  it('a gap is held for holdTimeoutMs when the option is not given', () => {
    const h = harness({ holdTimeoutMs: undefined });
    h.live(1, 3);
    h.clock.now += SEQUENCER_DEFAULTS.holdTimeoutMs - 1;
    h.seq.tick();
    expect(h.ids()).toEqual(['1']);
    h.clock.now += 1;
    h.seq.tick();
    expect(h.ids()).toEqual(['1', '3']);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'unrecoverable', fromId: '2', toId: '2', reason: 'timeout' });
  });

  it('at most maxHeld trades are held when the option is not given', () => {
    const h = harness();
    h.live(1);
    const max = SEQUENCER_DEFAULTS.maxHeld;
    for (let id = 3; id < 3 + max; id++) h.seq.trade(makeTrade(id));
    expect(h.seq.counters()).toMatchObject({ held: max, openGaps: 1 });
    h.seq.trade(makeTrade(3 + max));
    expect(h.seq.counters()).toMatchObject({ held: 0, openGaps: 0, unrecoverableIds: 1 });
    expect(h.released).toHaveLength(max + 2);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'unrecoverable', fromId: '2', toId: '2', reason: 'hold-limit' });
  });

  it('a dedup window of dedupWindow ids when the option is not given', () => {
    const h = harness({ sequencing: 'none' });
    const window = SEQUENCER_DEFAULTS.dedupWindow;
    for (let id = 0; id < window; id++) h.seq.trade(makeTrade(`x${id}`));
    h.seq.trade(makeTrade('x0'));
    expect(h.seq.counters().duplicates).toBe(1);
    h.seq.trade(makeTrade(`x${window}`)); // forgets x0
    h.seq.trade(makeTrade('x0'));
    expect(h.seq.counters()).toMatchObject({ duplicates: 1, released: { ws: window + 2, rest: 0 } });
  });
});

describe('DedupSequencer', () => {
  it('has no last id, no gaps and nothing held, whatever it is told', () => {
    const h = harness({ sequencing: 'none' });
    h.live(3, 1, 7);
    h.seq.disconnected();
    h.seq.connected();
    h.seq.heartbeat('100');
    h.seq.abandon('1', '5', 'not-found');
    h.clock.now += 60_000;
    h.seq.tick();
    expect(h.seq.lastId).toBeUndefined();
    expect(h.seq.openGaps()).toEqual([]);
    expect(h.statuses).toEqual([]);
    expect(h.requests).toEqual([]);
    expect(h.seq.counters()).toEqual({
      released: { ws: 3, rest: 0 },
      duplicates: 0,
      late: 0,
      invalid: 0,
      rejections: 0,
      gapsOpened: 0,
      recoveredIds: 0,
      unrecoverableIds: 0,
      held: 0,
      openGaps: 0,
      missingIds: 0,
    });
  });

  it('counts trades for another instrument as invalid', () => {
    const h = harness({ sequencing: 'none' });
    h.seq.trade(makeTrade(1, 'ws', 'ETH-USDT'));
    h.seq.restTrades([makeTrade(2, 'rest', 'ETH-USDT')]);
    expect(h.ids()).toEqual([]);
    expect(h.seq.counters().invalid).toBe(2);
  });

  it('delivers the remaining trades when release throws, then rethrows; a release may feed it', () => {
    const released: string[] = [];
    const seq: Sequencer = createSequencer({
      venue: 'bybit',
      instrument: 'BTC-USDT',
      sequencing: 'none',
      release: (t) => {
        released.push(t.id);
        if (t.id === 'b') throw new Error('publisher bug');
        if (t.id === 'c') seq.trade(makeTrade('d'));
      },
    });
    expect(() => seq.restTrades(['a', 'b', 'c', 'a'].map((id) => makeTrade(id, 'rest')))).toThrow('publisher bug');
    expect(released).toEqual(['a', 'b', 'c', 'd']);
    expect(seq.counters()).toMatchObject({ duplicates: 1, released: { ws: 1, rest: 3 } });
  });
});
