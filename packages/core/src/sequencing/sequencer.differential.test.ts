import type { Trade } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../adapter.js';
import { OrderedSequencer } from './ordered-sequencer.js';
import { createSequencer } from './sequencer.js';
import type { SequencerOptions, SequencingMode, TradeSequencer } from './types.js';

const T0 = 1_700_000_000_000;
const SEED = 20_250_301;
const INSTRUMENT = 'BTC-USDT';

function makeTrade(id: string, source: 'ws' | 'rest' = 'ws', instrument = INSTRUMENT): Trade {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument,
    symbol: 'BTCUSDT',
    id,
    price: '1',
    quantity: '1',
    side: 'buy',
    tradeTime: T0 * 1000,
    receiveTime: T0 * 1000,
    source,
  };
}

// ---- generated inputs ----------------------------------------------------------------------------

/**
 * An id relative to the current anchor (the last id, or the scenario's base before the first one),
 * with leading zeros sometimes, or mangled (same digit sum, but not all digits: `19` as `0C`), or a
 * literal that is not a plain non-negative integer.
 */
const idSpec = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      rel: fc.oneof(
        { weight: 30, arbitrary: fc.constant(1n) },
        { weight: 4, arbitrary: fc.bigInt({ min: -4n, max: 6n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: -100n, max: 200n }) },
        { weight: 1, arbitrary: fc.constantFrom(-(10n ** 16n), 10n ** 15n, 2n ** 53n, 10n ** 20n) },
      ),
      zeros: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 16 }) }),
      mangled: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      literal: fc.constantFrom('', 'abc', '1e3', ' 12', '12 ', '+5', '-0', '0x1F', '1.0', '\u0661\u0662', '9'.repeat(41), '0'.repeat(40)),
    }),
  },
);
type IdSpec = typeof idSpec extends fc.Arbitrary<infer T> ? T : never;

const span = fc.oneof(
  { weight: 12, arbitrary: fc.constant(1) },
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 4 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, -1, -3, 1.5, 1 + 2 ** -52, 3 + 2 ** -51, 2 - 2 ** -52, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 1e300),
  },
);

const reaction = fc.constantFrom('throw', 'next', 'dup', 'jump', 'heartbeat', 'read', 'rest', 'tick');
type Reaction = typeof reaction extends fc.Arbitrary<infer T> ? T : never;

const op = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('trade' as const), id: idSpec, span, source: fc.constantFrom<'ws' | 'rest'>('ws', 'ws', 'ws', 'rest') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign' as const), id: idSpec }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('rest' as const), ids: fc.array(idSpec, { maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rejected' as const), id: fc.option(idSpec, { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), id: idSpec }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abandon' as const), from: idSpec, to: idSpec, reason: fc.option(fc.constantFrom('not-found', 'x'), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), explicit: fc.option(fc.integer({ min: -5_000, max: 30_000 }), { nil: undefined }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('elapse' as const), ms: fc.integer({ min: 0, max: 6_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('disconnected' as const, 'connected' as const) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const scenario = fc.record({
  sequencing: fc.constantFrom<SequencingMode>('consecutive', 'consecutive', 'consecutive', 'consecutive', 'none'),
  base: fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 6n }) },
    { weight: 4, arbitrary: fc.constantFrom(0n, 1n, 5n, 999_999_999_999_950n, 10n ** 15n - 1n, 2n ** 53n - 40n, 2n ** 53n, 10n ** 19n - 30n, 10n ** 20n - 30n, 10n ** 25n) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 22n }) },
  ),
  seeded: fc.boolean(),
  holdTimeoutMs: fc.constantFrom(0, 1_000, 10_000),
  maxHeld: fc.constantFrom(0, 1, 3, 50_000),
  ops: fc.array(op, { minLength: 1, maxLength: 150, size: 'max' }),
  /** What a callback does on its n-th call (release, gap request, status). */
  onRelease: fc.array(fc.option(reaction, { nil: undefined, freq: 3 }), { maxLength: 40 }),
  onRequest: fc.array(fc.option(reaction, { nil: undefined, freq: 3 }), { maxLength: 10 }),
  onStatus: fc.array(fc.option(reaction, { nil: undefined, freq: 3 }), { maxLength: 10 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

// ---- running a scenario --------------------------------------------------------------------------

/** Everything observable: callbacks (with the state they see), errors thrown, state reads after each input. */
function run(s: Scenario, make: (options: SequencerOptions) => TradeSequencer): unknown[] {
  const log: unknown[] = [];
  const clock = { now: T0 };
  const calls = { release: 0, request: 0, status: 0 };
  const anchor = (): bigint => {
    const last = seq.lastId;
    // In `none` mode ids carry no order: the anchor stays the base.
    return last !== undefined && s.sequencing === 'consecutive' ? BigInt(last) : s.base;
  };
  const id = (spec: IdSpec, offset = 0n): string => {
    if ('literal' in spec) return spec.literal;
    const n = anchor() + spec.rel + offset;
    let digits = n.toString();
    if (n < 0n) return digits;
    const m = digits.length;
    if (spec.mangled && m >= 2 && digits[m - 2] !== '0') {
      // Borrow ten from the next-to-last digit: the last becomes a character past '9'.
      const code = (i: number) => digits.charCodeAt(i);
      digits = digits.slice(0, m - 2) + String.fromCharCode(code(m - 2) - 1, code(m - 1) + 10);
    }
    return '0'.repeat(spec.zeros) + digits;
  };
  const react = (r: Reaction | undefined, n: number): void => {
    if (r === undefined) return;
    const next = (anchor() + 1n).toString();
    switch (r) {
      case 'throw':
        throw new Error(`callback ${n} failed`);
      case 'next':
        seq.trade(makeTrade(next));
        return;
      case 'dup':
        seq.trade(makeTrade(anchor().toString()));
        return;
      case 'jump':
        seq.trade(makeTrade((anchor() + 3n).toString()));
        return;
      case 'heartbeat':
        seq.heartbeat((anchor() + 2n).toString());
        return;
      case 'read':
        log.push(['read in callback', seq.lastId, seq.counters(), seq.openGaps()]);
        return;
      case 'rest':
        seq.restTrades([makeTrade(next, 'rest'), makeTrade((anchor() + 2n).toString(), 'rest')]);
        return;
      case 'tick':
        clock.now += 4_000;
        seq.tick();
        return;
    }
  };
  // The callbacks run only once `seq` is set.
  const seq: TradeSequencer = make({
    venue: 'binance',
    instrument: INSTRUMENT,
    sequencing: s.sequencing,
    release: (t) => {
      const n = calls.release++;
      log.push(['release', t.id, t.source, seq.lastId]);
      react(s.onRelease[n], n);
      log.push(['release done', n]); // a nested delivery would show before this
    },
    requestGap: (r) => {
      const n = calls.request++;
      log.push(['request', r, seq.lastId]);
      react(s.onRequest[n], n);
      log.push(['request done', n]); // a nested delivery would show before this
    },
    status: (e) => {
      const n = calls.status++;
      log.push(['status', e, seq.lastId]);
      react(s.onStatus[n], n);
      log.push(['status done', n]); // a nested delivery would show before this
    },
    clock: () => clock.now,
    holdTimeoutMs: s.holdTimeoutMs,
    maxHeld: s.maxHeld,
    dedupWindow: 8,
    ...(s.seeded ? { startAfterId: s.base.toString() } : {}),
  });
  const apply = (o: Op): void => {
    switch (o.kind) {
      case 'trade': {
        // A trade ends `span - 1` past its first id: so an id `rel` 1 continues the sequence (or would,
        // for a span that is not a whole number >= 1, which the sequencer must reject).
        const offset = Number.isFinite(o.span) && Math.abs(o.span) <= 4 ? Math.floor(o.span) - 1 : 0;
        seq.trade(makeTrade(id(o.id, BigInt(offset)), o.source), o.span);
        return;
      }
      case 'foreign':
        seq.trade(makeTrade(id(o.id), 'ws', 'ETH-USDT'));
        return;
      case 'rest':
        seq.restTrades(o.ids.map((i) => makeTrade(id(i), 'rest')));
        return;
      case 'rejected': {
        const rejection: Rejection = { reason: 'invalid-field', message: 'x', raw: '' };
        seq.rejected(o.id === undefined ? rejection : { ...rejection, tradeId: id(o.id) });
        return;
      }
      case 'heartbeat':
        seq.heartbeat(id(o.id));
        return;
      case 'abandon':
        if (o.reason === undefined) seq.abandon(id(o.from), id(o.to));
        else seq.abandon(id(o.from), id(o.to), o.reason);
        return;
      case 'tick':
        if (o.explicit === undefined) seq.tick();
        else seq.tick(clock.now + o.explicit);
        return;
      case 'elapse':
        clock.now += o.ms;
        return;
      case 'disconnected':
        seq.disconnected();
        return;
      case 'connected':
        seq.connected();
        return;
    }
  };
  for (const o of s.ops) {
    try {
      apply(o);
    } catch (e) {
      log.push(['threw', e instanceof Error ? e.message : e]);
    }
    log.push(['state', seq.lastId, seq.counters(), seq.openGaps()]);
  }
  return log;
}

describe('Sequencer with and without its fast path', () => {
  it('behaves exactly as without the fast path (the general bigint logic), for any mix of inputs, callbacks that re-enter or throw, and ids of any length', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const expected = run(s, (o) => createSequencer({ ...o, fastPath: false }));
        const actual = run(s, (o) => createSequencer(o));
        expect(actual).toEqual(expected);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('Sequencer fast path', () => {
  it('releases consecutive trades of up to 15-digit ids without reading the clock, and longer ids exactly', () => {
    let reads = 0;
    const released: string[] = [];
    const seq = new OrderedSequencer({
      venue: 'binance',
      instrument: INSTRUMENT,
      release: (t) => released.push(t.id),
      clock: () => {
        reads++;
        return T0;
      },
      startAfterId: '999999999999996',
    });
    for (const id of ['999999999999997', '999999999999998', '999999999999999']) seq.trade(makeTrade(id));
    expect(reads).toBe(0);
    expect(seq.lastId).toBe('999999999999999');
    seq.trade(makeTrade('1000000000001001'), 1002); // 16 digits: 10^15 .. 10^15 + 1001
    expect(reads).toBe(1);
    expect(seq.lastId).toBe('1000000000001001');
    seq.trade(makeTrade('9007199254740993'), 8_007_199_254_739_992); // ends past 2^53
    seq.trade(makeTrade('9007199254740994'));
    expect(released).toEqual(['999999999999997', '999999999999998', '999999999999999', '1000000000001001', '9007199254740993', '9007199254740994']);
    expect(seq.lastId).toBe('9007199254740994');
    expect(seq.counters()).toMatchObject({ released: { ws: 6, rest: 0 }, held: 0, openGaps: 0, invalid: 0 });
  });

  it('a release that throws on the fast path leaves the state updated, and the error is rethrown', () => {
    const released: string[] = [];
    const seq = new OrderedSequencer({
      venue: 'binance',
      instrument: INSTRUMENT,
      release: (t) => {
        released.push(t.id);
        if (t.id === '2') throw new Error('publisher bug');
      },
      startAfterId: '0',
    });
    seq.trade(makeTrade('1'));
    expect(() => seq.trade(makeTrade('2'))).toThrow('publisher bug');
    expect(seq.lastId).toBe('2');
    seq.trade(makeTrade('2'));
    seq.trade(makeTrade('3', 'rest'));
    expect(released).toEqual(['1', '2', '3']);
    expect(seq.counters()).toMatchObject({ released: { ws: 2, rest: 1 }, duplicates: 1 });
  });

  it('a release on the fast path that feeds the sequencer sees its outputs delivered after its own, in order', () => {
    const events: string[] = [];
    const seq: OrderedSequencer = new OrderedSequencer({
      venue: 'binance',
      instrument: INSTRUMENT,
      release: (t) => {
        events.push(`release ${t.id} (last ${seq.lastId})`);
        if (t.id === '2') {
          seq.trade(makeTrade('3'));
          seq.trade(makeTrade('5'));
          events.push('fed 3 and 5');
        }
      },
      requestGap: (r) => events.push(`request ${r.fromId}-${r.toId}`),
      startAfterId: '1',
    });
    seq.trade(makeTrade('2'));
    expect(events).toEqual(['release 2 (last 2)', 'fed 3 and 5', 'release 3 (last 3)', 'request 4-4']);
    seq.restTrades([makeTrade('4', 'rest')]);
    seq.trade(makeTrade('6'));
    expect(events.slice(4)).toEqual(['release 4 (last 5)', 'release 5 (last 5)', 'release 6 (last 6)']);
  });
});
