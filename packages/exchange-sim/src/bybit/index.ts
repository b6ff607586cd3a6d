// Bybit v5 spot (`@tickgate/exchange-sim/bybit`).
export {
  startBybitSim,
  resolveBybitSymbol,
  BYBIT_WS_DEFAULTS,
  BYBIT_REST_DEFAULTS,
  type BybitSim,
  type BybitSimOptions,
  type BybitWsOptions,
  type BybitRestOptions,
} from './bybit-sim.js';
export type { BybitConnection } from './connection.js';
export { bybitTradeId } from './messages.js';
// The shared types a simulator handle shows.
export type { Faults, Market, SimTrade, SymbolSpec, VenueConnectionInfo } from '../core/index.js';
