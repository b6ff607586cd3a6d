// Kraken, WebSocket v2 (`@tickgate/exchange-sim/kraken`).
export {
  startKrakenSim,
  resolveKrakenSymbol,
  KRAKEN_WS_DEFAULTS,
  KRAKEN_REST_DEFAULTS,
  type KrakenSim,
  type KrakenSimOptions,
  type KrakenWsOptions,
  type KrakenRestOptions,
} from './kraken-sim.js';
export type { KrakenConnection } from './connection.js';
export { krakenPairNames } from './rest.js';
// The shared types a simulator handle shows.
export type { Faults, Market, SimTrade, SymbolSpec, VenueConnectionInfo } from '../core/index.js';
