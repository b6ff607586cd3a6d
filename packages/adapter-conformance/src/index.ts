// The adapter conformance kit: one shared vitest suite every venue adapter runs (see docs/adding-a-venue.md).
export { describeAdapterConformance } from './suite.js';
export { fixtureReader, readFixtureLines, readFixtureText, readRejectionFixtures, readTradeFixtures, type FixtureFile, type FixtureReader } from './fixtures.js';
export { collectingSink, type Collected } from './sink.js';
export { BookPipeline, type BookPipelineOptions } from './book-pipeline.js';
export { describeBookConformance, type BookConformanceOptions, type BookSimHandle } from './book-suite.js';
export { fromVenueSim, type FromVenueSimOptions, type VenueSimHandle } from './venue-sim.js';
export {
  RECEIVE_TIME_US,
  REJECTION_REASONS,
  checkAdapterObject,
  checkConnectPlan,
  checkControl,
  checkParsed,
  checkRejection,
  checkRestRequest,
  checkTrade,
  collect,
  type Parsed,
  type TradeContext,
} from './checks.js';
export { fieldMutations, genericBadFrames, type FieldMutation, type GenericBadFrame } from './bad-frames.js';
export { compareWithSim, coveredIds, runSimScenario, type BackfillCall, type SimReport, type SimScenarioOptions } from './sim-check.js';
export type {
  ConformanceFixtures,
  ConformanceOptions,
  ConformanceSim,
  ControlFixture,
  ExpectedTrade,
  RejectionFixture,
  RestErrorFixture,
  RestFixtures,
  RestInstrumentsFixture,
  RestLastPriceFixture,
  RestTradesFixture,
  SimTradeView,
  TradeFixture,
} from './types.js';
export {
  assertArbitraryTextSafe,
  describeRejectionCases,
  expectedWsTrade,
  expectFieldRejection,
  expectOneTrade,
  parseCollect,
  parseErrorOf,
  parseOneEvent,
  plainDecimalText,
  rfc3339Text,
  type ArbitraryTextOptions,
} from './test-kit.js';
