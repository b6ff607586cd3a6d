export { loadConfig, validateConfig, readConfigFile, applyEnv, ENV_OVERRIDES } from './load.js';
export { GatewayConfig, FeedConfig, NatsConfig, ReconcileConfig, DEFAULT_CONFIG_INPUT } from './schema.js';
export { configPath } from './path.js';
export { effectiveConfig, maskedConfig, MASK } from './effective.js';
export { natsAuthOf } from './nats-auth.js';
