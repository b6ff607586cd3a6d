export { TickgateError, ConfigError, ParseError, RestError, FeedError, type RejectionReason } from './errors.js';
export { describeError } from './describe-error.js';
export { silentLogger, type Logger } from './logger.js';
export {
  instrumentMap,
  type VenueAdapter,
  type InstrumentInfo,
  type InstrumentMap,
  type FrameParser,
  type ParseSink,
  type ControlEvent,
  type Rejection,
  type StreamRules,
  type ConnectPlan,
  type HeartbeatRule,
  type RestRequest,
  type RestApi,
  type RestLimits,
  type FeedChannel,
  type BookChannels,
} from './adapter.js';
export * from './runner/index.js';
export * from './sequencing/index.js';
export * from './rest/index.js';
export * from './books/index.js';
export * from './parse-kit.js';
export { systemClock, monotonicMs, type Clock } from './clock.js';
/** Capped exponential backoff with full jitter: the formula, and the reconnect form that resets after a healthy stretch. */
export { Backoff, backoffCeilingMs, backoffDelayMs, type BackoffOptions, type BackoffPolicy } from './backoff.js';
export { Fifo } from './util/fifo.js';
