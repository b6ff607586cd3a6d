// Binance spot (`@tickgate/exchange-sim/binance`): the simulator, its rules, and the stream names it serves.
export {
  startBinanceSim,
  BINANCE_WS_DEFAULTS,
  BINANCE_REST_DEFAULTS,
  type BinanceSim,
  type BinanceSimOptions,
  type BinanceWsOptions,
  type BinanceRestOptions,
  type BinanceConnections,
  type BinanceSimState,
} from './binance-sim.js';
export type { BinanceConnection, ConnectionInfo, BinanceWsLimits } from './connection.js';
export { resolveSymbol, type SymbolInput } from './symbols.js';
export { depthWeight, DEPTH_DEFAULT_LIMIT, DEPTH_MAX_LIMIT } from './rest.js';
export { parseStreamName, parseStreamUrl, type BinanceStream, type BinanceStreamKind } from './stream-names.js';
// The shared types a simulator handle shows.
export type { BookBatch, BookLevel, BookView, VenueBookOptions } from '../core/index.js';
export type { Faults, Market, SimTrade, SymbolSpec } from '../core/index.js';
