import type { Trade } from '@tickgate/schema';
import type { SequencerCounters } from './types.js';

/** The part of `SequencerCounters` that only a sequencer holding trades behind gaps moves. */
export interface GapTotals {
  readonly gapsOpened: number;
  readonly recoveredIds: number;
  readonly unrecoverableIds: number;
  readonly held: number;
  readonly openGaps: number;
  readonly missingIds: number;
}

/** Gap totals of a sequencer that never detects gaps. */
export const NO_GAPS: GapTotals = { gapsOpened: 0, recoveredIds: 0, unrecoverableIds: 0, held: 0, openGaps: 0, missingIds: 0 };

/** The totals every sequencer keeps on what it released and dropped, reported as `SequencerCounters`. */
export class TradeCounts {
  releasedWs = 0;
  releasedRest = 0;
  duplicates = 0;
  late = 0;
  invalid = 0;
  rejections = 0;

  /** Count `trade` as released, by its source. */
  released(trade: Trade): void {
    if (trade.source === 'rest') this.releasedRest++;
    else this.releasedWs++;
  }

  snapshot(gaps: GapTotals): SequencerCounters {
    return {
      released: { ws: this.releasedWs, rest: this.releasedRest },
      duplicates: this.duplicates,
      late: this.late,
      invalid: this.invalid,
      rejections: this.rejections,
      gapsOpened: gaps.gapsOpened,
      recoveredIds: gaps.recoveredIds,
      unrecoverableIds: gaps.unrecoverableIds,
      held: gaps.held,
      openGaps: gaps.openGaps,
      missingIds: gaps.missingIds,
    };
  }
}
