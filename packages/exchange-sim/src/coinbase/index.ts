// Coinbase Exchange (`@tickgate/exchange-sim/coinbase`).
export {
  startCoinbaseSim,
  resolveCoinbaseProduct,
  COINBASE_WS_DEFAULTS,
  COINBASE_REST_DEFAULTS,
  type CoinbaseSim,
  type CoinbaseSimOptions,
  type CoinbaseWsOptions,
  type CoinbaseRestOptions,
} from './coinbase-sim.js';
export type { CoinbaseConnection } from './connection.js';
// The shared types a simulator handle shows.
export type { Faults, Market, SimTrade, SymbolSpec, VenueConnectionInfo } from '../core/index.js';
