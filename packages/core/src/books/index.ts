// Public surface of this folder; re-exported by ../index.ts.

/**
 * Exact L2 order books: `OrderBook` (levels keyed by canonical price strings, sorted by exact decimal
 * order), the venues' sync rules as data (`BOOK_SYNC_RULES`, kinds `range` and `chain`), and `BookSync`,
 * one per instrument, which keeps a book in sync by its venue's rule and publishes top-N snapshots and
 * deltas with the gateway's `seq`.
 */
export { OrderBook, type BookSide } from './order-book.js';
export { BookSync } from './book-sync.js';
export { BOOK_SYNC_RULES, type BookSyncKind, type BookSyncRule, type RangeSyncRule, type ChainSyncRule, type DeltaIds } from './sync-rules.js';
/** Venue update ids as exact decimal strings (they may exceed 2^53): the check parsers need, and their order. */
export { isUpdateId, compareUpdateIds } from './update-id.js';
export type {
  BookDelta,
  BookSnapshot,
  BookResyncReason,
  BookResyncEvent,
  BookSyncedEvent,
  BookSyncListener,
  BookSyncOptions,
  BookSyncState,
  BookSyncCounters,
} from './types.js';
