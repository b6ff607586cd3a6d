import type { Status, Trade } from '@tickgate/schema';
import type { Rejection } from '../adapter.js';

/** How trade ids order: see `StreamRules.sequencing`. */
export type SequencingMode = 'consecutive' | 'none';

/**
 * Why a gap was opened (also the `reason` of its `gap` status event):
 * - `jump`: a trade arrived whose first id is beyond the next expected one;
 * - `reconnect`: the same, for the first live trade after `disconnected()`;
 * - `parse-error`: a frame carrying that id was rejected by the parser;
 * - `heartbeat`: the venue said its last trade id is beyond what arrived;
 * - `overlap`: an aggregated trade straddles ids already released or held, so it was dropped and the
 *   ids it covers beyond them are fetched one by one instead;
 * - `restart`: the first gap after `startAfterId` when the owner resumes after a restart (see
 *   `SequencerOptions.startGapReason`).
 */
export type GapReason = 'jump' | 'reconnect' | 'parse-error' | 'heartbeat' | 'overlap' | 'restart';

/** A range of ids the REST reconciler should fetch (`tradesFrom(fromId)` until `toId`), both inclusive. */
export interface GapRequest {
  readonly instrument: string;
  readonly fromId: string;
  readonly toId: string;
  readonly reason: GapReason;
  /**
   * These ids come right after a gap still open and joined it: no new `gap` status was published, and a
   * reconciler should add them to the request for that gap (one range, fetched a page at a time).
   */
  readonly joined?: true;
}

/** An id range still missing: neither released, held nor declared unrecoverable. */
export interface OpenGap {
  readonly fromId: string;
  readonly toId: string;
  /** When the gap (the request it belongs to) was opened, ms. */
  readonly openedAtMs: number;
}

/** Options of a sequencer; `createSequencer` picks the kind from `sequencing`. */
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
   * Longest a gap stays open, ms (default `SEQUENCER_DEFAULTS.holdTimeoutMs`; the gateway's
   * `reconcile.holdTimeoutMs`). When `tick` (or any input) finds a gap at least this old, its
   * still-missing ids are declared `unrecoverable` (reason `timeout`) and the trades held behind it are
   * released in order. This bounds how long any live trade is held.
   */
  readonly holdTimeoutMs?: number;
  /**
   * Most trades held behind gaps (default `SEQUENCER_DEFAULTS.maxHeld`; the gateway's
   * `reconcile.maxHeld`). Above it, the first open gap is declared `unrecoverable` (reason
   * `hold-limit`) and the trades behind it released, until under the bound.
   */
  readonly maxHeld?: number;
  /** `none`: how many recent distinct ids are remembered for duplicate detection (default `SEQUENCER_DEFAULTS.dedupWindow`). */
  readonly dedupWindow?: number;
  /**
   * `consecutive`: resume after this id, e.g. the last id already published before a restart.
   * Without it, the first trade seen (live or REST) defines the start.
   */
  readonly startAfterId?: string;
  /**
   * `consecutive`, with `startAfterId`: the reason of the gap between it and the first ids that arrive,
   * if there is one (default: as for any other gap, `jump`). A gateway resuming after the last trade
   * stored before a restart says `restart`, so that consumers can tell that gap from a venue's.
   */
  readonly startGapReason?: GapReason;
  /** Milliseconds since the Unix epoch (default `Date.now`): gap ages and status times. */
  readonly clock?: () => number;
  /**
   * `consecutive`: take the number fast path for consecutive trades when nothing is held or missing
   * (default true). Outputs are the same either way; `false` exists so that tests can compare the two paths.
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

/**
 * What callers (the runner's wiring, the gateway's feed task and reconciler, the conformance kit) use
 * of one instrument's sequencer, whatever the venue's rule. Pure logic: no I/O and no timers; time
 * comes from `clock`, and the owner calls `tick()` periodically (e.g. every second) so that expired
 * gaps are noticed when no input arrives.
 *
 * Outputs go to the callbacks of `SequencerOptions` after the sequencer's state is updated, in order;
 * a callback may call back into the sequencer (the nested outputs are delivered after the pending
 * ones). If a callback throws, the remaining outputs are still delivered and the first error is
 * rethrown afterwards.
 */
export interface TradeSequencer {
  readonly venue: string;
  readonly instrument: string;
  /** The venue's rule this sequencer applies. */
  readonly sequencing: SequencingMode;
  /**
   * A trade, live (`source: 'ws'`) or fetched (`source: 'rest'`). `span` is how many consecutive ids it
   * covers, ending at `trade.id` (default 1); it matters only where ids are consecutive.
   */
  trade(trade: Trade, span?: number): void;
  /** Trades from one REST response, in any order. */
  restTrades(trades: readonly Trade[]): void;
  /** A frame the parser rejected. Where ids are consecutive, one carrying a `tradeId` is a gap to fetch. */
  rejected(rejection: Rejection): void;
  /** The venue's own word on its last trade id (e.g. a heartbeat's `lastTradeId`). */
  heartbeat(lastTradeId: string): void;
  /** The live feed carrying this instrument went down. */
  disconnected(): void;
  /** The live feed is back. */
  connected(): void;
  /** Give up on missing ids in `[fromId, toId]`: the open parts are declared `unrecoverable` with `reason`. */
  abandon(fromId: string, toId: string, reason?: string): void;
  /** Check the bounds now (call it periodically): expired gaps become `unrecoverable`. */
  tick(nowMs?: number): void;
  /** The last id released (or passed over as unrecoverable); `undefined` before the first trade, or where ids carry no order. */
  readonly lastId: string | undefined;
  /** Id ranges still missing, ascending. */
  openGaps(): OpenGap[];
  counters(): SequencerCounters;
}

/** The name callers have always used for an instrument's sequencer. */
export type Sequencer = TradeSequencer;
