import type { Trade } from '@tickgate/schema';
import { NO_GAPS, TradeCounts } from './counters.js';
import { SEQUENCER_DEFAULTS, resolveBounds } from './defaults.js';
import { OutputQueue } from './output-queue.js';
import { RecentIds } from './recent-ids.js';
import type { OpenGap, SequencerCounters, SequencerOptions, TradeSequencer } from './types.js';

/** What a dedup-only sequencer reads of `SequencerOptions` (`sequencing` is `none` by its kind). */
export type DedupSequencerOptions = Omit<SequencerOptions, 'sequencing' | 'startAfterId' | 'fastPath'>;

/**
 * One instrument's trades where the venue's ids carry no order (`sequencing: 'none'`, e.g. Bybit):
 * trades are released in arrival order, and one whose id is among the last `dedupWindow` distinct ids
 * released is a duplicate and dropped. Nothing is held and no gap is detected, so rejections,
 * heartbeats, `abandon` and `tick` change nothing but the rejection count, and `lastId` stays
 * `undefined`. Outputs are delivered as every sequencer delivers them (see `TradeSequencer`).
 */
export class DedupSequencer implements TradeSequencer {
  readonly venue: string;
  readonly instrument: string;
  readonly sequencing = 'none' as const;

  private readonly recent: RecentIds;
  private readonly out: OutputQueue;
  private readonly counts = new TradeCounts();

  constructor(options: DedupSequencerOptions) {
    this.venue = options.venue;
    this.instrument = options.instrument;
    // Nothing is held here, but the bounds are checked all the same: options a venue with consecutive
    // ids would refuse are refused whatever the venue's rule.
    resolveBounds(options);
    this.recent = new RecentIds(options.dedupWindow ?? SEQUENCER_DEFAULTS.dedupWindow);
    this.out = new OutputQueue(options);
  }

  /** A trade, live or fetched (a `span` does not matter where ids carry no order). */
  trade(trade: Trade): void {
    this.accept(trade);
    this.out.flush();
  }

  /** Trades from one REST response, taken in the order listed. */
  restTrades(trades: readonly Trade[]): void {
    for (const t of trades) this.accept(t);
    this.out.flush();
  }

  /** A frame the parser rejected: counted only (an id without order names no gap). */
  rejected(): void {
    this.counts.rejections++;
  }

  heartbeat(): void {
    // Ids carry no order: a venue's last id says nothing about what is missing.
  }

  disconnected(): void {
    // Nothing is held, so a reconnect changes nothing: the window still catches replays.
  }

  connected(): void {
    // As for `disconnected`.
  }

  abandon(): void {
    // No gap is ever open.
  }

  tick(): void {
    // No bound to enforce: nothing is held.
  }

  get lastId(): string | undefined {
    return undefined;
  }

  openGaps(): OpenGap[] {
    return [];
  }

  counters(): SequencerCounters {
    return this.counts.snapshot(NO_GAPS);
  }

  private accept(trade: Trade): void {
    if (trade.instrument !== this.instrument) {
      this.counts.invalid++;
      return;
    }
    if (this.recent.add(trade.id)) {
      this.counts.released(trade);
      this.out.release(trade);
    } else {
      this.counts.duplicates++;
    }
  }
}
