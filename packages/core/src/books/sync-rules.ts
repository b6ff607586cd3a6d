import { compareUpdateIds, isUpdateId, nextUpdateId } from './update-id.js';

/**
 * How a venue's book deltas chain, as data:
 * - `range` (Binance): a delta carries its first id `U` (`firstUpdateId`) and last id `u` (`updateId`).
 *   Stale when `u <= id`, a gap when `U > id + 1`, else applied and the book's id becomes `u`. The first
 *   delta after a snapshot obeys the same test, which makes it straddle the snapshot (`U <= S + 1 <= u`).
 * - `chain` (OKX): a delta carries the id of the push before it (`prevUpdateId`) and its own
 *   (`updateId`); ids jump, so continuity is by identity: `prevUpdateId == id`. With `updateId == id` it
 *   is a keep-alive (accepted, id unchanged), with `updateId < prevUpdateId` a venue reset (accepted, the
 *   id goes down). The first delta after a snapshot `S` is dropped when `updateId <= S` and otherwise
 *   needs `prevUpdateId <= S` (it straddles the snapshot).
 */
export type BookSyncKind = 'range' | 'chain';

/** What every rule says besides its kind. */
interface BookSyncRuleBase {
  /**
   * Where a snapshot comes from when the engine asks for one (`snapshotNeeded`): `rest` (the caller
   * fetches it within the venue's weight budget) or `ws` (the caller resubscribes to get one in band).
   */
  readonly snapshotSource: 'rest' | 'ws';
  /** A WebSocket snapshot, whenever one arrives, replaces the book and anchors the sequence (else it is ignored). */
  readonly wsSnapshotAnchors: boolean;
  /** Most deltas buffered while waiting for a snapshot; one more discards them and starts buffering again. */
  readonly maxBuffered: number;
  /** `staleFor(silentMs)` with at least this many ms takes a live book out of sync. */
  readonly staleAfterMs: number;
}

/** Deltas with a first and a last id (Binance `U`/`u`). */
export interface RangeSyncRule extends BookSyncRuleBase {
  readonly kind: 'range';
}

/** Deltas naming the previous push's id (OKX `prevSeqId`/`seqId`). */
export interface ChainSyncRule extends BookSyncRuleBase {
  readonly kind: 'chain';
}

/** A venue's book sync rule. */
export type BookSyncRule = RangeSyncRule | ChainSyncRule;

/**
 * The venues' rules (see `docs/design.md`, "Order books"). Binance: REST `/api/v3/depth` only. OKX: REST
 * `/api/v5/market/books` with `seqId`, and the legacy in-band snapshot (`prevSeqId` -1) taken as an anchor
 * while the venue still sends it. Both bound the buffer at 10,000 deltas, as nautilus does; 90 s of
 * silence is 1.5 times OKX's 60 s keep-alive.
 */
export const BOOK_SYNC_RULES = {
  binance: { kind: 'range', snapshotSource: 'rest', wsSnapshotAnchors: false, maxBuffered: 10_000, staleAfterMs: 90_000 },
  okx: { kind: 'chain', snapshotSource: 'rest', wsSnapshotAnchors: true, maxBuffered: 10_000, staleAfterMs: 90_000 },
} as const satisfies Record<string, BookSyncRule>;

/** The ids of a venue delta (canonical decimal integer strings, see `isUpdateId`). */
export interface DeltaIds {
  /** The venue's id the book is at after this delta (Binance `u`, OKX `seqId`). */
  readonly updateId: string;
  /** `range`: the first id this delta contains (Binance `U`). */
  readonly firstUpdateId?: string;
  /** `chain`: the id of the push before this one (OKX `prevSeqId`). */
  readonly prevUpdateId?: string;
}

/**
 * What to do with a delta: `apply` it; `keep-alive` and `reset` are applied too (`chain`: an empty
 * update that keeps the id; a venue reset that lowers it); `skip` it (already in the book); `gap`: updates
 * are missing, the book is out of sync.
 */
export type DeltaVerdict = 'apply' | 'keep-alive' | 'reset' | 'skip' | 'gap';

/** A `RangeError` unless `ids` carries what `kind` needs, as canonical ids in a sane order. */
export function checkDeltaIds(kind: BookSyncKind, ids: DeltaIds): void {
  if (!isUpdateId(ids.updateId)) throw new RangeError(`book delta updateId must be a canonical decimal integer, got ${JSON.stringify(ids.updateId)}`);
  if (kind === 'range') {
    const first = ids.firstUpdateId;
    if (first === undefined || !isUpdateId(first)) throw new RangeError(`range rule: book delta firstUpdateId must be a canonical decimal integer, got ${JSON.stringify(first)}`);
    if (compareUpdateIds(first, ids.updateId) > 0) throw new RangeError(`range rule: book delta firstUpdateId ${first} is after its updateId ${ids.updateId}`);
  } else {
    const prev = ids.prevUpdateId;
    if (prev === undefined || !isUpdateId(prev)) throw new RangeError(`chain rule: book delta prevUpdateId must be a canonical decimal integer, got ${JSON.stringify(prev)}`);
  }
}

/** The delta that follows a book at id `last` (ids checked by `checkDeltaIds`). */
export function nextDeltaVerdict(kind: BookSyncKind, last: string, ids: DeltaIds): DeltaVerdict {
  if (kind === 'range') {
    if (compareUpdateIds(ids.updateId, last) <= 0) return 'skip';
    return compareUpdateIds(ids.firstUpdateId!, nextUpdateId(last)) > 0 ? 'gap' : 'apply';
  }
  if (ids.prevUpdateId !== last) return 'gap';
  const c = compareUpdateIds(ids.updateId, last);
  return c > 0 ? 'apply' : c === 0 ? 'keep-alive' : 'reset';
}

/**
 * The first delta applied after a snapshot at id `snapshotId`: `skip` when the snapshot contains it,
 * `gap` when it does not reach back to the snapshot.
 */
export function firstDeltaVerdict(kind: BookSyncKind, snapshotId: string, ids: DeltaIds): DeltaVerdict {
  if (kind === 'range' || ids.prevUpdateId === snapshotId) return nextDeltaVerdict(kind, snapshotId, ids);
  if (compareUpdateIds(ids.updateId, snapshotId) <= 0) return 'skip';
  return compareUpdateIds(ids.prevUpdateId!, snapshotId) < 0 ? 'apply' : 'gap';
}

/**
 * A snapshot at `snapshotId` is older than the first delta buffered (`range`: `S < U`; `chain`:
 * `S < prevUpdateId`): updates between them are lost, another snapshot is needed.
 */
export function isSnapshotTooOld(kind: BookSyncKind, snapshotId: string, firstBuffered: DeltaIds): boolean {
  const from = kind === 'range' ? firstBuffered.firstUpdateId! : firstBuffered.prevUpdateId!;
  return compareUpdateIds(snapshotId, from) < 0;
}
