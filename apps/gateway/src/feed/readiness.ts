/** Default of `http.unreadyAfterMs`. */
export const DEFAULT_UNREADY_AFTER_MS = 30_000;

/**
 * Why an instrument makes `/readyz` answer 503:
 * - `feed-failed`: its feed could not start;
 * - `stream-down`: its connection is not live and REST fallback polling has not started yet
 *   (`reconcile.fallbackAfterMs`);
 * - `stream-down-rest-failing`: its connection is not live, REST polling stands in, but the polls fail, and
 *   nothing has been published for `http.unreadyAfterMs`;
 * - `unreadable-rest-failing`: the same while its frames cannot be read (REST polling stands in for them);
 * - `ids-backwards`: its live trade ids stay at or below the last one published while the venue is beyond it.
 */
export type UnreadyReason = 'feed-failed' | 'stream-down' | 'stream-down-rest-failing' | 'unreadable-rest-failing' | 'ids-backwards';

/**
 * How an instrument's stream stands: `live`; `down` (its connection is not live, no polling yet);
 * `fallback` (not live, REST polling stands in); `unreadable` (connection live, frames cannot be read,
 * REST polling stands in).
 */
export type StreamState = 'live' | 'down' | 'fallback' | 'unreadable';

/** The REST polls of one instrument: the last success, and the failures since it. */
export interface PollOutcome {
  /** When a poll last succeeded, ms since the epoch. */
  readonly lastOkMs?: number;
  /** Failures since the last success: when the first came, and the last one's error. Absent when the last poll succeeded. */
  readonly failing?: { readonly sinceMs: number; readonly error: string };
}

/** What is known of one instrument when `/readyz` is asked. */
export interface InstrumentFacts {
  readonly instrument: string;
  readonly stream: StreamState;
  /** Since when its stream has not been live and readable, ms since the epoch (while not `live`). */
  readonly downSinceMs?: number;
  /** When a trade of it was last published (handed to the publisher), ms since the epoch. */
  readonly lastPublishedMs?: number;
  readonly poll?: PollOutcome;
  /** Its live trade ids stay at or below the last one published (see `BackwardsWatch`). */
  readonly idsBackwards: boolean;
}

/** One instrument that is not ready, and why. */
export interface UnreadyInstrument {
  readonly instrument: string;
  readonly reason: UnreadyReason;
  /** For people: what is wrong. */
  readonly message: string;
  /** The last REST poll's error (the `*-rest-failing` reasons). */
  readonly error?: string;
  /** Nothing published, no poll succeeded and the stream not live for this long, ms (the `*-rest-failing` reasons). */
  readonly silentMs?: number;
}

/**
 * Whether one instrument keeps the gateway from being ready, at `nowMs`: pure, the facts and the time
 * come from the caller. An instrument whose stream is down or unreadable while REST polling stands in is
 * ready as long as its polls succeed, or something was published (or a poll succeeded, or the stream was
 * live) within `unreadyAfterMs`.
 */
export function assessInstrument(facts: InstrumentFacts, nowMs: number, unreadyAfterMs: number): UnreadyInstrument | undefined {
  const { instrument } = facts;
  if (facts.idsBackwards) {
    return { instrument, reason: 'ids-backwards', message: 'live trade ids are at or below the last one published while the venue is beyond it: they are dropped as repeats' };
  }
  if (facts.stream === 'live') return undefined;
  if (facts.stream === 'down') return { instrument, reason: 'stream-down', message: 'stream down; REST fallback polling has not started yet' };
  const failing = facts.poll?.failing;
  if (failing === undefined) return undefined;
  const lastGood = Math.max(facts.lastPublishedMs ?? -Infinity, facts.poll?.lastOkMs ?? -Infinity, facts.downSinceMs ?? -Infinity);
  const silentMs = Math.max(0, Math.round(nowMs - lastGood));
  if (silentMs < unreadyAfterMs) return undefined;
  const what = facts.stream === 'fallback' ? 'stream down' : 'frames unreadable';
  const silence = Number.isFinite(silentMs) ? `for ${silentMs} ms` : 'since the start';
  return {
    instrument,
    reason: facts.stream === 'fallback' ? 'stream-down-rest-failing' : 'unreadable-rest-failing',
    message: `${what}, REST polls failing and nothing published ${silence}`,
    error: failing.error,
    ...(Number.isFinite(silentMs) ? { silentMs } : {}),
  };
}

/**
 * The REST poll outcomes of a feed's instruments (the reconciler records them, `/readyz` reads them).
 * Time comes from `nowMs`.
 */
export class PollOutcomes {
  private readonly outcomes = new Map<string, PollOutcome>();

  constructor(private readonly nowMs: () => number) {}

  /** A poll of `instrument` succeeded: its failures are over. */
  succeeded(instrument: string): void {
    this.outcomes.set(instrument, { lastOkMs: this.nowMs() });
  }

  /** A poll of `instrument` failed, or could not be sent (`error` says why); the first failure since the last success dates them. */
  failed(instrument: string, error: string): void {
    const known = this.outcomes.get(instrument);
    const sinceMs = known?.failing?.sinceMs ?? this.nowMs();
    this.outcomes.set(instrument, { ...(known?.lastOkMs !== undefined ? { lastOkMs: known.lastOkMs } : {}), failing: { sinceMs, error } });
  }

  of(instrument: string): PollOutcome | undefined {
    return this.outcomes.get(instrument);
  }
}
