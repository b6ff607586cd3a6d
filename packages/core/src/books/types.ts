import type { Book, BookLevel } from '@tickgate/schema';
import type { BookSyncRule, DeltaIds } from './sync-rules.js';

/** One venue delta for an instrument's book: its ids, the levels it changes (absolute sizes, `"0"` removes). */
export interface BookDelta extends DeltaIds {
  /** Bids changed, as `[price, size]` canonical strings (see `canonicalSizeOrUndefined`), any order. */
  readonly bids: readonly BookLevel[];
  /** Asks changed, likewise. */
  readonly asks: readonly BookLevel[];
  /** The venue's time of the update, µs, where it gives one. */
  readonly exchangeTime?: number;
  /** When the frame was received, µs. */
  readonly receiveTime: number;
}

/** A venue snapshot of an instrument's book. */
export interface BookSnapshot {
  /** `rest`: fetched because the engine asked; `ws`: arrived in band (OKX's legacy snapshot). */
  readonly source: 'rest' | 'ws';
  /** The venue's id the book is at (Binance `lastUpdateId`, OKX `seqId`). */
  readonly updateId: string;
  /** Canonical `[price, size]` levels (zero sizes are skipped), best first as venues send them (any order works). */
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /**
   * Levels per side the snapshot vouches for: the depth asked of the venue (REST `limit`, the channel's
   * depth), which a thin book does not fill. Default: the longer side's count.
   */
  readonly depth?: number;
  readonly exchangeTime?: number;
  /** When the snapshot was received, µs. */
  readonly receiveTime: number;
}

/**
 * Why a book went out of sync or a sync attempt was given up:
 * - `gap`: updates are missing (a delta does not follow the book's id, or none straddles the snapshot);
 * - `crossed`: after a venue message (or a snapshot) the best bid was at or above the best ask;
 * - `stale`: `staleFor` reported the instrument silent for at least the rule's `staleAfterMs`;
 * - `venue-reset`: the venue sent a new snapshot in band while the book was in sync, or reset its
 *   sequence while deltas were buffered;
 * - `disconnect`: the feed carrying the instrument went down;
 * - `buffer-overflow`: more deltas arrived than the rule's `maxBuffered` while waiting for a snapshot;
 * - `snapshot-too-old`: the snapshot is older than the first buffered delta.
 */
export type BookResyncReason = 'gap' | 'crossed' | 'stale' | 'venue-reset' | 'disconnect' | 'buffer-overflow' | 'snapshot-too-old';

/** The book is out of sync (or a sync attempt failed) and is being rebuilt. */
export interface BookResyncEvent {
  readonly reason: BookResyncReason;
  /** What happened, with the ids involved, for people. */
  readonly message: string;
  /** The last `seq` published before, when one was. */
  readonly seq?: number;
  /** The venue id the book was at, when it had one. */
  readonly updateId?: string;
}

/** The book is in sync: a snapshot was published with this `seq`, at this venue id. */
export interface BookSyncedEvent {
  readonly seq: number;
  readonly updateId: string;
}

/**
 * Where a `BookSync` sends its outputs. Calls come after the engine's state has changed, in order; a
 * callback may call back into the engine (what that produces is delivered after the pending outputs).
 * If a callback throws, the remaining outputs are still delivered and the first error is rethrown.
 */
export interface BookSyncListener {
  /** A wire-valid book message to publish: a snapshot, then deltas, `seq` one more each time. */
  publish(book: Book): void;
  /**
   * Get a snapshot and pass it to `snapshot()`: from REST within the venue's weight budget, with backoff
   * (rule `snapshotSource: 'rest'`), or by resubscribing (`'ws'`). Asked once per sync attempt, when the
   * first delta is buffered; asked again after a `resync` (e.g. `snapshot-too-old`). `reason` is
   * `initial` for the first attempt, else the reason of the last `resync`.
   */
  snapshotNeeded(reason: 'initial' | BookResyncReason): void;
  /** The book is out of sync (nothing more is published until `synced`), or a sync attempt failed. */
  resync?(event: BookResyncEvent): void;
  /** The book is in sync again; follows the snapshot it names. */
  synced?(event: BookSyncedEvent): void;
}

/** Settings of one instrument's `BookSync`. */
export interface BookSyncOptions {
  /** Lowercase venue id (`binance`), for the published messages. */
  readonly venue: string;
  /** Normalized instrument (`BTC-USDT`). */
  readonly instrument: string;
  /** The venue's symbol (`BTCUSDT`). */
  readonly symbol: string;
  /** The venue's rule, e.g. `BOOK_SYNC_RULES.binance`. */
  readonly rule: BookSyncRule;
  /** Levels per side to publish (fewer when a snapshot vouches for fewer). */
  readonly depth: number;
  readonly listener: BookSyncListener;
  /** The last `seq` already published for the instrument (after a restart); default 0, so the first is 1. */
  readonly lastSeq?: number;
}

/**
 * `buffering`: never in sync yet, deltas are buffered until a snapshot anchors them; `live`: in sync,
 * publishing; `resyncing`: was in sync, lost it, buffering again.
 */
export type BookSyncState = 'buffering' | 'live' | 'resyncing';

/** Totals for metrics (`buffered` is the current count). */
export interface BookSyncCounters {
  /** Venue deltas applied to a book in sync (keep-alives and resets included). */
  readonly applied: number;
  /** Deltas dropped because the book already contained them (or, buffering, a venue reset with nothing before it). */
  readonly skipped: number;
  /** `chain`: keep-alive updates accepted. */
  readonly keepAlives: number;
  /** `chain`: venue sequence resets accepted. */
  readonly resets: number;
  /** Snapshots anchored (books built). */
  readonly snapshots: number;
  /** Snapshots ignored: REST ones arriving while in sync, WS ones where the rule does not take them. */
  readonly snapshotsIgnored: number;
  /** `resync` events, all reasons. */
  readonly resyncs: number;
  /** Book messages published. */
  readonly published: number;
  /** Deltas buffered now. */
  readonly buffered: number;
}
