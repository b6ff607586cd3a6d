// OKX v5 (`@tickgate/exchange-sim/okx`).
export {
  startOkxSim,
  resolveOkxInstrument,
  OKX_WS_DEFAULTS,
  OKX_REST_DEFAULTS,
  type OkxSim,
  type OkxSimOptions,
  type OkxWsOptions,
  type OkxRestOptions,
} from './okx-sim.js';
export { OKX_IDLE_CLOSE, OKX_BOOKS_DEPTH, type OkxConnection } from './connection.js';
// The shared types a simulator handle shows.
export type { BookBatch, BookLevel, BookView, VenueBookOptions } from '../core/index.js';
export type { Faults, Market, SimTrade, SymbolSpec, VenueConnectionInfo } from '../core/index.js';
