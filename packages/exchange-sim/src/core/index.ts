// The venue-neutral part of the simulators (`@tickgate/exchange-sim/kit`): the building blocks every venue
// reuses, and the kit that starts a venue from its definition.
export { Market, type MarketOptions, type SimTrade, type SymbolSpec, type BookTop, type TradesListener, type BookListener } from './market.js';
export {
  SimOrderBook,
  type BookBatch,
  type BookChange,
  type BookIdPolicy,
  type BookLevel,
  type BookOptions,
  type BookSide,
  type BookView,
} from './order-book.js';
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
  type BookFate,
  type RestFaultTarget,
  type StaleSnapshotScope,
  type AffectedBookDelta,
} from './faults.js';
export { FrameSequencer, type DeliveryMode } from './frame-sequencer.js';
export { SlidingWindow, KeyedSlidingWindow, WeightBudget, type WeightDecision, type WeightBudgetOptions } from './rate-limit.js';
export { startSimServer, type SimServer, type SimServerOptions, type UpgradeRefusal } from './server.js';
export { handleControl, applyFaultAction, CONTROL_PREFIX, type ControlContext, type FaultAction } from './control.js';
export { Rng } from './rng.js';
export { createBatchDriver, type BatchDriver, type GeneratingMarket } from './batch-driver.js';

// The venue kit.
export { SimConnection, VenueConnection, type VenueConnectionContext, type VenueConnectionInfo } from './kit/connection.js';
export { deliverToEach, groupByTakerOrder, singleTrades, type TradeFanOut, type TradeGroup, type TradeReceiver } from './kit/fan-out.js';
export {
  createRestHandler,
  requestCountLimit,
  withRetryAfter,
  type RestLimiter,
  type RestRefusal,
  type VenueRestAnswer,
  type VenueRestOptions,
  type VenueRestRequest,
  type VenueRestRoutes,
} from './kit/rest.js';
export {
  startVenueSim,
  upgradeOnlyAt,
  type InfoOf,
  type VenueConnections,
  type VenueBookOptions,
  type VenueMarketOptions,
  type VenueParts,
  type VenueRules,
  type VenueSim,
  type VenueSimDefinition,
  type VenueSimOptions,
  type VenueSimState,
  type VenueWsOptions,
} from './kit/start.js';
export { resolveCheckedSymbol, resolveVenueSymbol, splitSymbolOn, type VenueSymbolInput, type VenueSymbolRules } from './kit/symbols.js';
export { decimalsOf, malformJson, parseObject, rfc3339Micros, uuidFrom } from './kit/render.js';
