// Public surface of this folder; re-exported by ../index.ts.

/**
 * Per-instrument ordering: drops duplicates, detects id gaps, holds live trades while REST fills them
 * (bounded in time and count), and reports `gap` / `recovered` / `unrecoverable` status events.
 */
export {
  Sequencer,
  type SequencerOptions,
  type SequencerCounters,
  type SequencingMode,
  type GapRequest,
  type GapReason,
  type OpenGap,
} from './sequencer.js';
/** Wire-valid `Status` events from a venue, an optional instrument, a state, a time and details. */
export { buildStatus, type StatusDetail } from './status.js';
/** Bounded window of recent distinct ids (duplicate detection where ids carry no order). */
export { RecentIds } from './recent-ids.js';
