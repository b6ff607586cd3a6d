export { run } from './cli.js';
export { type Io } from './io.js';
export { UsageError, parseSelection, resolveServers, DEFAULT_NATS_URL, type Selection } from './args.js';
export { formatTrade, formatStatus, wireJson, isoTimeUs, clockTimeUs, type TradeLineOptions } from './format.js';
export { colorEnabled, createPainter, type Painter, type Style } from './color.js';
export { summarizeConfig } from './commands/check-config.js';
export { parseWhen } from './commands/replay.js';
export { appEntry, type AppName, type AppEntry } from './apps.js';
