// Venue-neutral building blocks, reused by every venue simulator.
export { Market, type MarketOptions, type SimTrade, type SymbolSpec, type BookTop, type TradesListener } from './core/market.js';
export {
  Faults,
  MALFORMED_KINDS,
  type MalformedKind,
  type FrameFate,
  type FaultTarget,
  type FaultTargets,
  type RestFault,
  type ChaosOptions,
  type FrameFaultScope,
  type ConnectionScope,
  type RestFaultScope,
  type FaultCounters,
  type AffectedTrade,
  type FaultState,
} from './core/faults.js';
export { FrameSequencer, type DeliveryMode } from './core/frame-sequencer.js';
export { SlidingWindow, KeyedSlidingWindow, WeightBudget, type WeightDecision, type WeightBudgetOptions } from './core/rate-limit.js';
export { startSimServer, type SimServer, type SimServerOptions, type UpgradeRefusal } from './core/server.js';
export { handleControl, applyFaultAction, CONTROL_PREFIX, type ControlContext, type FaultAction } from './core/control.js';
export { Rng } from './core/rng.js';
export { createBatchDriver, type BatchDriver, type GeneratingMarket } from './core/batch-driver.js';

// Binance spot.
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
} from './binance/binance-sim.js';
export type { ConnectionInfo, BinanceWsLimits } from './binance/connection.js';
export { resolveSymbol, type SymbolInput } from './binance/symbols.js';
export { parseStreamName, parseStreamUrl, type BinanceStream, type BinanceStreamKind } from './binance/stream-names.js';

// Shared wiring of the JSON WebSocket venues.
export {
  VenueConnection,
  startVenueSim,
  groupByTakerOrder,
  singleTrades,
  rfc3339Micros,
  type TradeGroup,
  type VenueConnectionInfo,
  type VenueConnections,
  type VenueSimState,
  type VenueSymbolInput,
  type VenueRestAnswer,
  type VenueRestRequest,
} from './core/venue-kit.js';

// Coinbase Exchange.
export {
  startCoinbaseSim,
  resolveCoinbaseProduct,
  COINBASE_WS_DEFAULTS,
  COINBASE_REST_DEFAULTS,
  type CoinbaseSim,
  type CoinbaseSimOptions,
  type CoinbaseWsOptions,
  type CoinbaseRestOptions,
} from './coinbase/coinbase-sim.js';

// Kraken (WebSocket v2).
export {
  startKrakenSim,
  resolveKrakenSymbol,
  KRAKEN_WS_DEFAULTS,
  KRAKEN_REST_DEFAULTS,
  type KrakenSim,
  type KrakenSimOptions,
  type KrakenWsOptions,
  type KrakenRestOptions,
} from './kraken/kraken-sim.js';
export { krakenPairNames } from './kraken/rest.js';

// OKX v5.
export {
  startOkxSim,
  resolveOkxInstrument,
  OKX_WS_DEFAULTS,
  OKX_REST_DEFAULTS,
  type OkxSim,
  type OkxSimOptions,
  type OkxWsOptions,
  type OkxRestOptions,
} from './okx/okx-sim.js';
export { OKX_IDLE_CLOSE } from './okx/connection.js';

// Bybit v5 spot.
export {
  startBybitSim,
  resolveBybitSymbol,
  BYBIT_WS_DEFAULTS,
  BYBIT_REST_DEFAULTS,
  type BybitSim,
  type BybitSimOptions,
  type BybitWsOptions,
  type BybitRestOptions,
} from './bybit/bybit-sim.js';
export { bybitTradeId } from './bybit/messages.js';
