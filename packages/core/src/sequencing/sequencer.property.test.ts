import type { Status, Trade } from '@tickgate/schema';
import { StatusSchema } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupSequencer } from './dedup-sequencer.js';
import { OrderedSequencer } from './ordered-sequencer.js';
import type { GapRequest } from './types.js';

const T0 = 1_700_000_000_000;
const SEED = 20_240_611;

function makeTrade(id: number | string, source: 'ws' | 'rest'): Trade {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    id: String(id),
    price: '1',
    quantity: '1',
    side: 'sell',
    tradeTime: T0 * 1000,
    receiveTime: T0 * 1000,
    source,
  };
}

/** What happens to one trade of the history on the live stream. */
const fate = fc.record({
  action: fc.constantFrom('deliver', 'deliver', 'deliver', 'deliver', 'drop', 'dup'),
  /** Displacement within the reordering window. */
  jitter: fc.nat({ max: 4 }),
  /** Where the duplicate lands: near (rotation overlap) or much later (replay). */
  dupJitter: fc.nat({ max: 40 }),
  /** After this event, serve the REST requests pending (some of them). */
  serve: fc.boolean(),
  /** Milliseconds that pass after this event. */
  elapse: fc.nat({ max: 2_500 }),
});

const scenario = fc.record({
  start: fc.integer({ min: 1, max: 1_000_000_000 }),
  fates: fc.array(fate, { minLength: 1, maxLength: 150 }),
  /** Ask the sequencer to resume after `start - 1` (else the first trade is delivered first). */
  seeded: fc.boolean(),
  /** REST pages run this many ids past the requested range (as real pages do). */
  overrun: fc.nat({ max: 5 }),
  /** Serve pending requests newest first. */
  lifo: fc.boolean(),
});

type Fate = typeof fate extends fc.Arbitrary<infer T> ? T : never;
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface LiveEvent {
  readonly id: number;
  readonly key: number;
  readonly fate: Pick<Fate, 'serve' | 'elapse'>;
}

function liveEvents(start: number, fates: readonly Fate[], seeded: boolean): LiveEvent[] {
  const events: LiveEvent[] = [];
  fates.forEach((f, i) => {
    const id = start + i;
    if (f.action === 'drop') return;
    events.push({ id, key: i + f.jitter, fate: f });
    if (f.action === 'dup') events.push({ id, key: i + f.dupJitter + 0.5, fate: f });
  });
  events.sort((a, b) => a.key - b.key); // stable: equal keys keep history order
  if (!seeded) events.unshift({ id: start, key: -1, fate: { serve: false, elapse: 0 } });
  return events;
}

function run(
  s: Scenario,
  options: { withheld: ReadonlySet<number>; maxHeld?: number; advanceClock: boolean },
) {
  const last = s.start + s.fates.length - 1;
  const clock = { now: T0 };
  const released: Trade[] = [];
  const statuses: Status[] = [];
  let pending: GapRequest[] = [];
  const seq = new OrderedSequencer({
    venue: 'binance',
    instrument: 'BTC-USDT',
    release: (t) => released.push(t),
    requestGap: (r) => pending.push(r),
    status: (e) => statuses.push(e),
    clock: () => clock.now,
    holdTimeoutMs: 10_000,
    ...(options.maxHeld !== undefined ? { maxHeld: options.maxHeld } : {}),
    ...(s.seeded ? { startAfterId: String(s.start - 1) } : {}),
  });
  const serve = () => {
    const batch = s.lifo ? pending.reverse() : pending;
    pending = [];
    for (const r of batch) {
      const trades: Trade[] = [];
      const to = Math.min(Number(r.toId) + s.overrun, last);
      for (let id = Number(r.fromId); id <= to; id++) if (!options.withheld.has(id)) trades.push(makeTrade(id, 'rest'));
      seq.restTrades(trades);
    }
  };
  for (const e of liveEvents(s.start, s.fates, s.seeded)) {
    if (options.withheld.has(e.id)) continue;
    seq.trade(makeTrade(e.id, 'ws'));
    if (e.fate.serve) serve();
    if (options.advanceClock) {
      clock.now += e.fate.elapse;
      seq.tick();
    }
  }
  // The venue's last word on its last id (a heartbeat), so that trailing losses are noticed too.
  seq.heartbeat(String(last));
  while (pending.length > 0) serve();
  clock.now += 10_000;
  seq.tick();
  return { seq, last, released: released.map((t) => Number(t.id)), statuses };
}

describe('Sequencer properties (consecutive)', () => {
  it('releases exactly the history, in order, each id once, when REST can supply every missing id', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { seq, last, released, statuses } = run(s, { withheld: new Set(), advanceClock: false });
        const history = Array.from({ length: last - s.start + 1 }, (_, i) => s.start + i);
        expect(released).toEqual(history);
        expect(statuses.filter((e) => e.state === 'unrecoverable')).toEqual([]);
        expect(seq.counters()).toMatchObject({ held: 0, openGaps: 0, missingIds: 0, unrecoverableIds: 0 });
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('released ids plus ids reported unrecoverable cover the history exactly, in order, nothing twice', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.boolean(), { maxLength: 150 }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        fc.boolean(),
        (s, withheldMask, maxHeld, advanceClock) => {
          const withheld = new Set<number>();
          withheldMask.forEach((w, i) => {
            if (w && i < s.fates.length && !(i === 0 && !s.seeded)) withheld.add(s.start + i);
          });
          const { seq, last, released, statuses } = run(s, { withheld, maxHeld, advanceClock });

          for (let i = 1; i < released.length; i++) expect(released[i]).toBeGreaterThan(released[i - 1]!);
          const lost: number[] = [];
          for (const e of statuses) {
            expect(StatusSchema.safeParse(e).success).toBe(true);
            if (e.state !== 'unrecoverable') continue;
            const from = Number(e.fromId);
            const to = Number(e.toId);
            expect(e.count).toBe(to - from + 1);
            for (let id = from; id <= to; id++) lost.push(id);
          }
          const releasedSet = new Set(released);
          for (const id of lost) expect(releasedSet.has(id)).toBe(false);
          expect(new Set(lost).size).toBe(lost.length);
          expect([...released, ...lost].sort((a, b) => a - b)).toEqual(Array.from({ length: last - s.start + 1 }, (_, i) => s.start + i));
          for (const id of withheld) expect(releasedSet.has(id)).toBe(false);
          expect(seq.counters()).toMatchObject({ held: 0, openGaps: 0, unrecoverableIds: lost.length });
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('Sequencer properties (aggregated trades with spans)', () => {
  const aggregates = fc.record({
    start: fc.integer({ min: 1, max: 1_000_000 }),
    items: fc.array(fc.record({ span: fc.integer({ min: 1, max: 3 }), action: fc.constantFrom('deliver', 'deliver', 'drop', 'dup'), jitter: fc.nat({ max: 3 }), serve: fc.boolean() }), {
      minLength: 1,
      maxLength: 80,
    }),
    overrun: fc.nat({ max: 4 }),
  });

  it('releases every id exactly once, in order, when live aggregates mix with per-id REST fills', () => {
    fc.assert(
      fc.property(aggregates, (s) => {
        const spans = new WeakMap<Trade, number>();
        const released: [number, number][] = [];
        let pending: GapRequest[] = [];
        const seq = new OrderedSequencer({
          venue: 'okx',
          instrument: 'BTC-USDT',
                release: (t) => {
            const span = spans.get(t) ?? 1;
            released.push([Number(t.id) - span + 1, Number(t.id)]);
          },
          requestGap: (r) => pending.push(r),
          clock: () => T0,
          startAfterId: String(s.start - 1),
        });
        // Build the aggregates: each ends at `end` and covers `span` ids.
        let next = s.start;
        const events: { end: number; span: number; key: number; serve: boolean }[] = [];
        s.items.forEach((it, i) => {
          const end = next + it.span - 1;
          next = end + 1;
          if (it.action === 'drop') return;
          events.push({ end, span: it.span, key: i + it.jitter, serve: it.serve });
          if (it.action === 'dup') events.push({ end, span: it.span, key: i + it.jitter + 2.5, serve: false });
        });
        const last = next - 1;
        events.sort((a, b) => a.key - b.key);
        const serve = () => {
          const batch = pending;
          pending = [];
          for (const r of batch) {
            const trades: Trade[] = [];
            for (let id = Number(r.fromId); id <= Math.min(Number(r.toId) + s.overrun, last); id++) trades.push(makeTrade(id, 'rest'));
            seq.restTrades(trades);
          }
        };
        for (const e of events) {
          const t = makeTrade(e.end, 'ws');
          spans.set(t, e.span);
          seq.trade(t, e.span);
          if (e.serve) serve();
        }
        seq.heartbeat(String(last));
        while (pending.length > 0) serve();
        const covered: number[] = [];
        for (const [from, to] of released) for (let id = from; id <= to; id++) covered.push(id);
        expect(covered).toEqual(Array.from({ length: last - s.start + 1 }, (_, i) => s.start + i));
        expect(seq.counters()).toMatchObject({ held: 0, openGaps: 0, unrecoverableIds: 0 });
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('Sequencer properties (dedup only, ids without order)', () => {
  const arrivals = fc.record({
    window: fc.integer({ min: 1, max: 12 }),
    /** Ids from a small set, so that repeats near and far are common. */
    items: fc.array(fc.record({ id: fc.integer({ min: 0, max: 30 }), rest: fc.boolean(), batch: fc.boolean() }), { maxLength: 200 }),
  });

  it('releases an arrival exactly when its id is not among the last `dedupWindow` ids released, in arrival order', () => {
    fc.assert(
      fc.property(arrivals, ({ window, items }) => {
        const released: string[] = [];
        const seq = new DedupSequencer({ venue: 'bybit', instrument: 'BTC-USDT', release: (t) => released.push(t.id), dedupWindow: window });
        // The model: the window is the last `window` releases (each released id is new to it).
        const expected: string[] = [];
        let batch: Trade[] = [];
        const flush = () => {
          if (batch.length > 0) seq.restTrades(batch);
          batch = [];
        };
        for (const it of items) {
          const id = `t${it.id}`;
          if (!expected.slice(-window).includes(id)) expected.push(id);
          if (it.rest && it.batch) {
            batch.push(makeTrade(id, 'rest'));
            continue;
          }
          flush();
          seq.trade(makeTrade(id, it.rest ? 'rest' : 'ws'));
        }
        flush();
        expect(released).toEqual(expected);
        const c = seq.counters();
        expect(c.released.ws + c.released.rest).toBe(expected.length);
        expect(c.duplicates).toBe(items.length - expected.length);
        expect(c).toMatchObject({ held: 0, openGaps: 0, gapsOpened: 0 });
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
