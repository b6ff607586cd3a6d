import type { Status, Trade } from '@tickgate/schema';
import type { Rejection } from '../adapter.js';
import { TradeCounts } from './counters.js';
import { resolveBounds } from './defaults.js';
import { GapLedger, type GapEvent } from './gap-ledger.js';
import { OutputQueue } from './output-queue.js';
import { ReleaseQueue } from './release-queue.js';
import { buildStatus, type StatusDetail } from './status.js';
import type { GapReason, OpenGap, SequencerCounters, SequencerOptions, TradeSequencer } from './types.js';

/** What an ordered sequencer reads of `SequencerOptions` (`sequencing` is `consecutive` by its kind). */
export type OrderedSequencerOptions = Omit<SequencerOptions, 'sequencing' | 'dedupWindow'>;

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

/**
 * Orders one instrument's trades where the venue's ids are consecutive integers (`sequencing:
 * 'consecutive'`): each trade's successor is `id + 1`; a trade with span k covers ids `id-k+1..id`.
 * - A trade right after the last released id is released at once.
 * - A trade at or below the last released id is a duplicate (rotation overlap, replay, REST re-fetch)
 *   and is dropped. An aggregated trade that straddles released or held ids is dropped too, and the
 *   ids it covers beyond them are requested from REST (reason `overlap`) so nothing is counted twice.
 * - A trade beyond the next expected id opens a gap `[expected, first - 1]` in the `GapLedger`: a `gap`
 *   status event and a `requestGap` call are emitted, and later trades are held in the `ReleaseQueue`.
 *   Missing ids right after a gap still open (nothing held in between) join it: one `gap` event for a
 *   run of unreadable frames, and one `requestGap` each, marked `joined`.
 *   A rejection carrying a trade id, and a heartbeat naming a last id beyond what arrived, open gaps
 *   the same way.
 * - Trades filling a gap (REST, or a late live one) are taken into it; as soon as the ids after the last
 *   released one are complete, trades are released in id order. When all of a gap's ids have arrived,
 *   a `recovered` status event gives the range and count.
 * - Bounds: a gap open for `holdTimeoutMs`, or more than `maxHeld` held trades, makes the sequencer give
 *   up on the (first) gap: a status `unrecoverable` names the exact id range still missing, the held
 *   trades behind it are released in order, and anything for those ids arriving later is dropped
 *   (`late`). `abandon()` does the same on the reconciler's word (REST cannot provide the ids).
 * - Several gaps may be open at once. REST trades beyond everything known simply extend the sequence
 *   (fallback polling while the stream is down), or open a gap if they jump ahead.
 *
 * The common case (nothing held or missing, no callback running, an id of at most 15 digits that
 * continues the sequence) takes a fast path in `trade()`: the last id is kept as a number and the trade
 * handed to `release` at once, without bigint arithmetic, a clock read or the output queue. Every other
 * input first writes that number back into the bigint state; the outputs, their order and the counters
 * are the same either way.
 */
export class OrderedSequencer implements TradeSequencer {
  readonly venue: string;
  readonly instrument: string;
  readonly sequencing = 'consecutive' as const;

  private readonly holdTimeoutMs: number;
  private readonly maxHeld: number;
  private readonly clock: () => number;
  private readonly fastPath: boolean;

  /** Last id released or passed over (declared unrecoverable); `undefined` before the first trade. */
  private last: bigint | undefined;
  /** Highest id known to exist: `(last, frontier]` is exactly covered by `held` and `gaps`. */
  private frontier: bigint | undefined;
  private readonly held = new ReleaseQueue();
  private readonly gaps: GapLedger;
  /**
   * `recovered` and `unrecoverable` events waiting for the sequence to pass their range: a consumer
   * acting on one must already have every trade it describes, so each goes out right after the
   * release of (or the passing over) its last id. Insertion order; `to` is the range's last id.
   */
  private readonly settledRanges: Array<{ readonly to: bigint; readonly status: Status }> = [];
  private afterDisconnect = false;
  /** The reason of the first gap after `startAfterId`, until the sequence has moved past it. */
  private startGapReason: GapReason | undefined;

  private readonly out: OutputQueue;
  private readonly counts = new TradeCounts();

  /**
   * `last` and `frontier` are `lastNum` (a safe integer below 10^15 - 1), and nothing is held or missing: the fast path
   * may run (when no delivery is under way), and `last`/`frontier` may lag behind `lastNum` until `sync()`.
   */
  private simple = false;
  private lastNum = 0;

  constructor(options: OrderedSequencerOptions) {
    this.venue = options.venue;
    this.instrument = options.instrument;
    const bounds = resolveBounds(options);
    this.holdTimeoutMs = bounds.holdTimeoutMs;
    this.maxHeld = bounds.maxHeld;
    this.clock = options.clock ?? Date.now;
    this.fastPath = options.fastPath !== false;
    this.out = new OutputQueue(options);
    this.gaps = new GapLedger((event: GapEvent, detail: StatusDetail, nowMs: number) => this.report(event, detail, nowMs));
    if (options.startAfterId !== undefined) {
      if (!INTEGER_ID.test(options.startAfterId)) throw new RangeError(`startAfterId must be an integer id, got ${JSON.stringify(options.startAfterId)}`);
      this.last = BigInt(options.startAfterId);
      this.frontier = this.last;
      this.startGapReason = options.startGapReason;
    }
    this.enterSimple();
  }

  // ---- inputs ------------------------------------------------------------------------------------

  trade(trade: Trade, span = 1): void {
    if (this.simple && !this.out.delivering && trade.instrument === this.instrument) {
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
    this.out.flush(trade.id.length <= FAST_ID_DIGITS ? this.settled : undefined);
  }

  /** Trades from one REST response, in any order: they are taken in ascending id order. */
  restTrades(trades: readonly Trade[]): void {
    this.sync();
    const keyed = trades.map((t) => ({ t, id: INTEGER_ID.test(t.id) ? BigInt(t.id) : -1n }));
    keyed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const k of keyed) this.accept(k.t, 1);
    this.out.flush(this.settled);
  }

  /** A frame the parser rejected. One carrying a `tradeId` is a gap: that id is fetched from REST. */
  rejected(rejection: Rejection): void {
    this.sync();
    this.counts.rejections++;
    const id = rejection.tradeId;
    if (id !== undefined && INTEGER_ID.test(id)) {
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
    this.out.flush(this.settled);
  }

  /** The venue's own word on its last trade id (e.g. a heartbeat's `lastTradeId`): ids beyond what arrived are a gap. */
  heartbeat(lastTradeId: string): void {
    this.sync();
    if (this.frontier !== undefined && INTEGER_ID.test(lastTradeId)) {
      const t = BigInt(lastTradeId);
      const now = this.clock();
      if (t > this.frontier) {
        this.openGap(this.frontier + 1n, t, 'heartbeat', now);
        this.frontier = t;
      }
      this.enforceBounds(now);
    }
    this.out.flush(this.settled);
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
    if (INTEGER_ID.test(fromId) && INTEGER_ID.test(toId)) {
      const now = this.clock();
      this.gaps.abandon(BigInt(fromId), BigInt(toId), reason, now);
      this.drain();
      this.enforceBounds(now);
    }
    this.out.flush(this.settled);
  }

  tick(nowMs: number = this.clock()): void {
    this.sync();
    this.enforceBounds(nowMs);
    this.out.flush(this.settled);
  }

  // ---- state -------------------------------------------------------------------------------------

  get lastId(): string | undefined {
    if (this.simple) return String(this.lastNum);
    return this.last?.toString();
  }

  /** (The fast path never changes `gaps`: no `sync()` needed.) */
  openGaps(): OpenGap[] {
    return this.gaps.openGaps();
  }

  /** (The fast path keeps the release counters exact and never changes `gaps` or `held`: no `sync()` needed.) */
  counters(): SequencerCounters {
    const gaps = this.gaps;
    return this.counts.snapshot({
      gapsOpened: gaps.gapsOpened,
      recoveredIds: gaps.recoveredIds,
      unrecoverableIds: gaps.unrecoverableIds,
      held: this.held.size,
      ...gaps.missing(),
    });
  }

  // ---- sequencing --------------------------------------------------------------------------------

  private accept(trade: Trade, span: number): void {
    if (trade.instrument !== this.instrument || !INTEGER_ID.test(trade.id) || !Number.isInteger(span) || span < 1) {
      this.counts.invalid++;
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
      this.startGapReason = undefined; // the start continued without a gap
      if (live) this.afterDisconnect = false;
      this.emitRelease(trade);
      this.enforceBounds(now);
      return;
    }
    if (end <= last) {
      this.counts.duplicates++;
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
      this.held.hold({ start, end, trade });
    } else {
      const gi = this.gaps.find(start);
      const g = this.gaps.at(gi);
      if (g === undefined) {
        this.dropOverlap(end, now); // its first id is held already
        return;
      }
      if (g.abandoned) {
        this.counts.late++;
        return;
      }
      if (end <= g.to) {
        this.gaps.fill(gi, start, end, now);
      } else if (g.to === frontier) {
        this.gaps.fill(gi, start, g.to, now);
        this.frontier = end;
      } else {
        this.dropOverlap(end, now); // it runs into held ids
        return;
      }
      this.held.hold({ start, end, trade });
    }
    this.drain();
    this.enforceBounds(now);
  }

  /** Drop a trade whose ids are partly released or held; ids it covers beyond everything known are requested. */
  private dropOverlap(end: bigint, now: number): void {
    this.counts.duplicates++;
    const frontier = this.frontier;
    if (frontier !== undefined && end > frontier) {
      this.openGap(frontier + 1n, end, 'overlap', now);
      this.frontier = end;
      this.enforceBounds(now);
    }
  }

  /**
   * Open `[from, to]` in the ledger (its `gap` status is queued) and ask for it. Ids right after a gap
   * still open join it (no new status); they are still asked for, marked `joined`, so that the owner
   * can add them to the request in hand.
   */
  private openGap(from: bigint, to: bigint, gapReason: GapReason, now: number): void {
    const reason = this.startGapReason ?? gapReason;
    this.startGapReason = undefined;
    const joined = this.gaps.open(from, to, reason, now);
    this.out.request({ instrument: this.instrument, fromId: from.toString(), toId: to.toString(), reason, ...(joined ? { joined: true as const } : {}) });
  }

  /** Release held trades, and pass abandoned gaps, while they continue the sequence. */
  private drain(): void {
    if (this.last === undefined) return;
    let last = this.last;
    for (;;) {
      last = this.held.releaseAfter(last, this.emitRelease);
      const passed = this.gaps.pass(last + 1n);
      if (passed === undefined) break;
      last = passed;
      if (this.settledRanges.length > 0) this.emitSettled(last);
    }
    this.last = last;
  }

  /** A gap event from the ledger: `gap` goes out at once (before the data), the others once their range is passed. */
  private report(event: GapEvent, detail: StatusDetail, nowMs: number): void {
    const status = buildStatus(this.venue, this.instrument, event, nowMs, detail);
    if (event === 'gap' || detail.toId === undefined) this.out.status(status);
    else this.settledRanges.push({ to: BigInt(detail.toId), status });
  }

  /** Emit the settled-range events whose last id is now released or passed over. */
  private emitSettled(last: bigint): void {
    let kept = 0;
    for (const entry of this.settledRanges) {
      if (entry.to <= last) this.out.status(entry.status);
      else this.settledRanges[kept++] = entry;
    }
    this.settledRanges.length = kept;
  }

  private enforceBounds(now: number): void {
    if (this.gaps.size === 0) return;
    if (this.gaps.expire(now, this.holdTimeoutMs)) this.drain();
    while (this.held.size > this.maxHeld) {
      if (!this.gaps.abandonFirst('hold-limit', now)) break;
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

  /** Take the fast path from now on if the state allows it (called when the outermost delivery ends). */
  private enterSimple(): void {
    const last = this.last;
    if (
      this.fastPath &&
      this.startGapReason === undefined &&
      !this.out.delivering &&
      this.out.size === 0 &&
      this.held.size === 0 &&
      this.gaps.size === 0 &&
      last !== undefined &&
      last <= FAST_LAST_MAX &&
      last >= FAST_LAST_MIN &&
      last === this.frontier
    ) {
      this.lastNum = Number(last);
      this.simple = true;
    }
  }

  /** When a delivery ends: see whether the fast path can be taken from now on (declining is always safe). */
  private readonly settled = (): void => {
    if (!this.simple) this.enterSimple();
  };

  /**
   * The fast path's release: what `accept` and the output queue do for a trade continuing the sequence
   * when nothing is held or missing. The state is updated before `release` runs; a callback re-entering
   * the sequencer finds a delivery under way, so its outputs are queued and delivered afterwards.
   */
  private releaseNow(trade: Trade, end: number): void {
    this.lastNum = end;
    this.counts.released(trade);
    if (trade.source === 'ws') this.afterDisconnect = false;
    this.out.releaseNow(trade, this.settled);
  }

  // ---- output ------------------------------------------------------------------------------------

  private readonly emitRelease = (trade: Trade): void => {
    this.counts.released(trade);
    this.out.release(trade);
    if (this.settledRanges.length > 0) this.emitSettled(BigInt(trade.id));
  };
}
