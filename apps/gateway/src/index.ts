export { Gateway, type GatewayOptions } from './gateway.js';
export { loadConfig, validateConfig, GatewayConfig, FeedConfig } from './config/index.js';
export { GatewayMetrics } from './metrics.js';
export { VENUES, venueNames } from './venues.js';
