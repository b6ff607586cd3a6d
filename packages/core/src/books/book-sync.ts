import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, WIRE_VERSION, type Book, type BookLevel } from '@tickgate/schema';
import { OrderBook, type BookSide } from './order-book.js';
import { checkDeltaIds, firstDeltaVerdict, isSnapshotTooOld, nextDeltaVerdict, type BookSyncRule, type DeltaVerdict } from './sync-rules.js';
import { applyTopDelta } from './top-delta.js';
import { compareUpdateIds, isUpdateId } from './update-id.js';
import type { BookDelta, BookResyncReason, BookSnapshot, BookSyncCounters, BookSyncListener, BookSyncOptions, BookSyncState } from './types.js';

/** A `RangeError` unless every level is a canonical price with a canonical size. */
function checkLevels(levels: readonly BookLevel[], what: string): void {
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (!Array.isArray(level) || level.length !== 2) throw new RangeError(`${what}[${i}] must be a [price, size] pair`);
    const [price, size] = level;
    if (typeof price !== 'string' || canonicalDecimalOrUndefined(price) !== price) throw new RangeError(`${what}[${i}] price must be a canonical positive decimal, got ${JSON.stringify(price)}`);
    if (typeof size !== 'string' || canonicalSizeOrUndefined(size) !== size) throw new RangeError(`${what}[${i}] size must be a canonical size ("0" or a canonical positive decimal), got ${JSON.stringify(size)}`);
  }
}

/**
 * One instrument's L2 book kept in sync with a venue by the venue's rule (`BookSyncRule`), publishing
 * exact top-`depth` snapshots and deltas with the gateway's `seq`. Pure logic: no I/O, no timers, no
 * clock (times come with the inputs; silence is reported through `staleFor`).
 *
 * - **Buffering**: deltas are buffered (at most `rule.maxBuffered`; one more discards them with a
 *   `buffer-overflow` resync and buffering starts again). The first one buffered asks the listener for a
 *   snapshot (`snapshotNeeded`). A `chain` venue reset (`updateId < prevUpdateId`) while buffering
 *   discards the buffer (a `venue-reset` resync if it was not empty) and the reset itself: buffering
 *   starts again after it.
 * - **Anchoring** (`snapshot`): a snapshot older than the first buffered delta is refused
 *   (`snapshot-too-old`, asked again), and so is a crossed one (`crossed`). Otherwise it becomes the
 *   book (with nothing buffered, at once: the first delta after it must then straddle it), the buffered deltas it contains
 *   are dropped, the first one kept must straddle it, the others must follow one another (a `gap`
 *   resync otherwise, keeping the deltas from the failing one on); then the book is live and a snapshot
 *   of its top levels is published, followed by `synced`. A WebSocket snapshot anchors only where the
 *   rule says so (`wsSnapshotAnchors`); arriving while live, it replaces the book (`venue-reset`).
 *   A REST snapshot arriving while live is ignored (an answer to an earlier request).
 * - **Live**: each delta is checked against the book's id: skipped when contained, applied when it
 *   follows, a `gap` resync otherwise. After every applied venue message the book must not be crossed
 *   (a `crossed` resync otherwise, before anything is published). What is published is exactly the
 *   change of the top-`depth` view (`applyTopDelta`); a delta that changes nothing in it publishes
 *   nothing.
 * - **Resync**: the book is dropped, a `resync` event goes out, and buffering starts again (with the
 *   delta that revealed the problem, if any). `disconnected()` and `staleFor()` resync a live book and
 *   discard the buffer.
 *
 * `seq` is one more for every published message and continues across resyncs; venue ids on the
 * messages are informational (deltas that change nothing visible are not published). The book itself is
 * kept as deep as the venue gives it; the published depth is `min(options.depth, snapshot depth)`.
 */
export class BookSync {
  readonly venue: string;
  readonly instrument: string;
  readonly symbol: string;
  readonly rule: BookSyncRule;

  private readonly maxDepth: number;
  private readonly listener: BookSyncListener;
  private readonly book = new OrderBook();

  private current: BookSyncState = 'buffering';
  private buffer: BookDelta[] = [];
  /** `snapshotNeeded` was called in this sync attempt. */
  private asked = false;
  private needReason: 'initial' | BookResyncReason = 'initial';
  /** The venue id the book is at (live, or while anchoring). */
  private bookId: string | undefined;
  /** The venue id of the snapshot the book was built on. */
  private anchorId: string | undefined;
  /** No delta applied since the snapshot: the next one must straddle it. */
  private anchorPending = false;
  /** Levels per side published: min(options.depth, the snapshot's depth). */
  private visible = 0;
  private lastSeq: number;

  private readonly outbox: Array<() => void> = [];
  private delivering = false;

  private counts = { applied: 0, skipped: 0, keepAlives: 0, resets: 0, snapshots: 0, snapshotsIgnored: 0, resyncs: 0, published: 0 };

  constructor(options: BookSyncOptions) {
    if (!Number.isInteger(options.depth) || options.depth < 1) throw new RangeError(`book depth must be a positive integer, got ${options.depth}`);
    const lastSeq = options.lastSeq ?? 0;
    if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) throw new RangeError(`lastSeq must be a non-negative integer, got ${lastSeq}`);
    const rule = options.rule;
    if (rule.kind !== 'range' && rule.kind !== 'chain') throw new RangeError(`unknown book sync rule kind ${JSON.stringify((rule as { kind: unknown }).kind)}`);
    if (!Number.isInteger(rule.maxBuffered) || rule.maxBuffered < 1) throw new RangeError(`rule maxBuffered must be a positive integer, got ${rule.maxBuffered}`);
    if (!(rule.staleAfterMs > 0)) throw new RangeError(`rule staleAfterMs must be positive, got ${rule.staleAfterMs}`);
    this.venue = options.venue;
    this.instrument = options.instrument;
    this.symbol = options.symbol;
    this.rule = rule;
    this.maxDepth = options.depth;
    this.listener = options.listener;
    this.lastSeq = lastSeq;
  }

  /** Where the engine is: `buffering`, `live` or `resyncing`. */
  get state(): BookSyncState {
    return this.current;
  }

  /** The last `seq` published (0 before the first message, unless `lastSeq` was given). */
  get seq(): number {
    return this.lastSeq;
  }

  /** The venue id the live book is at; `undefined` when not live. */
  get updateId(): string | undefined {
    return this.current === 'live' ? this.bookId : undefined;
  }

  /** Levels per side published now (0 when not live). */
  get depth(): number {
    return this.current === 'live' ? this.visible : 0;
  }

  /** The published view of a side: its top `depth` levels, best first; empty when not live. */
  top(side: BookSide): BookLevel[] {
    return this.current === 'live' ? this.book.levels(side, this.visible) : [];
  }

  /** Totals for metrics. */
  counters(): BookSyncCounters {
    return { ...this.counts, buffered: this.buffer.length };
  }

  // ---- inputs ------------------------------------------------------------------------------------

  /** A venue delta, in arrival order. A `RangeError` for ids or levels that are not canonical (nothing changes then). */
  delta(delta: BookDelta): void {
    checkDeltaIds(this.rule.kind, delta);
    checkLevels(delta.bids, 'bids');
    checkLevels(delta.asks, 'asks');
    if (this.current === 'live') this.liveDelta(delta);
    else this.bufferDelta(delta);
    this.flush();
  }

  /** A venue snapshot (REST, or in band). A `RangeError` for an id, levels or depth that are not valid (nothing changes then). */
  snapshot(snapshot: BookSnapshot): void {
    if (!isUpdateId(snapshot.updateId)) throw new RangeError(`book snapshot updateId must be a canonical decimal integer, got ${JSON.stringify(snapshot.updateId)}`);
    if (snapshot.source !== 'rest' && snapshot.source !== 'ws') throw new RangeError(`book snapshot source must be "rest" or "ws", got ${JSON.stringify(snapshot.source)}`);
    if (snapshot.depth !== undefined && (!Number.isInteger(snapshot.depth) || snapshot.depth < 1)) throw new RangeError(`book snapshot depth must be a positive integer, got ${snapshot.depth}`);
    checkLevels(snapshot.bids, 'bids');
    checkLevels(snapshot.asks, 'asks');
    if (snapshot.source === 'ws' && !this.rule.wsSnapshotAnchors) {
      this.counts.snapshotsIgnored++;
    } else if (this.current === 'live') {
      if (snapshot.source === 'rest') {
        this.counts.snapshotsIgnored++;
      } else {
        this.loseSync('venue-reset', `the venue sent a snapshot at ${snapshot.updateId} while the book was in sync at ${this.bookId}`, []);
        this.anchor(snapshot);
      }
    } else {
      this.anchor(snapshot);
    }
    this.flush();
  }

  /** The feed carrying this instrument went down: a live book resyncs (`disconnect`), the buffer is discarded. */
  disconnected(): void {
    if (this.current === 'live') {
      this.loseSync('disconnect', `the feed went down with the book at ${this.bookId}`, []);
    } else {
      this.buffer = [];
      this.asked = false;
    }
    this.flush();
  }

  /**
   * Nothing has arrived for this instrument for `silentMs` (the caller measures it): at
   * `rule.staleAfterMs` or more, a live book resyncs (`stale`) and the buffer starts over.
   */
  staleFor(silentMs: number): void {
    if (!(silentMs >= 0)) throw new RangeError(`silentMs must be a non-negative number, got ${silentMs}`);
    if (this.current === 'live' && silentMs >= this.rule.staleAfterMs) {
      this.loseSync('stale', `no book update for ${silentMs} ms (limit ${this.rule.staleAfterMs} ms) with the book at ${this.bookId}`, []);
    }
    this.flush();
  }

  /**
   * Publish the live book again as a snapshot (the next `seq`), for late joiners that start from the last
   * snapshot a stream holds. Nothing when the book is not in sync. Returns whether one was published.
   */
  republish(receiveTime: number): boolean {
    if (this.current !== 'live' || this.bookId === undefined) return false;
    this.emit(this.snapshotMessage(this.bookId, receiveTime, undefined));
    this.flush();
    return true;
  }

  // ---- logic -------------------------------------------------------------------------------------

  private verdict(delta: BookDelta): DeltaVerdict {
    const id = this.bookId!;
    return this.anchorPending ? firstDeltaVerdict(this.rule.kind, id, delta) : nextDeltaVerdict(this.rule.kind, id, delta);
  }

  private countApplied(verdict: DeltaVerdict): void {
    this.counts.applied++;
    if (verdict === 'keep-alive') this.counts.keepAlives++;
    else if (verdict === 'reset') this.counts.resets++;
  }

  private gapMessage(delta: BookDelta): string {
    const ids = this.rule.kind === 'range' ? `first id ${delta.firstUpdateId}, last ${delta.updateId}` : `prev id ${delta.prevUpdateId}, id ${delta.updateId}`;
    return `${this.anchorPending ? 'first delta after the snapshot at' : 'delta after'} ${this.bookId} does not follow it (${ids})`;
  }

  private bufferDelta(delta: BookDelta): void {
    if (this.rule.kind === 'chain' && compareUpdateIds(delta.updateId, delta.prevUpdateId!) < 0) {
      // Ids before a reset cannot be compared with those after it: no snapshot taken after the reset
      // would pass the too-old test against the reset or the deltas buffered before it. Start again
      // after it (a snapshot that follows the reset contains it).
      if (this.buffer.length > 0) this.loseSync('venue-reset', `the venue reset its sequence (${delta.prevUpdateId} to ${delta.updateId}) while buffering`, []);
      else this.counts.skipped++;
      return;
    }
    if (this.buffer.length >= this.rule.maxBuffered) {
      this.loseSync('buffer-overflow', `more than ${this.rule.maxBuffered} deltas buffered waiting for a snapshot`, []);
    }
    this.buffer.push(delta);
    this.ask();
  }

  private ask(): void {
    if (this.asked || this.buffer.length === 0) return;
    this.asked = true;
    const reason = this.needReason;
    this.outbox.push(() => this.listener.snapshotNeeded(reason));
  }

  private liveDelta(delta: BookDelta): void {
    const verdict = this.verdict(delta);
    if (verdict === 'skip') {
      // The documented rule ignores a delta the book already holds. One older than the snapshot the book
      // was built on, once later deltas have followed that snapshot, can only be the venue starting its
      // ids over (a restart): left alone, the new sequence would soon look contiguous with the old book.
      if (this.rule.kind === 'range' && !this.anchorPending && this.anchorId !== undefined && compareUpdateIds(delta.updateId, this.anchorId) < 0) {
        this.loseSync('venue-reset', `delta ${delta.firstUpdateId}..${delta.updateId} is older than the snapshot the book was built on (${this.anchorId}) after later deltas: the venue's ids started over`, [delta]);
        return;
      }
      this.counts.skipped++;
      return;
    }
    if (verdict === 'gap') {
      this.loseSync('gap', this.gapMessage(delta), [delta]);
      return;
    }
    const bids = applyTopDelta(this.book, 'bid', delta.bids, this.visible);
    const asks = applyTopDelta(this.book, 'ask', delta.asks, this.visible);
    this.bookId = delta.updateId;
    this.anchorPending = false;
    this.countApplied(verdict);
    if (this.book.isCrossed()) {
      this.loseSync('crossed', this.crossedMessage(`delta ${delta.updateId}`), [delta]);
      return;
    }
    if (bids.length === 0 && asks.length === 0) return;
    const book: Book = {
      v: WIRE_VERSION,
      type: 'book',
      venue: this.venue,
      instrument: this.instrument,
      symbol: this.symbol,
      action: 'delta',
      seq: this.lastSeq + 1,
      updateId: delta.updateId,
      ...(delta.firstUpdateId !== undefined ? { firstUpdateId: delta.firstUpdateId } : {}),
      ...(delta.prevUpdateId !== undefined ? { prevUpdateId: delta.prevUpdateId } : {}),
      ...(delta.exchangeTime !== undefined ? { exchangeTime: delta.exchangeTime } : {}),
      receiveTime: delta.receiveTime,
      bids,
      asks,
    };
    this.emit(book);
  }

  private crossedMessage(after: string): string {
    return `book crossed after ${after}: best bid ${this.book.best('bid')![0]} is not below best ask ${this.book.best('ask')![0]}`;
  }

  /** Build the book from `snapshot` and the buffered deltas; live and published if all checks pass. */
  private anchor(snapshot: BookSnapshot): void {
    const first = this.buffer[0];
    if (first !== undefined && isSnapshotTooOld(this.rule.kind, snapshot.updateId, first)) {
      const from = this.rule.kind === 'range' ? first.firstUpdateId : first.prevUpdateId;
      this.loseSync('snapshot-too-old', `snapshot at ${snapshot.updateId} is older than the first buffered delta (from ${from})`, this.buffer);
      return;
    }
    this.counts.snapshots++;
    this.anchorId = snapshot.updateId;
    this.book.replace(snapshot.bids, snapshot.asks);
    if (this.book.isCrossed()) {
      this.loseSync('crossed', this.crossedMessage(`snapshot ${snapshot.updateId}`), this.buffer);
      return;
    }
    this.bookId = snapshot.updateId;
    this.anchorPending = true;
    const vouched = snapshot.depth ?? Math.max(1, this.book.levelCount('bid'), this.book.levelCount('ask'));
    this.visible = Math.min(this.maxDepth, vouched);
    let exchangeTime = snapshot.exchangeTime;
    const buffered = this.buffer;
    for (let i = 0; i < buffered.length; i++) {
      const delta = buffered[i]!;
      const verdict = this.verdict(delta);
      if (verdict === 'skip') {
        this.counts.skipped++;
        continue;
      }
      if (verdict === 'gap') {
        this.loseSync('gap', this.gapMessage(delta), buffered.slice(i));
        return;
      }
      for (const [price, size] of delta.bids) this.book.apply('bid', price, size);
      for (const [price, size] of delta.asks) this.book.apply('ask', price, size);
      this.bookId = delta.updateId;
      this.anchorPending = false;
      this.countApplied(verdict);
      if (delta.exchangeTime !== undefined) exchangeTime = delta.exchangeTime;
      if (this.book.isCrossed()) {
        this.loseSync('crossed', this.crossedMessage(`buffered delta ${delta.updateId}`), buffered.slice(i));
        return;
      }
    }
    this.buffer = [];
    this.asked = false;
    this.current = 'live';
    const seq = this.lastSeq + 1;
    const updateId = this.bookId;
    this.emit(this.snapshotMessage(updateId, snapshot.receiveTime, exchangeTime));
    this.outbox.push(() => this.listener.synced?.({ seq, updateId }));
  }

  /**
   * Drop the book and start a new sync attempt buffering `keep` (asking for a snapshot if it is not
   * empty); a `resync` event says why.
   */
  private loseSync(reason: BookResyncReason, message: string, keep: BookDelta[]): void {
    const event = {
      reason,
      message,
      ...(this.lastSeq > 0 ? { seq: this.lastSeq } : {}),
      ...(this.bookId !== undefined ? { updateId: this.bookId } : {}),
    };
    this.counts.resyncs++;
    this.outbox.push(() => this.listener.resync?.(event));
    if (this.current === 'live') this.current = 'resyncing';
    this.book.clear();
    this.bookId = undefined;
    this.anchorPending = false;
    this.visible = 0;
    this.buffer = keep;
    this.asked = false;
    this.needReason = reason;
    this.ask();
  }

  /** The published view as a snapshot with the next `seq`. */
  private snapshotMessage(updateId: string, receiveTime: number, exchangeTime: number | undefined): Book {
    return {
      v: WIRE_VERSION,
      type: 'book',
      venue: this.venue,
      instrument: this.instrument,
      symbol: this.symbol,
      action: 'snapshot',
      seq: this.lastSeq + 1,
      updateId,
      depth: this.visible,
      ...(exchangeTime !== undefined ? { exchangeTime } : {}),
      receiveTime,
      bids: this.book.levels('bid', this.visible),
      asks: this.book.levels('ask', this.visible),
    };
  }

  private emit(book: Book): void {
    this.lastSeq = book.seq;
    this.counts.published++;
    this.outbox.push(() => this.listener.publish(book));
  }

  /** Deliver queued outputs in order, unless a delivery is under way (a callback re-entered). */
  private flush(): void {
    if (this.delivering) return;
    this.delivering = true;
    let failed = false;
    let error: unknown;
    try {
      for (let i = 0; i < this.outbox.length; i++) {
        try {
          this.outbox[i]!();
        } catch (e) {
          if (!failed) {
            failed = true;
            error = e;
          }
        }
      }
    } finally {
      this.outbox.length = 0;
      this.delivering = false;
    }
    if (failed) throw error;
  }
}
