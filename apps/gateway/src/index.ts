export { Gateway, type GatewayOptions, type Readiness } from './gateway.js';
export type { UnreadyInstrument, UnreadyReason } from './feed/readiness.js';
export { loadConfig, validateConfig, GatewayConfig, FeedConfig } from './config/index.js';
export { GatewayMetrics } from './metrics.js';
export { VENUES, venueNames } from './venues.js';
