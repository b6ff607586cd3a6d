import type { SequencingMode, StatusDetail } from '@tickgate/core';

/** The last trade the stream holds for an instrument (see `StreamContents.lastTrade`). */
export interface LastStored {
  readonly id: string;
  /** Exchange time, µs. */
  readonly tradeTime: number;
}

/** The first trade a feed sees for an instrument after it started. */
export interface FirstTrade {
  readonly id: string;
  /** Consecutive venue ids it covers, ending at `id` (aggregated trades; default 1). */
  readonly span?: number;
  /** Exchange time, µs. */
  readonly tradeTime: number;
}

/** What of the venue matters to a resume. */
export interface ResumeRules {
  /** The venue's id rule (`StreamRules.sequencing`). */
  readonly sequencing: SequencingMode;
}

/**
 * How an instrument resumes after the last stored trade:
 * - `nothing`: no trade was missed (or there is nothing to resume from); ids up to `startAfterId`, when
 *   given, are the stream's already and are dropped as duplicates.
 * - `gap`: ids `fromId..toId` were made while the gateway was away. The sequencer starts after
 *   `startAfterId` (the last stored id) and reports the gap (reason `restart`), which the REST
 *   reconciler fills where the venue allows and declares unrecoverable, exactly, where it does not.
 * - `unrecoverable`: the span cannot or must not be fetched; `detail` names it (ids where they are
 *   consecutive, times always) and the sequencer starts after `startAfterId`, when given.
 */
export type ResumeDecision =
  | { readonly kind: 'nothing'; readonly startAfterId?: string }
  | { readonly kind: 'gap'; readonly startAfterId: string; readonly fromId: string; readonly toId: string; readonly count: number }
  | { readonly kind: 'unrecoverable'; readonly startAfterId?: string; readonly detail: StatusDetail };

const INTEGER_ID = /^[0-9]{1,40}$/;

/**
 * The resume decision for one instrument, from the last trade the stream holds (`stored`), the first
 * trade seen after the start (`first`), the look-back bound (`reconcile.resumeLookbackMs`) and the
 * venue's rules. Pure.
 *
 * - Nothing stored: nothing to resume from.
 * - Consecutive ids: the span is `stored.id + 1 .. first start - 1`. Empty (the first trade continues
 *   the stored ones, or repeats them): nothing. Longer ago than the look-back (by exchange times): an
 *   `unrecoverable` naming the ids and times, and the feed starts from live. Otherwise a `gap` to fill.
 * - Ids without order (`sequencing: 'none'`, Bybit): no id names what is missing, and such a venue
 *   keeps no history to page through, so the span is an `unrecoverable` bounded by exchange times (and
 *   `lastId`, the stored id), unless the first trade is the stored one or older.
 */
export function decideResume(stored: LastStored | undefined, first: FirstTrade, lookbackMs: number, rules: ResumeRules): ResumeDecision {
  if (stored === undefined) return { kind: 'nothing' };
  const fromTime = stored.tradeTime;
  const toTime = first.tradeTime;
  if (rules.sequencing === 'none') {
    if (first.id === stored.id || toTime < fromTime) return { kind: 'nothing' };
    return {
      kind: 'unrecoverable',
      detail: {
        fromTime,
        toTime,
        lastId: stored.id,
        reason: 'restart',
        message: 'trades made between these exchange times, while the gateway was stopped, may be missing: this venue has no ordered ids or history to fetch them by',
      },
    };
  }
  if (!INTEGER_ID.test(stored.id) || !INTEGER_ID.test(first.id)) return { kind: 'nothing' };
  const last = BigInt(stored.id);
  const firstStart = BigInt(first.id) - BigInt(Math.max(1, first.span ?? 1)) + 1n;
  if (firstStart <= last + 1n) return { kind: 'nothing', startAfterId: stored.id };
  const fromId = (last + 1n).toString();
  const toId = (firstStart - 1n).toString();
  const count = Number(firstStart - 1n - last);
  if (toTime - fromTime > lookbackMs * 1000) {
    return {
      kind: 'unrecoverable',
      startAfterId: toId,
      detail: {
        fromId,
        toId,
        count,
        fromTime,
        toTime,
        lastId: stored.id,
        reason: 'restart-lookback',
        message: `the last stored trade is older than reconcile.resumeLookbackMs (${lookbackMs} ms): the trades made while the gateway was stopped are not fetched`,
      },
    };
  }
  return { kind: 'gap', startAfterId: stored.id, fromId, toId, count };
}

/**
 * Where an instrument's sequencer starts before its first trade is seen, from the last stored trade
 * and the time now (µs): after the stored id when it is recent enough to backfill from, so that REST
 * polling before the first live trade (a venue stream down at start) goes on from it; otherwise from
 * whatever comes first. `decideResume` settles it at the first trade.
 */
export function resumeStart(stored: LastStored | undefined, nowUs: number, lookbackMs: number, rules: ResumeRules): string | undefined {
  if (stored === undefined || rules.sequencing !== 'consecutive' || !INTEGER_ID.test(stored.id)) return undefined;
  return nowUs - stored.tradeTime > lookbackMs * 1000 ? undefined : stored.id;
}

/**
 * After a NATS reconnect mid-run: whether the feed should move on to the stream's last stored id.
 * Only when the stream holds ids beyond the last one this gateway released (another replica published
 * them): never backwards, and where ids carry no order, never.
 */
export function decideReconnect(stored: LastStored | undefined, lastReleasedId: string | undefined, rules: ResumeRules): { readonly advanceTo?: string } {
  if (stored === undefined || lastReleasedId === undefined || rules.sequencing !== 'consecutive') return {};
  if (!INTEGER_ID.test(stored.id) || !INTEGER_ID.test(lastReleasedId)) return {};
  return BigInt(stored.id) > BigInt(lastReleasedId) ? { advanceTo: stored.id } : {};
}
