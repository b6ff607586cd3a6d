// Public surface of this folder; re-exported by ../index.ts.

/**
 * Per-instrument ordering behind one interface (`TradeSequencer`, also named `Sequencer`), made by
 * `createSequencer` for the venue's rule: `OrderedSequencer` drops duplicates, detects id gaps, holds
 * live trades while REST fills them (bounded in time and count), and reports `gap` / `recovered` /
 * `unrecoverable` status events; `DedupSequencer` only drops duplicates.
 */
export { createSequencer } from './sequencer.js';
export {
  type TradeSequencer,
  type Sequencer,
  type SequencerOptions,
  type SequencerCounters,
  type SequencingMode,
  type GapRequest,
  type GapReason,
  type OpenGap,
} from './types.js';
export { OrderedSequencer, type OrderedSequencerOptions } from './ordered-sequencer.js';
export { DedupSequencer, type DedupSequencerOptions } from './dedup-sequencer.js';
/** The sequencer's defaults (hold bounds, dedup window); the gateway's config defaults come from here. */
export { SEQUENCER_DEFAULTS } from './defaults.js';
/** Wire-valid `Status` events from a venue, an optional instrument, a state, a time and details. */
export { buildStatus, type StatusDetail } from './status.js';
/** Bounded window of recent distinct ids (duplicate detection where ids carry no order). */
export { RecentIds } from './recent-ids.js';
