import { BookSchema, type Book, type BookLevel } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BookSync } from './book-sync.js';
import { BOOK_SYNC_RULES, type BookSyncRule } from './sync-rules.js';
import type { BookDelta, BookResyncEvent, BookSnapshot, BookSyncedEvent, BookSyncListener } from './types.js';

const T = 1_767_225_600_000_000;

type Output =
  | { kind: 'publish'; book: Book }
  | { kind: 'need'; reason: string }
  | { kind: 'resync'; event: BookResyncEvent }
  | { kind: 'synced'; event: BookSyncedEvent };

function recorder() {
  const out: Output[] = [];
  const listener: BookSyncListener = {
    publish: (book) => {
      BookSchema.parse(book); // every published message is wire-valid
      out.push({ kind: 'publish', book });
    },
    snapshotNeeded: (reason) => out.push({ kind: 'need', reason }),
    resync: (event) => out.push({ kind: 'resync', event }),
    synced: (event) => out.push({ kind: 'synced', event }),
  };
  /** The outputs since the last call, in order. */
  const take = (): Output[] => out.splice(0, out.length);
  return { listener, take };
}

function make(rule: BookSyncRule = BOOK_SYNC_RULES.binance, depth = 5, lastSeq?: number) {
  const r = recorder();
  const sync = new BookSync({ venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', rule, depth, listener: r.listener, ...(lastSeq !== undefined ? { lastSeq } : {}) });
  return { sync, take: r.take };
}

function range(U: number | string, u: number | string, bids: BookLevel[] = [], asks: BookLevel[] = []): BookDelta {
  return { firstUpdateId: String(U), updateId: String(u), bids, asks, receiveTime: T };
}
function chain(prev: number | string, id: number | string, bids: BookLevel[] = [], asks: BookLevel[] = []): BookDelta {
  return { prevUpdateId: String(prev), updateId: String(id), bids, asks, receiveTime: T };
}
function snap(id: number | string, bids: BookLevel[], asks: BookLevel[], extra: Partial<BookSnapshot> = {}): BookSnapshot {
  return { source: 'rest', updateId: String(id), bids, asks, receiveTime: T, ...extra };
}

const BIDS: BookLevel[] = [['100', '1'], ['99', '2'], ['98', '3']];
const ASKS: BookLevel[] = [['101', '1'], ['102', '2'], ['103', '3']];

const kinds = (outputs: Output[]) => outputs.map((o) => (o.kind === 'publish' ? `${o.book.action}#${o.book.seq}` : o.kind === 'need' ? `need:${o.reason}` : o.kind === 'resync' ? `resync:${o.event.reason}` : `synced#${o.event.seq}`));

describe('BookSync, range rule (Binance)', () => {
  it('buffers deltas before the snapshot, asks once, then publishes one snapshot with the buffer applied', () => {
    const { sync, take } = make();
    sync.delta(range(95, 99, [['100', '9']]));
    sync.delta(range(100, 105, [['99', '5']]));
    sync.delta(range(106, 110, [], [['101', '0']]));
    expect(kinds(take())).toEqual(['need:initial']);
    expect(sync.state).toBe('buffering');
    expect(sync.counters().buffered).toBe(3);

    sync.snapshot(snap(101, BIDS, ASKS));
    const out = take();
    expect(kinds(out)).toEqual(['snapshot#1', 'synced#1']);
    const book = (out[0] as { book: Book }).book;
    // 95..99 is in the snapshot (dropped: its 100@9 is not applied), 100..105 straddles 101, 106..110 follows
    expect(book).toMatchObject({ action: 'snapshot', seq: 1, updateId: '110', depth: 3 });
    expect(book.bids).toEqual([['100', '1'], ['99', '5'], ['98', '3']]);
    expect(book.asks).toEqual([['102', '2'], ['103', '3']]);
    expect(sync.state).toBe('live');
    expect(sync.updateId).toBe('110');
    expect(sync.counters()).toMatchObject({ applied: 2, skipped: 1, buffered: 0, snapshots: 1, published: 1 });
  });

  it('takes a first delta with U == S + 1 and later ones that follow, publishing their visible change', () => {
    const { sync, take } = make();
    sync.delta(range(51, 60));
    sync.snapshot(snap(60, BIDS, ASKS));
    take();
    sync.delta(range(61, 61, [['100', '4']]));
    sync.delta(range(62, 70, [['100.5', '1']], [['101', '0']]));
    const out = take();
    expect(kinds(out)).toEqual(['delta#2', 'delta#3']);
    expect((out[0] as { book: Book }).book).toMatchObject({ firstUpdateId: '61', updateId: '61', bids: [['100', '4']], asks: [] });
    // the snapshot vouches for 3 levels: 100.5 pushes 98 out of the view
    expect((out[1] as { book: Book }).book).toMatchObject({ firstUpdateId: '62', updateId: '70', bids: [['100.5', '1'], ['98', '0']], asks: [['101', '0']] });
  });

  it('skips a stale delta (u <= id) and publishes nothing for it', () => {
    const { sync, take } = make();
    sync.delta(range(1, 10));
    sync.snapshot(snap(10, BIDS, ASKS));
    sync.delta(range(11, 20, [['100', '7']]));
    take();
    sync.delta(range(15, 20, [['100', '1']]));
    sync.delta(range(11, 20, [['100', '1']]));
    expect(take()).toEqual([]);
    expect(sync.top('bid')[0]).toEqual(['100', '7']);
    expect(sync.counters().skipped).toBe(3); // 1..10 at the snapshot, then the two above
  });

  it('refuses a snapshot older than the first buffered U and asks again; the next one anchors', () => {
    const { sync, take } = make();
    sync.delta(range(157, 160, [['100', '8']]));
    take();
    sync.snapshot(snap(156, BIDS, ASKS));
    const out = take();
    expect(kinds(out)).toEqual(['resync:snapshot-too-old', 'need:snapshot-too-old']);
    expect((out[0] as { event: BookResyncEvent }).event.message).toMatch(/156.*157/);
    expect(sync.state).toBe('buffering');
    expect(sync.counters().buffered).toBe(1);
    sync.snapshot(snap(158, BIDS, ASKS));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1']);
    expect(sync.top('bid')[0]).toEqual(['100', '8']); // 157..160 straddles 158
  });

  it('on a gap resyncs the instrument: nothing published until a new snapshot, whose seq continues', () => {
    const { sync, take } = make();
    sync.delta(range(1, 10));
    sync.snapshot(snap(10, BIDS, ASKS));
    sync.delta(range(11, 12, [['100', '2']]));
    take();
    sync.delta(range(14, 15, [['100', '3']])); // 13 is missing
    let out = take();
    expect(kinds(out)).toEqual(['resync:gap', 'need:gap']);
    expect((out[0] as { event: BookResyncEvent }).event).toMatchObject({ seq: 2, updateId: '12' });
    expect(sync.state).toBe('resyncing');
    expect(sync.top('bid')).toEqual([]);
    sync.delta(range(16, 17, [['99', '9']]));
    expect(take()).toEqual([]); // buffered, not published
    sync.snapshot(snap(15, [['100', '3'], ['99', '2']], ASKS));
    out = take();
    expect(kinds(out)).toEqual(['snapshot#3', 'synced#3']);
    expect((out[0] as { book: Book }).book).toMatchObject({ updateId: '17', bids: [['100', '3'], ['99', '9']] });
    sync.delta(range(18, 18, [['100', '0']]));
    expect(kinds(take())).toEqual(['delta#4']);
  });

  it('a gap inside the buffer (no kept delta straddles the snapshot) keeps the later deltas and asks again', () => {
    const { sync, take } = make();
    sync.delta(range(1, 5));
    sync.delta(range(8, 10, [['100', '5']]));
    take();
    sync.snapshot(snap(6, BIDS, ASKS));
    expect(kinds(take())).toEqual(['resync:gap', 'need:gap']);
    expect(sync.counters().buffered).toBe(1);
    sync.snapshot(snap(9, BIDS, ASKS));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1']);
    expect(sync.updateId).toBe('10');
  });

  it('a first live delta that does not straddle the snapshot is a gap', () => {
    const { sync, take } = make();
    sync.delta(range(1, 5));
    sync.snapshot(snap(7, BIDS, ASKS)); // newer than everything buffered: live at 7
    expect(kinds(take())).toEqual(['need:initial', 'snapshot#1', 'synced#1']);
    sync.delta(range(6, 7));
    expect(take()).toEqual([]); // contained
    sync.delta(range(9, 12));
    expect(kinds(take())).toEqual(['resync:gap', 'need:gap']);
  });

  it('a delta that crosses the book resyncs (crossed) and publishes nothing crossed', () => {
    const { sync, take } = make();
    sync.delta(range(1, 1));
    sync.snapshot(snap(1, BIDS, ASKS));
    take();
    sync.delta(range(2, 2, [['101', '1']])); // bid at the best ask: locked
    const out = take();
    expect(kinds(out)).toEqual(['resync:crossed', 'need:crossed']);
    expect((out[0] as { event: BookResyncEvent }).event.message).toMatch(/best bid 101 is not below best ask 101/);
    expect(sync.state).toBe('resyncing');
    // the crossing delta starts the new buffer: an older snapshot is refused
    sync.snapshot(snap(1, BIDS, ASKS));
    expect(kinds(take())).toEqual(['resync:snapshot-too-old', 'need:snapshot-too-old']);
  });

  it('a crossed snapshot is refused and asked again', () => {
    const { sync, take } = make();
    sync.delta(range(1, 1));
    take();
    sync.snapshot(snap(1, [['105', '1']], ASKS));
    expect(kinds(take())).toEqual(['resync:crossed', 'need:crossed']);
    expect(sync.state).toBe('buffering');
  });

  it('a buffered delta that crosses the book resyncs before anything is published', () => {
    const { sync, take } = make();
    sync.delta(range(1, 2, [], [['99', '1']]));
    sync.delta(range(3, 3));
    take();
    sync.snapshot(snap(1, BIDS, ASKS));
    expect(kinds(take())).toEqual(['resync:crossed', 'need:crossed']);
    expect(sync.counters().buffered).toBe(2);
  });

  it('a buffer overflow discards the buffer and starts again', () => {
    const { sync, take } = make({ ...BOOK_SYNC_RULES.binance, maxBuffered: 3 });
    for (let i = 1; i <= 3; i++) sync.delta(range(i, i));
    expect(kinds(take())).toEqual(['need:initial']);
    sync.delta(range(4, 4));
    expect(kinds(take())).toEqual(['resync:buffer-overflow', 'need:buffer-overflow']);
    expect(sync.counters().buffered).toBe(1);
    sync.snapshot(snap(3, BIDS, ASKS)); // from before the restart: older than delta 4
    expect(kinds(take())).toEqual(['resync:snapshot-too-old', 'need:snapshot-too-old']);
    sync.snapshot(snap(4, BIDS, ASKS));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1']);
  });

  it('a disconnect resyncs a live book and asks again once deltas come back', () => {
    const { sync, take } = make();
    sync.delta(range(1, 1));
    sync.snapshot(snap(1, BIDS, ASKS));
    take();
    sync.disconnected();
    expect(kinds(take())).toEqual(['resync:disconnect']);
    sync.delta(range(50, 51));
    expect(kinds(take())).toEqual(['need:disconnect']);
    sync.snapshot(snap(50, BIDS, ASKS));
    expect(kinds(take())).toEqual(['snapshot#2', 'synced#2']);
  });

  it('a disconnect while buffering discards the buffer', () => {
    const { sync, take } = make();
    sync.delta(range(1, 1));
    take();
    sync.disconnected();
    expect(take()).toEqual([]);
    expect(sync.counters().buffered).toBe(0);
    sync.delta(range(9, 9));
    expect(kinds(take())).toEqual(['need:initial']);
  });

  it('staleFor resyncs a live book only from the rule limit on', () => {
    const { sync, take } = make({ ...BOOK_SYNC_RULES.binance, staleAfterMs: 1000 });
    sync.delta(range(1, 1));
    sync.snapshot(snap(1, BIDS, ASKS));
    take();
    sync.staleFor(999);
    expect(take()).toEqual([]);
    sync.staleFor(1000);
    expect(kinds(take())).toEqual(['resync:stale']);
    expect(sync.state).toBe('resyncing');
    expect(() => sync.staleFor(-1)).toThrow(RangeError);
  });

  it('ignores a REST snapshot while live, and WebSocket snapshots where the rule does not take them', () => {
    const { sync, take } = make();
    sync.snapshot(snap(5, BIDS, ASKS, { source: 'ws' }));
    expect(take()).toEqual([]);
    expect(sync.state).toBe('buffering');
    sync.delta(range(1, 1));
    sync.snapshot(snap(1, BIDS, ASKS));
    take();
    sync.snapshot(snap(9, [['1', '1']], ASKS));
    expect(take()).toEqual([]);
    expect(sync.top('bid')).toEqual(BIDS);
    expect(sync.counters().snapshotsIgnored).toBe(2);
  });

  it('publishes only min(depth, snapshot depth) levels; a removal pulls the next level into the view', () => {
    const { sync, take } = make(BOOK_SYNC_RULES.binance, 2);
    sync.delta(range(1, 1));
    take();
    sync.snapshot(snap(1, BIDS, ASKS, { depth: 1000 }));
    let out = take();
    expect((out[0] as { book: Book }).book).toMatchObject({ depth: 2, bids: [['100', '1'], ['99', '2']], asks: [['101', '1'], ['102', '2']] });
    sync.delta(range(2, 2, [['100', '0']]));
    out = take();
    expect((out[0] as { book: Book }).book.bids).toEqual([['100', '0'], ['98', '3']]);
    sync.delta(range(3, 3, [['97', '1']])); // below the view: nothing to publish
    expect(take()).toEqual([]);
    expect(sync.seq).toBe(2);

    const shallow = make(BOOK_SYNC_RULES.binance, 10);
    shallow.sync.delta(range(1, 1));
    shallow.take();
    shallow.sync.snapshot(snap(1, BIDS, ASKS, { depth: 2 }));
    expect(shallow.sync.depth).toBe(2);
    expect((shallow.take()[0] as { book: Book }).book).toMatchObject({ depth: 2, bids: [['100', '1'], ['99', '2']] });
  });

  it('continues from lastSeq', () => {
    const { sync, take } = make(BOOK_SYNC_RULES.binance, 5, 41);
    sync.delta(range(1, 1));
    sync.snapshot(snap(1, BIDS, ASKS));
    expect(kinds(take())).toEqual(['need:initial', 'snapshot#42', 'synced#42']);
  });

  it('after deltas follow the snapshot, a delta older than that snapshot is the venue starting its ids over', () => {
    const { sync, take } = make(BOOK_SYNC_RULES.binance, 5);
    sync.delta(range(10, 10));
    sync.snapshot(snap(10, BIDS, ASKS));
    sync.delta(range(11, 12, [['100', '5']]));
    sync.delta(range(13, 14, [['99', '4']]));
    take();
    sync.delta(range(13, 14, [['99', '4']])); // the same delta again
    expect(take()).toEqual([]);
    expect(sync.state).toBe('live');
    sync.delta(range(1, 3, [['98', '1']])); // ids from the start: a restart
    expect(kinds(take())).toEqual(['resync:venue-reset', 'need:venue-reset']);
    expect(sync.state).toBe('resyncing');
  });

  it('republish sends the live book again as the next snapshot, and nothing when not in sync', () => {
    const { sync, take } = make(BOOK_SYNC_RULES.binance, 2);
    expect(sync.republish(T)).toBe(false);
    sync.delta(range(1, 1));
    sync.snapshot(snap(1, BIDS, ASKS));
    sync.delta(range(2, 2, [['100', '0']]));
    take();
    expect(sync.republish(T + 5)).toBe(true);
    const [out] = take();
    expect(out).toMatchObject({ kind: 'publish', book: { action: 'snapshot', seq: 3, updateId: '2', bids: [['99', '2'], ['98', '3']], asks: [['101', '1'], ['102', '2']], receiveTime: T + 5 } });
    sync.delta(range(9, 9));
    take();
    expect(sync.republish(T + 6)).toBe(false);
  });

  it('rejects ids, levels and options that are not valid, changing nothing', () => {
    const { sync, take } = make();
    expect(() => sync.delta({ updateId: '5', bids: [], asks: [], receiveTime: T })).toThrow(/firstUpdateId/);
    expect(() => sync.delta(range(1, 2, [['1.50', '1']]))).toThrow(/bids\[0\] price/);
    expect(() => sync.delta(range(1, 2, [], [['1.5', '-1']]))).toThrow(/asks\[0\] size/);
    expect(() => sync.snapshot(snap('x', BIDS, ASKS))).toThrow(/updateId/);
    expect(() => sync.snapshot(snap(1, BIDS, ASKS, { depth: 0 }))).toThrow(/depth/);
    expect(take()).toEqual([]);
    expect(sync.counters().buffered).toBe(0);
    const listener = recorder().listener;
    expect(() => new BookSync({ venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', rule: BOOK_SYNC_RULES.binance, depth: 0, listener })).toThrow(/depth/);
    expect(() => new BookSync({ venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', rule: { ...BOOK_SYNC_RULES.binance, maxBuffered: 0 }, depth: 5, listener })).toThrow(/maxBuffered/);
  });

  it('lets a listener feed the snapshot back from snapshotNeeded; outputs stay in order', () => {
    const order: string[] = [];
    const sync: BookSync = new BookSync({
      venue: 'binance',
      instrument: 'BTC-USDT',
      symbol: 'BTCUSDT',
      rule: BOOK_SYNC_RULES.binance,
      depth: 5,
      listener: {
        publish: (b) => order.push(`${b.action}#${b.seq}`),
        snapshotNeeded: (reason) => {
          order.push(`need:${reason}`);
          sync.snapshot(snap(1, BIDS, ASKS));
          order.push('back');
        },
        synced: (e) => order.push(`synced#${e.seq}`),
      },
    });
    sync.delta(range(1, 1));
    expect(order).toEqual(['need:initial', 'back', 'snapshot#1', 'synced#1']);
  });
});

describe('BookSync, chain rule (OKX)', () => {
  const okx = () => make(BOOK_SYNC_RULES.okx);

  it('without an in-band snapshot: buffers, takes the REST snapshot, follows jumping ids', () => {
    const { sync, take } = okx();
    sync.delta(chain(90, 97, [['100', '9']]));
    sync.delta(chain(97, 130, [['99', '4']]));
    sync.delta(chain(130, 201, [], [['101', '5']]));
    expect(kinds(take())).toEqual(['need:initial']);
    sync.snapshot(snap(120, BIDS, ASKS)); // 90->97 contained; 97->130 straddles 120
    const out = take();
    expect(kinds(out)).toEqual(['snapshot#1', 'synced#1']);
    expect((out[0] as { book: Book }).book).toMatchObject({ updateId: '201', bids: [['100', '1'], ['99', '4'], ['98', '3']], asks: [['101', '5'], ['102', '2'], ['103', '3']] });
    sync.delta(chain(201, 288, [['100', '2']]));
    expect((take()[0] as { book: Book }).book).toMatchObject({ prevUpdateId: '201', updateId: '288', bids: [['100', '2']] });
  });

  it('accepts a keep-alive (publishing nothing, keeping the id) and a reset (continuing from the smaller id)', () => {
    const { sync, take } = okx();
    sync.delta(chain(5, 10));
    sync.snapshot(snap(10, BIDS, ASKS));
    sync.delta(chain(10, 15, [['100', '2']]));
    take();
    sync.delta(chain(15, 15));
    expect(take()).toEqual([]);
    expect(sync.updateId).toBe('15');
    sync.delta(chain(15, 3, [['100', '3']]));
    sync.delta(chain(3, 5, [['100', '4']]));
    const out = take();
    expect(kinds(out)).toEqual(['delta#3', 'delta#4']);
    expect(sync.updateId).toBe('5');
    expect(sync.counters()).toMatchObject({ keepAlives: 1, resets: 1 });
    sync.delta(chain(4, 9));
    expect(kinds(take())).toEqual(['resync:gap', 'need:gap']);
  });

  it('with the legacy in-band snapshot (prevSeqId -1): anchors at once, no REST needed', () => {
    const { sync, take } = okx();
    sync.snapshot(snap(123456, BIDS, ASKS, { source: 'ws', depth: 400 }));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1']);
    sync.delta(chain(123456, 123457, [['100', '0']]));
    expect(kinds(take())).toEqual(['delta#2']);
    expect(sync.top('bid')).toEqual([['99', '2'], ['98', '3']]);
  });

  it('an in-band snapshot while live replaces the book (venue-reset), seq continuing', () => {
    const { sync, take } = okx();
    sync.snapshot(snap(10, BIDS, ASKS, { source: 'ws' }));
    sync.delta(chain(10, 15, [['100', '2']]));
    take();
    sync.snapshot(snap(3, [['50', '1']], [['51', '1']], { source: 'ws' }));
    const out = take();
    expect(kinds(out)).toEqual(['resync:venue-reset', 'snapshot#3', 'synced#3']);
    expect(sync.updateId).toBe('3');
    expect(sync.top('bid')).toEqual([['50', '1']]);
  });

  it('a venue reset while buffering starts the buffer again after it', () => {
    const { sync, take } = okx();
    sync.delta(chain(500, 510));
    sync.delta(chain(510, 7, [['100', '6']]));
    expect(kinds(take())).toEqual(['need:initial', 'resync:venue-reset']);
    expect(sync.counters().buffered).toBe(0);
    sync.delta(chain(7, 12, [['99', '6']]));
    expect(kinds(take())).toEqual(['need:venue-reset']);
    sync.snapshot(snap(7, [['100', '6'], ['99', '2']], ASKS));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1']);
    expect(sync.top('bid')).toEqual([['100', '6'], ['99', '6']]);

    // a reset as the first delta buffered is dropped: a snapshot after it contains it
    const second = okx();
    second.sync.delta(chain(900, 4));
    expect(second.take()).toEqual([]);
    second.sync.delta(chain(4, 6));
    second.sync.snapshot(snap(5, BIDS, ASKS));
    expect(kinds(second.take())).toEqual(['need:initial', 'snapshot#1', 'synced#1']);
  });

  it('refuses a REST snapshot older than the first buffered prevId', () => {
    const { sync, take } = okx();
    sync.delta(chain(100, 120));
    take();
    sync.snapshot(snap(99, BIDS, ASKS));
    expect(kinds(take())).toEqual(['resync:snapshot-too-old', 'need:snapshot-too-old']);
    sync.snapshot(snap(100, BIDS, ASKS));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1']);
    expect(sync.updateId).toBe('120');
  });

  it('compares ids beyond 2^53 exactly', () => {
    const { sync, take } = okx();
    sync.snapshot(snap('9007199254740993', BIDS, ASKS, { source: 'ws' }));
    sync.delta(chain('9007199254740993', '9007199254740995', [['100', '5']]));
    expect(kinds(take())).toEqual(['snapshot#1', 'synced#1', 'delta#2']);
    sync.delta(chain('9007199254740994', '9007199254740999'));
    expect(kinds(take())).toEqual(['resync:gap', 'need:gap']);
  });
});
