// Public surface of the venue-neutral WebSocket feed runner; re-exported by ../index.ts.

/** Runs one venue WebSocket feed (connect, subscribe, heartbeat, reconnect, rotate) and emits trades. */
export {
  FeedRunner,
  defaultStaleAfterMs,
  RUNNER_DEFAULTS,
  type FeedRunnerConfig,
  type FeedRunnerOptions,
  type FeedRunnerTimings,
  type FeedRunnerEvents,
  type FeedRunnerCounters,
  type FeedState,
  type FeedStateReason,
  type FeedStateChange,
  type FeedConnectionEvent,
  type RotationReason,
} from './feed-runner.js';
/** How a connection ended (loss reasons make the runner reconnect; close causes are the runner's own). */
export type { LossReason, CloseCause } from './connection.js';
/** Sliding-window attempt budget (per venue, process-wide) that delays rather than exceeds. */
export { AttemptBudget, sharedAttemptBudget, type AttemptBudgetOptions } from './attempt-budget.js';
/** Routes a runner's trades, rejections, heartbeats and connection changes to per-instrument sequencers. */
export { wireSequencers, heartbeatTarget, type SequencerInputs, type FeedRunnerEmitter } from './wire-sequencers.js';
