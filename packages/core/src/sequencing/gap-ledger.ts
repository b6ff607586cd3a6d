import type { StatusDetail } from './status.js';
import type { GapReason, OpenGap } from './types.js';

/** What becomes of gaps, as the state of the status event that reports it. */
export type GapEvent = 'gap' | 'recovered' | 'unrecoverable';

/** Receives each gap event with its detail (`fromId`, `toId`, `count`, `reason`, maybe `message`) and time. */
export type GapReporter = (event: GapEvent, detail: StatusDetail, nowMs: number) => void;

/** One gap as opened, and what became of its ids (pieces of it may be filled out of order). */
interface GapRecord {
  readonly from: bigint;
  /** Grows when missing ids right after the gap join it. */
  to: bigint;
  readonly reason: GapReason;
  missing: bigint;
  filled: number;
  lost: number;
}

/** A piece of a gap: a range of its ids, all still missing or all declared unrecoverable. */
interface GapPiece {
  from: bigint;
  to: bigint;
  readonly openedAtMs: number;
  readonly record: GapRecord;
  /** Declared unrecoverable; kept until passed so that late arrivals inside it are known as such. */
  abandoned: boolean;
}

/** A piece as the ledger's owner sees it. */
export interface GapPieceView {
  readonly from: bigint;
  readonly to: bigint;
  readonly openedAtMs: number;
  readonly abandoned: boolean;
}

/**
 * The missing id ranges of one instrument: gaps opened (always beyond every id known so far, so the
 * pieces stay in ascending order), filled piece by piece, declared unrecoverable (by age, by the owner's
 * word, or the first one to relieve the hold bound), and passed once the sequence reaches an abandoned
 * one. Reports `gap`, `recovered` (when all of a gap's ids are accounted for and some arrived) and
 * `unrecoverable` (the exact range) through `report`, in the order they happen.
 */
export class GapLedger {
  private readonly pieces: GapPiece[] = [];
  private opened = 0;
  private recovered = 0;
  private lost = 0;

  constructor(private readonly report: GapReporter) {}

  /** Pieces kept, missing or abandoned and not yet passed: 0 when nothing is missing or in the way. */
  get size(): number {
    return this.pieces.length;
  }

  /** Gaps opened so far. */
  get gapsOpened(): number {
    return this.opened;
  }

  /** Missing ids filled so far. */
  get recoveredIds(): number {
    return this.recovered;
  }

  /** Ids declared unrecoverable so far. */
  get unrecoverableIds(): number {
    return this.lost;
  }

  /**
   * Open `[from, to]` (beyond every piece kept) and report it as a `gap`; or, when it starts right after
   * the last piece and that piece is still missing, join it to that piece's gap: no new event, the gap's
   * `recovered` or `unrecoverable` will name the whole range, and its age is the first part's. Returns
   * whether it was joined.
   */
  open(from: bigint, to: bigint, reason: GapReason, nowMs: number): boolean {
    const count = to - from + 1n;
    const tail = this.pieces[this.pieces.length - 1];
    if (tail !== undefined && !tail.abandoned && tail.to + 1n === from && tail.record.to === tail.to) {
      tail.to = to;
      tail.record.to = to;
      tail.record.missing += count;
      return true;
    }
    const record: GapRecord = { from, to, reason, missing: count, filled: 0, lost: 0 };
    this.pieces.push({ from, to, openedAtMs: nowMs, record, abandoned: false });
    this.opened++;
    this.report('gap', { fromId: from.toString(), toId: to.toString(), count: Number(count), reason }, nowMs);
    return false;
  }

  /** Index of the piece containing `id`, or -1. */
  find(id: bigint): number {
    const pieces = this.pieces;
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = pieces[mid];
      if (g === undefined) break;
      if (id < g.from) hi = mid - 1;
      else if (id > g.to) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** The piece at `index` (from `find`). */
  at(index: number): GapPieceView | undefined {
    return this.pieces[index];
  }

  /** Ids `[from, to]`, inside the missing piece at `index`, have arrived. */
  fill(index: number, from: bigint, to: bigint, nowMs: number): void {
    const g = this.pieces[index];
    if (g === undefined || g.abandoned) return;
    const rest: GapPiece[] = [];
    if (g.from < from) rest.push({ ...g, to: from - 1n });
    if (to < g.to) rest.push({ ...g, from: to + 1n });
    this.pieces.splice(index, 1, ...rest);
    const n = Number(to - from + 1n);
    const rec = g.record;
    rec.missing -= BigInt(n);
    rec.filled += n;
    this.recovered += n;
    if (rec.missing === 0n) this.settle(rec, nowMs);
  }

  /** Declare the missing ids in `[from, to]` unrecoverable, one `unrecoverable` event per piece. */
  abandon(from: bigint, to: bigint, reason: string, nowMs: number): void {
    const pieces = this.pieces;
    for (let i = 0; i < pieces.length; i++) {
      const g = pieces[i];
      if (g === undefined || g.abandoned || g.to < from || g.from > to) continue;
      const lo = g.from > from ? g.from : from;
      const hi = g.to < to ? g.to : to;
      const parts: GapPiece[] = [];
      if (g.from < lo) parts.push({ ...g, to: lo - 1n });
      const dead: GapPiece = { ...g, from: lo, to: hi };
      parts.push(dead);
      if (hi < g.to) parts.push({ ...g, from: hi + 1n });
      pieces.splice(i, 1, ...parts);
      i += parts.length - 1;
      this.abandonPiece(dead, reason, nowMs);
    }
  }

  /** Declare every missing piece open at least `maxAgeMs` unrecoverable (reason `timeout`); whether any was. */
  expire(nowMs: number, maxAgeMs: number): boolean {
    let changed = false;
    for (const g of this.pieces) {
      if (!g.abandoned && nowMs - g.openedAtMs >= maxAgeMs) {
        this.abandonPiece(g, 'timeout', nowMs);
        changed = true;
      }
    }
    return changed;
  }

  /** Declare the first missing piece unrecoverable; false when nothing is missing. */
  abandonFirst(reason: string, nowMs: number): boolean {
    const g = this.pieces.find((p) => !p.abandoned);
    if (g === undefined) return false;
    this.abandonPiece(g, reason, nowMs);
    return true;
  }

  /** When the first piece is abandoned and starts at `next`, forget it and return its last id (the sequence passes it). */
  pass(next: bigint): bigint | undefined {
    const g = this.pieces[0];
    if (g === undefined || !g.abandoned || g.from !== next) return undefined;
    this.pieces.shift();
    return g.to;
  }

  /** Missing ranges, ascending. */
  openGaps(): OpenGap[] {
    return this.pieces.filter((g) => !g.abandoned).map((g) => ({ fromId: g.from.toString(), toId: g.to.toString(), openedAtMs: g.openedAtMs }));
  }

  /** Missing ranges now, and the ids in them. */
  missing(): { readonly openGaps: number; readonly missingIds: number } {
    let openGaps = 0;
    let ids = 0n;
    for (const g of this.pieces) {
      if (g.abandoned) continue;
      openGaps++;
      ids += g.to - g.from + 1n;
    }
    return { openGaps, missingIds: Number(ids) };
  }

  private abandonPiece(g: GapPiece, reason: string, nowMs: number): void {
    g.abandoned = true;
    const count = g.to - g.from + 1n;
    const rec = g.record;
    rec.missing -= count;
    rec.lost += Number(count);
    this.lost += Number(count);
    this.report('unrecoverable', { fromId: g.from.toString(), toId: g.to.toString(), count: Number(count), reason }, nowMs);
    if (rec.missing === 0n) this.settle(rec, nowMs);
  }

  /** A gap has no missing ids left: report what was recovered, if anything was. */
  private settle(rec: GapRecord, nowMs: number): void {
    if (rec.filled === 0) return;
    const total = rec.filled + rec.lost;
    this.report(
      'recovered',
      {
        fromId: rec.from.toString(),
        toId: rec.to.toString(),
        count: rec.filled,
        reason: rec.reason,
        ...(rec.lost > 0 ? { message: `${rec.filled} of ${total} missing ids recovered; the rest were reported unrecoverable` } : {}),
      },
      nowMs,
    );
  }
}
