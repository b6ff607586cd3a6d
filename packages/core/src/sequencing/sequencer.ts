import type { Status, Trade } from '@tickgate/schema';
import type { Rejection } from '../adapter.js';
import { RecentIds } from './recent-ids.js';
import { buildStatus } from './status.js';

/** How trade ids order: see `StreamRules.sequencing`. */
export type SequencingMode = 'consecutive' | 'none';

/**
 * Why a gap was opened (also the `reason` of its `gap` status event):
 * - `jump`: a trade arrived whose first id is beyond the next expected one;
 * - `reconnect`: the same, for the first live trade after `disconnected()`;
 * - `parse-error`: a frame carrying that id was rejected by the parser;
 * - `heartbeat`: the venue said its last trade id is beyond what arrived;
 * - `overlap`: an aggregated trade straddles ids already released or held, so it was dropped and the
 *   ids it covers beyond them are fetched one by one instead.
 */
export type GapReason = 'jump' | 'reconnect' | 'parse-error' | 'heartbeat' | 'overlap';

/** A range of ids the REST reconciler should fetch (`tradesFrom(fromId)` until `toId`), both inclusive. */
export interface GapRequest {
  readonly instrument: string;
  readonly fromId: string;
  readonly toId: string;
  readonly reason: GapReason;
}

/** An id range still missing: neither released, held nor declared unrecoverable. */
export interface OpenGap {
  readonly fromId: string;
  readonly toId: string;
  /** When the gap (the request it belongs to) was opened, ms. */
  readonly openedAtMs: number;
}

export interface SequencerOptions {
  /** Lowercase venue id, for status events. */
  readonly venue: string;
  /** Normalized instrument this sequencer orders; trades for another instrument are dropped and counted. */
  readonly instrument: string;
  /** `consecutive`: integer ids, next = last + 1 (gaps detected and filled); `none`: arrival order, dedup only. */
  readonly sequencing: SequencingMode;
  /** Receives every trade to publish, exactly once, in id order (`consecutive`) or arrival order (`none`). */
  readonly release: (trade: Trade) => void;
  /** Asked to fetch a missing id range from REST and feed the trades back through `trade`/`restTrades`. */
  readonly requestGap?: (request: GapRequest) => void;
  /** Receives wire-valid `gap`, `recovered` and `unrecoverable` status events for this instrument. */
  readonly status?: (event: Status) => void;
  /**
   * Longest a gap stays open, ms (default 10 000). When `tick` (or any input) finds a gap at least this
   * old, its still-missing ids are declared `unrecoverable` (reason `timeout`) and the trades held
   * behind it are released in order. This bounds how long any live trade is held.
   */
  readonly maxHoldMs?: number;
  /**
   * Most trades held behind gaps (default 50 000). Above it, the first open gap is declared
   * `unrecoverable` (reason `hold-limit`) and the trades behind it released, until under the bound.
   */
  readonly maxHeld?: number;
  /** `none` mode: how many recent distinct ids are remembered for duplicate detection (default 10 000). */
  readonly dedupWindow?: number;
  /**
   * Resume after this id (`consecutive` mode): e.g. the last id already published before a restart.
   * Without it, the first trade seen (live or REST) defines the start.
   */
  readonly startAfterId?: string;
  /** Milliseconds since the Unix epoch (default `Date.now`): gap ages and status times. */
  readonly clock?: () => number;
  /**
   * Take the number fast path for consecutive trades when nothing is held or missing (default true).
   * Outputs are the same either way; `false` exists so that tests can compare the two paths.
   */
  readonly fastPath?: boolean;
}

/** Counters for metrics. `held`, `openGaps` and `missingIds` are current values, the rest totals. */
export interface SequencerCounters {
  /** Trades released, by source. */
  readonly released: { readonly ws: number; readonly rest: number };
  /** Trades dropped because their ids were already released or are already held. */
  readonly duplicates: number;
  /** Trades dropped because their ids had already been declared unrecoverable. */
  readonly late: number;
  /** Trades dropped for an id that is not a non-negative integer (`consecutive` mode) or another instrument. */
  readonly invalid: number;
  /** Rejections seen (with or without a trade id). */
  readonly rejections: number;
  /** Gaps opened. */
  readonly gapsOpened: number;
  /** Missing ids later filled (by REST, or by a late live trade). */
  readonly recoveredIds: number;
  /** Ids declared unrecoverable. */
  readonly unrecoverableIds: number;
  /** Trades held now. */
  readonly held: number;
  /** Open gap ranges now. */
  readonly openGaps: number;
  /** Ids missing now (sum of open gap sizes). */
  readonly missingIds: number;
}

/** One gap request and what became of its ids (pieces of it may be filled out of order). */
interface GapRecord {
  readonly from: bigint;
  readonly to: bigint;
  readonly reason: GapReason;
  missing: bigint;
  filled: number;
  lost: number;
}

interface GapPiece {
  from: bigint;
  to: bigint;
  readonly openedAtMs: number;
  readonly record: GapRecord;
  /** Declared unrecoverable; kept until released past so that late arrivals inside it are dropped. */
  abandoned: boolean;
}

interface Held {
  readonly start: bigint;
  readonly end: bigint;
  readonly trade: Trade;
}

type Output =
  | { readonly kind: 'release'; readonly trade: Trade }
  | { readonly kind: 'request'; readonly request: GapRequest }
  | { readonly kind: 'status'; readonly status: Status };

const INTEGER_ID = /^[0-9]{1,40}$/;

/** Ids of at most this many digits are exact as a `number` (10^15 - 1 < 2^53). */
const FAST_ID_DIGITS = 15;

/**
 * The range of `last` in which the fast path is worth entering: a safe integer (so that `lastNum` is
 * exact) whose successor still has at most `FAST_ID_DIGITS` digits. Beyond it (ids of 16 digits and
 * more) switching to the number and back on every trade would only add work.
 */
const FAST_LAST_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const FAST_LAST_MAX = 10n ** BigInt(FAST_ID_DIGITS) - 2n;

const DEFAULTS = { maxHoldMs: 10_000, maxHeld: 50_000, dedupWindow: 10_000 } as const;

/**
 * Orders one instrument's trades. Pure logic: no I/O and no timers; time comes from `clock` and the
 * gateway calls `tick()` periodically (e.g. every second) so that expired gaps are noticed when no
 * input arrives.
 *
 * `consecutive` mode (integer ids, each trade's successor is `id + 1`; a trade with span k covers
 * ids `id-k+1..id`):
 * - A trade right after the last released id is released at once.
 * - A trade at or below the last released id is a duplicate (rotation overlap, replay, REST re-fetch)
 *   and is dropped. An aggregated trade that straddles released or held ids is dropped too, and the
 *   ids it covers beyond them are requested from REST (reason `overlap`) so nothing is counted twice.
 * - A trade beyond the next expected id opens a gap `[expected, first - 1]`: a `gap` status event and
 *   a `requestGap` call are emitted, and later trades are held. A rejection carrying a trade id, and a
 *   heartbeat naming a last id beyond what arrived, open gaps the same way.
 * - Trades filling a gap (REST, or a late live one) are taken into it; as soon as the ids after the last
 *   released one are complete, trades are released in id order. When all of a gap's ids have arrived,
 *   a `recovered` status event gives the range and count.
 * - Bounds: a gap open for `maxHoldMs`, or more than `maxHeld` held trades, makes the sequencer give up
 *   on the (first) gap: a status `unrecoverable` names the exact id range still missing, the held trades
 *   behind it are released in order, and anything for those ids arriving later is dropped (`late`).
 *   `abandon()` does the same on the reconciler's word (REST cannot provide the ids).
 * - Several gaps may be open at once. REST trades beyond everything known simply extend the sequence
 *   (fallback polling while the stream is down), or open a gap if they jump ahead.
 *
 * `none` mode (ids carry no order): trades are released in arrival order; an id seen among the last
 * `dedupWindow` distinct ids is a duplicate. No gaps are detected.
 *
 * Callbacks run after the sequencer's state is updated, in order; a callback may call back into the
 * sequencer (the nested outputs are delivered after the pending ones). If a callback throws, the
 * remaining outputs are still delivered and the first error is rethrown afterwards.
 *
 * The common case (`consecutive`, nothing held or missing, no callback running, an id of at most 15
 * digits that continues the sequence) takes a fast path in `trade()`: the last id is kept as a number
 * and the trade handed to `release` at once, without bigint arithmetic, a clock read or the output
 * queue. Every other input first writes that number back into the bigint state; the outputs, their
 * order and the counters are the same either way.
 */
export class Sequencer {
  readonly venue: string;
  readonly instrument: string;
  readonly sequencing: SequencingMode;

  private readonly opts: SequencerOptions;
  private readonly maxHoldMs: number;
  private readonly maxHeld: number;
  private readonly clock: () => number;
  private readonly recent: RecentIds | undefined;

  /** Last id released or passed over (declared unrecoverable); `undefined` before the first trade. */
  private last: bigint | undefined;
  /** Highest id known to exist: `(last, frontier]` is exactly covered by `held` and `gaps`. */
  private frontier: bigint | undefined;
  private readonly held: Held[] = [];
  private readonly gaps: GapPiece[] = [];
  private afterDisconnect = false;

  private readonly out: Output[] = [];
  private flushing = false;

  /**
   * `last` and `frontier` are `lastNum` (a safe integer below 10^15 - 1), and nothing is held or missing: the fast path
   * may run (when no flush is under way), and `last`/`frontier` may lag behind `lastNum` until `sync()`.
   */
  private simple = false;
  private lastNum = 0;

  private releasedWs = 0;
  private releasedRest = 0;
  private duplicates = 0;
  private late = 0;
  private invalid = 0;
  private rejections = 0;
  private gapsOpened = 0;
  private recoveredIds = 0;
  private unrecoverableIds = 0;

  constructor(options: SequencerOptions) {
    this.opts = options;
    this.venue = options.venue;
    this.instrument = options.instrument;
    this.sequencing = options.sequencing;
    this.maxHoldMs = options.maxHoldMs ?? DEFAULTS.maxHoldMs;
    this.maxHeld = options.maxHeld ?? DEFAULTS.maxHeld;
    this.clock = options.clock ?? Date.now;
    if (!(this.maxHoldMs >= 0)) throw new RangeError(`maxHoldMs must be >= 0, got ${this.maxHoldMs}`);
    if (!Number.isInteger(this.maxHeld) || this.maxHeld < 0) throw new RangeError(`maxHeld must be a non-negative integer, got ${this.maxHeld}`);
    this.recent = options.sequencing === 'none' ? new RecentIds(options.dedupWindow ?? DEFAULTS.dedupWindow) : undefined;
    if (options.startAfterId !== undefined && options.sequencing === 'consecutive') {
      if (!INTEGER_ID.test(options.startAfterId)) throw new RangeError(`startAfterId must be an integer id, got ${JSON.stringify(options.startAfterId)}`);
      this.last = BigInt(options.startAfterId);
      this.frontier = this.last;
    }
    this.enterSimple();
  }

  // ---- inputs ------------------------------------------------------------------------------------

  /**
   * A trade, live (`source: 'ws'`) or fetched (`source: 'rest'`). `span` is how many consecutive ids it
   * covers, ending at `trade.id` (default 1); it matters only in `consecutive` mode.
   */
  trade(trade: Trade, span = 1): void {
    if (this.simple && !this.flushing && trade.instrument === this.instrument) {
      // Fast path: a plain decimal id of at most 15 digits (exact as a number) that continues the sequence.
      const id = trade.id;
      const n = id.length;
      if (n > 0 && n <= FAST_ID_DIGITS) {
        let end = 0;
        let i = 0;
        for (; i < n; i++) {
          const d = id.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          end = end * 10 + d;
        }
        // `lastNum` is a safe integer, so equality means `end - span` was exact: `start === last + 1`.
        if (i === n && Number.isInteger(span) && span >= 1 && end - span === this.lastNum) {
          this.releaseNow(trade, end);
          return;
        }
      }
    }
    this.sync();
    this.accept(trade, span);
    // After an id too long for the fast path, the next one will be too: don't prepare for it.
    this.flush(trade.id.length <= FAST_ID_DIGITS);
  }

  /** Trades from one REST response, in any order: they are taken in ascending id order. */
  restTrades(trades: readonly Trade[]): void {
    this.sync();
    if (this.sequencing === 'consecutive') {
      const keyed = trades.map((t) => ({ t, id: INTEGER_ID.test(t.id) ? BigInt(t.id) : -1n }));
      keyed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const k of keyed) this.accept(k.t, 1);
    } else {
      for (const t of trades) this.accept(t, 1);
    }
    this.flush();
  }

  /** A frame the parser rejected. One carrying a `tradeId` is a gap: that id is fetched from REST. */
  rejected(rejection: Rejection): void {
    this.sync();
    this.rejections++;
    const id = rejection.tradeId;
    if (this.sequencing === 'consecutive' && id !== undefined && INTEGER_ID.test(id)) {
      const now = this.clock();
      const t = BigInt(id);
      if (this.last === undefined || this.frontier === undefined) {
        this.last = t - 1n;
        this.frontier = this.last;
      }
      if (t > this.frontier) {
        this.openGap(this.frontier + 1n, t, 'parse-error', now);
        this.frontier = t;
      }
      this.enforceBounds(now);
    }
    this.flush();
  }

  /** The venue's own word on its last trade id (e.g. a heartbeat's `lastTradeId`): ids beyond what arrived are a gap. */
  heartbeat(lastTradeId: string): void {
    this.sync();
    if (this.sequencing === 'consecutive' && this.frontier !== undefined && INTEGER_ID.test(lastTradeId)) {
      const t = BigInt(lastTradeId);
      const now = this.clock();
      if (t > this.frontier) {
        this.openGap(this.frontier + 1n, t, 'heartbeat', now);
        this.frontier = t;
      }
      this.enforceBounds(now);
    }
    this.flush();
  }

  /** The live feed carrying this instrument went down: the next live jump is reported as `reconnect`. */
  disconnected(): void {
    this.afterDisconnect = true;
  }

  /** The live feed is back. (The first live trade after it tells whether anything was missed.) */
  connected(): void {
    // Nothing to do yet: the gap, if any, shows when the first live trade arrives.
  }

  /**
   * Give up on missing ids in `[fromId, toId]` (e.g. the venue cannot serve them): the open parts are
   * declared `unrecoverable` with `reason`, and trades held behind them are released.
   */
  abandon(fromId: string, toId: string, reason = 'rest-unavailable'): void {
    this.sync();
    if (this.sequencing === 'consecutive' && INTEGER_ID.test(fromId) && INTEGER_ID.test(toId)) {
      const from = BigInt(fromId);
      const to = BigInt(toId);
      const now = this.clock();
      for (let i = 0; i < this.gaps.length; i++) {
        const g = this.gaps[i];
        if (g === undefined || g.abandoned || g.to < from || g.from > to) continue;
        const lo = g.from > from ? g.from : from;
        const hi = g.to < to ? g.to : to;
        const pieces: GapPiece[] = [];
        if (g.from < lo) pieces.push({ ...g, to: lo - 1n });
        const dead: GapPiece = { ...g, from: lo, to: hi };
        pieces.push(dead);
        if (hi < g.to) pieces.push({ ...g, from: hi + 1n });
        this.gaps.splice(i, 1, ...pieces);
        i += pieces.length - 1;
        this.abandonPiece(dead, reason, now);
      }
      this.drain();
      this.enforceBounds(now);
    }
    this.flush();
  }

  /** Check the bounds now (call it periodically): expired gaps become `unrecoverable`. */
  tick(nowMs: number = this.clock()): void {
    this.sync();
    if (this.sequencing === 'consecutive') this.enforceBounds(nowMs);
    this.flush();
  }

  // ---- state -------------------------------------------------------------------------------------

  /** The last id released (or passed over as unrecoverable); `undefined` before the first trade. */
  get lastId(): string | undefined {
    if (this.simple) return String(this.lastNum);
    return this.last?.toString();
  }

  /** Id ranges still missing, ascending. (The fast path never changes `gaps`: no `sync()` needed.) */
  openGaps(): OpenGap[] {
    return this.gaps.filter((g) => !g.abandoned).map((g) => ({ fromId: g.from.toString(), toId: g.to.toString(), openedAtMs: g.openedAtMs }));
  }

  /** (The fast path keeps the release counters exact and never changes `gaps` or `held`: no `sync()` needed.) */
  counters(): SequencerCounters {
    let openGaps = 0;
    let missing = 0n;
    for (const g of this.gaps) {
      if (g.abandoned) continue;
      openGaps++;
      missing += g.to - g.from + 1n;
    }
    return {
      released: { ws: this.releasedWs, rest: this.releasedRest },
      duplicates: this.duplicates,
      late: this.late,
      invalid: this.invalid,
      rejections: this.rejections,
      gapsOpened: this.gapsOpened,
      recoveredIds: this.recoveredIds,
      unrecoverableIds: this.unrecoverableIds,
      held: this.held.length,
      openGaps,
      missingIds: Number(missing),
    };
  }

  // ---- consecutive logic -------------------------------------------------------------------------

  private accept(trade: Trade, span: number): void {
    if (trade.instrument !== this.instrument) {
      this.invalid++;
      return;
    }
    if (this.recent !== undefined) {
      if (this.recent.add(trade.id)) this.emitRelease(trade);
      else this.duplicates++;
      return;
    }
    if (!INTEGER_ID.test(trade.id) || !Number.isInteger(span) || span < 1) {
      this.invalid++;
      return;
    }
    const now = this.clock();
    const end = BigInt(trade.id);
    const start = end - BigInt(span) + 1n;
    const live = trade.source === 'ws';
    if (this.last === undefined || this.frontier === undefined) {
      this.last = start - 1n;
      this.frontier = this.last;
    }
    const last: bigint = this.last;
    const frontier: bigint = this.frontier;

    if (start === last + 1n && frontier === last) {
      // The common case: nothing missing, nothing held.
      this.last = end;
      this.frontier = end;
      if (live) this.afterDisconnect = false;
      this.emitRelease(trade);
      this.enforceBounds(now);
      return;
    }
    if (end <= last) {
      this.duplicates++;
      return;
    }
    if (start <= last) {
      // An aggregate straddling released ids: releasing it would count those ids twice.
      this.dropOverlap(end, now);
      return;
    }
    if (start > frontier) {
      if (start > frontier + 1n) {
        const reason: GapReason = live && this.afterDisconnect ? 'reconnect' : 'jump';
        this.openGap(frontier + 1n, start - 1n, reason, now);
      }
      if (live) this.afterDisconnect = false;
      this.frontier = end;
      this.hold({ start, end, trade });
    } else {
      const gi = this.findGap(start);
      const g = gi < 0 ? undefined : this.gaps[gi];
      if (g === undefined) {
        this.dropOverlap(end, now); // its first id is held already
        return;
      }
      if (g.abandoned) {
        this.late++;
        return;
      }
      if (end <= g.to) {
        this.fill(gi, start, end, now);
      } else if (g.to === frontier) {
        this.fill(gi, start, g.to, now);
        this.frontier = end;
      } else {
        this.dropOverlap(end, now); // it runs into held ids
        return;
      }
      this.hold({ start, end, trade });
    }
    this.drain();
    this.enforceBounds(now);
  }

  /** Drop a trade whose ids are partly released or held; ids it covers beyond everything known are requested. */
  private dropOverlap(end: bigint, now: number): void {
    this.duplicates++;
    const frontier = this.frontier;
    if (frontier !== undefined && end > frontier) {
      this.openGap(frontier + 1n, end, 'overlap', now);
      this.frontier = end;
      this.enforceBounds(now);
    }
  }

  /** Index of the gap piece containing `id`, or -1. */
  private findGap(id: bigint): number {
    let lo = 0;
    let hi = this.gaps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = this.gaps[mid];
      if (g === undefined) break;
      if (id < g.from) hi = mid - 1;
      else if (id > g.to) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private openGap(from: bigint, to: bigint, reason: GapReason, now: number): void {
    const count = to - from + 1n;
    const record: GapRecord = { from, to, reason, missing: count, filled: 0, lost: 0 };
    this.gaps.push({ from, to, openedAtMs: now, record, abandoned: false });
    this.gapsOpened++;
    const fromId = from.toString();
    const toId = to.toString();
    this.out.push({ kind: 'status', status: buildStatus(this.venue, this.instrument, 'gap', now, { fromId, toId, count: Number(count), reason }) });
    this.out.push({ kind: 'request', request: { instrument: this.instrument, fromId, toId, reason } });
  }

  /** Ids `[from, to]` (inside gap piece `gi`) have arrived. */
  private fill(gi: number, from: bigint, to: bigint, now: number): void {
    const g = this.gaps[gi];
    if (g === undefined) return;
    const pieces: GapPiece[] = [];
    if (g.from < from) pieces.push({ ...g, to: from - 1n });
    if (to < g.to) pieces.push({ ...g, from: to + 1n });
    this.gaps.splice(gi, 1, ...pieces);
    const n = Number(to - from + 1n);
    const rec = g.record;
    rec.missing -= BigInt(n);
    rec.filled += n;
    this.recoveredIds += n;
    if (rec.missing === 0n) this.settle(rec, now);
  }

  private abandonPiece(g: GapPiece, reason: string, now: number): void {
    g.abandoned = true;
    const count = g.to - g.from + 1n;
    const rec = g.record;
    rec.missing -= count;
    rec.lost += Number(count);
    this.unrecoverableIds += Number(count);
    this.out.push({
      kind: 'status',
      status: buildStatus(this.venue, this.instrument, 'unrecoverable', now, { fromId: g.from.toString(), toId: g.to.toString(), count: Number(count), reason }),
    });
    if (rec.missing === 0n) this.settle(rec, now);
  }

  /** A gap request has no missing ids left: report what was recovered. */
  private settle(rec: GapRecord, now: number): void {
    if (rec.filled === 0) return;
    const total = rec.filled + rec.lost;
    this.out.push({
      kind: 'status',
      status: buildStatus(this.venue, this.instrument, 'recovered', now, {
        fromId: rec.from.toString(),
        toId: rec.to.toString(),
        count: rec.filled,
        reason: rec.reason,
        ...(rec.lost > 0 ? { message: `${rec.filled} of ${total} missing ids recovered; the rest were reported unrecoverable` } : {}),
      }),
    });
  }

  private hold(item: Held): void {
    const held = this.held;
    const tail = held[held.length - 1];
    if (tail === undefined || tail.start < item.start) {
      held.push(item);
      return;
    }
    let lo = 0;
    let hi = held.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((held[mid]?.start ?? item.start) < item.start) lo = mid + 1;
      else hi = mid;
    }
    held.splice(lo, 0, item);
  }

  /** Release held trades, and pass abandoned gaps, while they continue the sequence. */
  private drain(): void {
    if (this.last === undefined) return;
    const held = this.held;
    let i = 0;
    let last = this.last;
    for (;;) {
      const next = last + 1n;
      const h = held[i];
      if (h !== undefined && h.start === next) {
        last = h.end;
        i++;
        this.emitRelease(h.trade);
        continue;
      }
      const g = this.gaps[0];
      if (g !== undefined && g.abandoned && g.from === next) {
        last = g.to;
        this.gaps.shift();
        continue;
      }
      break;
    }
    if (i > 0) held.splice(0, i);
    this.last = last;
  }

  private enforceBounds(now: number): void {
    if (this.gaps.length === 0) return;
    let changed = false;
    for (const g of this.gaps) {
      if (!g.abandoned && now - g.openedAtMs >= this.maxHoldMs) {
        this.abandonPiece(g, 'timeout', now);
        changed = true;
      }
    }
    if (changed) this.drain();
    while (this.held.length > this.maxHeld) {
      const g = this.gaps.find((p) => !p.abandoned);
      if (g === undefined) break;
      this.abandonPiece(g, 'hold-limit', now);
      this.drain();
    }
  }

  // ---- fast path ---------------------------------------------------------------------------------

  /** Leave the fast path: bring `last` and `frontier` up to date. Every input but a fast trade calls it first. */
  private sync(): void {
    if (!this.simple) return;
    this.simple = false;
    const last = BigInt(this.lastNum);
    this.last = last;
    this.frontier = last;
  }

  /** Take the fast path from now on if the state allows it (called when the outermost flush ends). */
  private enterSimple(): void {
    const last = this.last;
    if (
      this.opts.fastPath !== false &&
      this.recent === undefined &&
      !this.flushing &&
      this.out.length === 0 &&
      this.held.length === 0 &&
      this.gaps.length === 0 &&
      last !== undefined &&
      last <= FAST_LAST_MAX &&
      last >= FAST_LAST_MIN &&
      last === this.frontier
    ) {
      this.lastNum = Number(last);
      this.simple = true;
    }
  }

  /**
   * The fast path's release: what `accept` and `flush` do for a trade continuing the sequence when
   * nothing is held or missing. The state is updated before `release` runs; a callback re-entering
   * the sequencer finds `flushing` set, so its outputs are queued and delivered here afterwards.
   */
  private releaseNow(trade: Trade, end: number): void {
    this.lastNum = end;
    if (trade.source === 'rest') this.releasedRest++;
    else this.releasedWs++;
    if (trade.source === 'ws') this.afterDisconnect = false;
    this.flushing = true;
    let failed = false;
    let error: unknown;
    try {
      this.opts.release(trade);
    } catch (e) {
      failed = true;
      error = e;
    }
    if (this.simple && this.out.length === 0) {
      // Nothing that changes the state re-entered: it is still simple.
      this.flushing = false;
      if (failed) throw error;
      return;
    }
    this.deliver(failed, error);
  }

  // ---- output ------------------------------------------------------------------------------------

  private emitRelease(trade: Trade): void {
    if (trade.source === 'rest') this.releasedRest++;
    else this.releasedWs++;
    this.out.push({ kind: 'release', trade });
  }

  /** Deliver the queued outputs, unless a flush is under way already. `enter`: see `deliver`. */
  private flush(enter = true): void {
    if (this.flushing) return;
    this.flushing = true;
    this.deliver(false, undefined, enter);
  }

  /**
   * Deliver the queued outputs (callbacks may append), end the flush, then rethrow the first error.
   * Unless `enter` is false, see whether the fast path can be taken from now on (declining is always
   * safe: the bigint state is then kept up to date).
   */
  private deliver(failed: boolean, error: unknown, enter = true): void {
    try {
      // Callbacks may re-enter and append: read the queue until it is empty.
      for (let i = 0; i < this.out.length; i++) {
        const o = this.out[i];
        if (o === undefined) continue;
        try {
          if (o.kind === 'release') this.opts.release(o.trade);
          else if (o.kind === 'request') this.opts.requestGap?.(o.request);
          else this.opts.status?.(o.status);
        } catch (e) {
          if (!failed) {
            failed = true;
            error = e;
          }
        }
      }
    } finally {
      this.out.length = 0;
      this.flushing = false;
      if (enter && !this.simple) this.enterSimple();
    }
    if (failed) throw error;
  }
}
