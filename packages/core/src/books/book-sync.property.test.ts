import { BookSchema, compareDecimals, type Book, type BookLevel } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookSync } from './book-sync.js';
import type { BookSide } from './order-book.js';
import { BOOK_SYNC_RULES, type BookSyncKind } from './sync-rules.js';
import type { BookDelta, BookSnapshot } from './types.js';

const T = 1_767_225_600_000_000;

// ---- the venue: a book on a price grid (bids below 10.25, asks from it), and its history ---------------

/** Tick t is the price t/4 in canonical form: 1 -> "0.25", 4 -> "1", 6 -> "1.5". */
function priceOf(tick: number): string {
  const int = Math.floor(tick / 4);
  const frac = ['', '.25', '.5', '.75'][tick % 4]!;
  return `${int}${frac}`;
}
const BID_TICKS = 40;
const ASK_TICKS = 40;

interface VenueBook {
  readonly bids: Map<string, string>;
  readonly asks: Map<string, string>;
}

function sorted(m: ReadonlyMap<string, string>, side: BookSide): BookLevel[] {
  return [...m.entries()].map(([p, s]): BookLevel => [p, s]).sort((a, b) => (side === 'bid' ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
}

const sizeArb = fc.constantFrom('0', '0', '1', '2.5', '0.003', '10');
const changeArb = fc.record({ bid: fc.boolean(), tick: fc.integer({ min: 1, max: BID_TICKS }), size: sizeArb });
const updateArb = fc.record({
  changes: fc.array(changeArb, { maxLength: 4 }),
  span: fc.integer({ min: 1, max: 3 }),
  jump: fc.integer({ min: 1, max: 40 }),
  keepAlive: fc.constantFrom(false, false, false, false, false, false, false, true),
  reset: fc.constantFrom(...new Array<boolean>(30).fill(false), true),
});
type Update = typeof updateArb extends fc.Arbitrary<infer U> ? U : never;

interface History {
  /** states[k]: the venue book after update k (0: before the first). */
  readonly states: VenueBook[];
  /** ids[k]: the venue's id after update k. */
  readonly ids: string[];
  /** deltas[k - 1]: update k as the venue sends it. */
  readonly deltas: BookDelta[];
  /** Venue state by any id a snapshot may carry. */
  readonly stateById: Map<string, number>;
}

function buildHistory(kind: BookSyncKind, start: bigint, initial: ReadonlyArray<{ bid: boolean; tick: number; size: string }>, updates: readonly Update[]): History {
  const tickOf = (c: { bid: boolean; tick: number }) => (c.bid ? c.tick : BID_TICKS + c.tick);
  let book: VenueBook = { bids: new Map(), asks: new Map() };
  const set = (b: VenueBook, c: { bid: boolean; tick: number; size: string }) => {
    const side = c.bid ? b.bids : b.asks;
    if (c.size === '0') side.delete(priceOf(tickOf(c)));
    else side.set(priceOf(tickOf(c)), c.size);
  };
  for (const c of initial) set(book, c);
  const states = [book];
  const ids = [String(start)];
  const deltas: BookDelta[] = [];
  const stateById = new Map([[String(start), 0]]);
  let last = start;
  let min = start;
  for (const u of updates) {
    const next: VenueBook = { bids: new Map(book.bids), asks: new Map(book.asks) };
    let delta: BookDelta;
    if (kind === 'range') {
      for (const c of u.changes) set(next, c);
      const U = last + 1n;
      last = last + BigInt(u.span);
      delta = { firstUpdateId: String(U), updateId: String(last), bids: u.changes.filter((c) => c.bid).map((c) => [priceOf(tickOf(c)), c.size]), asks: u.changes.filter((c) => !c.bid).map((c) => [priceOf(tickOf(c)), c.size]), receiveTime: T };
    } else if (u.keepAlive) {
      delta = { prevUpdateId: String(last), updateId: String(last), bids: [], asks: [], receiveTime: T };
    } else {
      for (const c of u.changes) set(next, c);
      const prev = last;
      if (u.reset && min >= 20_000n) {
        last = min / 2n;
        min = last;
      } else {
        last = last + BigInt(u.jump);
      }
      delta = { prevUpdateId: String(prev), updateId: String(last), bids: u.changes.filter((c) => c.bid).map((c) => [priceOf(tickOf(c)), c.size]), asks: u.changes.filter((c) => !c.bid).map((c) => [priceOf(tickOf(c)), c.size]), receiveTime: T };
    }
    book = next;
    states.push(book);
    ids.push(String(last));
    deltas.push(delta);
    stateById.set(String(last), states.length - 1);
  }
  return { states, ids, deltas, stateById };
}

// ---- the stream as delivered, and the harness -----------------------------------------------------------

const faultArb = fc.record({
  /** Below the scenario's `faultRate`: this item meets `fault` on the way. */
  roll: fc.double({ min: 0, max: 1, noNaN: true }),
  fault: fc.constantFrom('drop', 'dup', 'swap', 'corrupt'),
  dupLag: fc.integer({ min: 1, max: 10 }),
  control: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'disconnect', 'stale', 'ws-snapshot', 'ws-snapshot'),
  serve: fc.boolean(),
  offset: fc.integer({ min: -3, max: 3 }),
  between: fc.boolean(),
});
type Fault = typeof faultArb extends fc.Arbitrary<infer F> ? F : never;

const scenarioArb = fc.record({
  kind: fc.constantFrom<BookSyncKind>('range', 'chain'),
  start: fc.bigInt({ min: 1_000_000n, max: 2n ** 62n }),
  initial: fc.array(changeArb, { maxLength: 60 }),
  updates: fc.array(updateArb, { minLength: 20, maxLength: 120 }),
  faults: fc.array(faultArb, { minLength: 121, maxLength: 121 }),
  depth: fc.integer({ min: 1, max: 8 }),
  faultRate: fc.double({ min: 0, max: 0.25, noNaN: true }),
  /** Levels per side a REST snapshot carries (and vouches for) when faults are injected. */
  limit: fc.integer({ min: 1, max: 50 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

const isReset = (d: BookDelta): boolean => d.prevUpdateId !== undefined && BigInt(d.updateId) < BigInt(d.prevUpdateId);

type Item = { readonly kind: 'delta'; readonly index: number; readonly delta: BookDelta } | { readonly kind: 'ws'; readonly index: number };

/** The consumer: applies what is published, exactly as the wire contract says. */
class Consumer {
  bids = new Map<string, string>();
  asks = new Map<string, string>();
  depth = 0;
  seq = 0;

  receive(book: Book): void {
    BookSchema.parse(book);
    expect(book.seq).toBe(this.seq + 1);
    this.seq = book.seq;
    if (book.action === 'snapshot') {
      expect(book.depth).toBeDefined();
      this.depth = book.depth!;
      this.bids = new Map(book.bids);
      this.asks = new Map(book.asks);
    } else {
      for (const [side, levels] of [[this.bids, book.bids], [this.asks, book.asks]] as const) {
        for (const [p, s] of levels) {
          if (s === '0') side.delete(p);
          else side.set(p, s);
        }
      }
    }
    const bid = this.top('bid')[0];
    const ask = this.top('ask')[0];
    if (bid && ask) expect(compareDecimals(bid[0], ask[0]), `consumer book crossed at seq ${book.seq}`).toBeLessThan(0);
  }

  /** The consumer's book truncated to the published depth. */
  top(side: BookSide): BookLevel[] {
    return sorted(side === 'bid' ? this.bids : this.asks, side).slice(0, this.depth);
  }

  /** Without truncation: pushed-out levels were published as "0", so this is the top-N as well. */
  all(side: BookSide): BookLevel[] {
    return sorted(side === 'bid' ? this.bids : this.asks, side);
  }
}

interface RunResult {
  readonly sync: BookSync;
  readonly history: History;
  readonly resyncReasons: string[];
  readonly checks: number;
}

function run(s: Scenario, faulty: boolean): RunResult {
  const history = buildHistory(s.kind, s.start, s.initial, s.updates);
  const rule = s.kind === 'range' ? BOOK_SYNC_RULES.binance : BOOK_SYNC_RULES.okx;
  const consumer = new Consumer();
  const pending: string[] = [];
  const resyncReasons: string[] = [];
  const sync = new BookSync({
    venue: s.kind === 'range' ? 'binance' : 'okx',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    rule,
    depth: s.depth,
    listener: {
      publish: (book) => consumer.receive(book),
      snapshotNeeded: (reason) => pending.push(reason),
      resync: (e) => resyncReasons.push(e.reason),
    },
  });
  const M = history.deltas.length;
  const limit = faulty ? s.limit : 1000;
  let checks = 0;

  const check = () => {
    if (sync.state !== 'live') return;
    checks++;
    expect(consumer.depth).toBe(sync.depth);
    for (const side of ['bid', 'ask'] as const) {
      expect(consumer.top(side)).toEqual(sync.top(side));
      expect(consumer.all(side)).toEqual(sync.top(side));
    }
    if (!faulty) {
      // the engine's book at venue id X is the venue's book at X
      const k = history.stateById.get(sync.updateId!);
      expect(k, `engine at an id the venue never had: ${sync.updateId}`).toBeDefined();
      const state = history.states[k!]!;
      expect(consumer.top('bid')).toEqual(sorted(state.bids, 'bid').slice(0, sync.depth));
      expect(consumer.top('ask')).toEqual(sorted(state.asks, 'ask').slice(0, sync.depth));
    }
  };

  const snapshotOf = (k: number, source: 'rest' | 'ws', between: boolean): BookSnapshot => {
    const state = history.states[k]!;
    let id = history.ids[k]!;
    // chain: a REST snapshot may carry an id between two pushes (the book is the earlier push's)
    if (between && s.kind === 'chain' && k < M && BigInt(history.ids[k + 1]!) > BigInt(id) + 1n) {
      id = String(BigInt(id) + 1n);
      history.stateById.set(id, k);
    }
    return { source, updateId: id, bids: sorted(state.bids, 'bid').slice(0, limit), asks: sorted(state.asks, 'ask').slice(0, limit), depth: limit, receiveTime: T };
  };

  // The venue emits update 1..M, and (chain) sometimes its current snapshot in band.
  const emitted: Item[] = [];
  history.deltas.forEach((delta, i) => {
    emitted.push({ kind: 'delta', index: i + 1, delta });
    if (faulty && s.faults[i]!.control === 'ws-snapshot') emitted.push({ kind: 'ws', index: i + 1 });
  });
  // Faults on the way: drops, duplicates, reorders, corrupted levels (a bid at an ask price).
  const keyed: Array<{ key: number; item: Item }> = [];
  emitted.forEach((item, i) => {
    const f: Fault = s.faults[i % s.faults.length]!;
    const action = faulty && f.roll < s.faultRate ? f.fault : 'deliver';
    if (action === 'drop') return;
    if (action === 'swap') keyed.push({ key: i + 1.5, item });
    else if (action === 'corrupt' && item.kind === 'delta') {
      const bad: BookDelta = { ...item.delta, bids: [...item.delta.bids, [priceOf(BID_TICKS + 1 + (i % ASK_TICKS)), '1']] };
      keyed.push({ key: i, item: { ...item, delta: bad } });
    } else keyed.push({ key: i, item });
    if (action === 'dup') keyed.push({ key: i + f.dupLag + 0.25, item });
  });
  keyed.sort((a, b) => a.key - b.key);

  let latest = 0; // the venue's latest update index the stream has reached
  keyed.forEach(({ item }, i) => {
    const f = s.faults[i % s.faults.length]!;
    latest = Math.max(latest, item.index);
    if (item.kind === 'delta') sync.delta(item.delta);
    else sync.snapshot(snapshotOf(item.index, 'ws', false));
    check();
    if (faulty && f.control === 'disconnect') {
      sync.disconnected();
      check();
    } else if (faulty && f.control === 'stale') {
      sync.staleFor(rule.staleAfterMs);
      check();
    }
    // serve a REST request: the venue's book a little behind or ahead of the stream
    if (pending.length > 0 && (f.serve || !faulty)) {
      pending.shift();
      let k = Math.max(0, Math.min(M, latest + (faulty ? f.offset : Math.abs(f.offset))));
      // ahead of the stream, but not past a venue reset: ids on either side of one cannot be ordered
      for (let j = latest + 1; j <= k; j++) if (isReset(history.deltas[j - 1]!)) k = j - 1;
      sync.snapshot(snapshotOf(k, 'rest', f.between));
      check();
    }
  });
  // The stream has ended: serve what is still asked for, from the venue's final book.
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    pending.shift();
    sync.snapshot(snapshotOf(M, 'rest', false));
    check();
  }
  return { sync, history, resyncReasons, checks };
}

describe('BookSync property: what it publishes is what it holds', () => {
  it('with drops, duplicates, reorders, corrupt levels, disconnects and stale reports: consumer = engine top-N, never crossed, seq + 1', () => {
    let live = 0;
    let checks = 0;
    const reasons = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = run(s, true);
        if (r.sync.state === 'live') live++;
        checks += r.checks;
        r.resyncReasons.forEach((x) => reasons.add(x));
      }),
      { seed: 20_261_204, numRuns: 300 },
    );
    // the faults exercised the engine's paths (the property is not vacuous)
    expect(live).toBeGreaterThan(30);
    expect(checks).toBeGreaterThan(3000);
    for (const reason of ['gap', 'crossed', 'disconnect', 'stale', 'snapshot-too-old', 'venue-reset']) expect(reasons).toContain(reason);
  });

  it('without faults: the consumer book equals the venue book at the engine id, and the engine ends live at the venue last id', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = run(s, false);
        const reset = r.history.deltas.some(isReset);
        expect(r.resyncReasons.filter((x) => x !== 'snapshot-too-old' && x !== 'venue-reset')).toEqual([]);
        if (!reset) {
          expect(r.sync.state).toBe('live');
          expect(r.sync.updateId).toBe(r.history.ids[r.history.ids.length - 1]);
        }
      }),
      { seed: 20_261_205, numRuns: 300 },
    );
  });
});
