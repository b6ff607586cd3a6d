export { TickgateClient, DEFAULT_STREAM, type ConnectOptions, type WrapOptions, type TradeOptions, type StatusOptions, type ReplaySelectionOptions } from './client.js';
export { TradeTick, toMarketValue, type StatusEvent, type MarketValue, type Replayed } from './events.js';
export { DEFAULT_BUFFER_SIZE, type LiveOptions, type TickSubscription } from './live.js';
export { type ReplayOptions, type ReplayStart, type ReplayEnd, type ReplaySubscription } from './replay.js';
export { type Selection, tradeSubjects, statusSubjects, subjectMatches } from './selection.js';
export { type Stats, type MalformedHandler, type DropHandler } from './stats.js';
export { ClientError, type ClientErrorCode } from './errors.js';
export { parseDuration } from './duration.js';
