import type { InstrumentMap, VenueAdapter } from '@tickgate/core';
import { createParser, symbolOfInstrument, KRAKEN_VENUE } from './parse.js';
import { KRAKEN_REST_URL, krakenRest } from './rest.js';
import { KRAKEN_WS_URL, krakenStream } from './stream.js';

/**
 * The Kraken adapter (WebSocket v2): trades from the `trade` channel with exact decimals read from
 * JSON number literals; REST recent trades (no id-based backfill: Kraken pages by time).
 */
export const kraken: VenueAdapter = {
  venue: KRAKEN_VENUE,
  defaults: { wsUrl: KRAKEN_WS_URL, restUrl: KRAKEN_REST_URL },
  stream: krakenStream,
  createParser: (instruments: InstrumentMap) => createParser(instruments),
  rest: krakenRest,
  /** Kraken WebSocket symbols are `BASE/QUOTE`. */
  symbolFor: (instrument: string) => symbolOfInstrument(instrument),
};

export { JsonNumber, MAX_DEPTH, parseJsonExact, plainDecimalOf, type JsonValue } from './json.js';
export { KRAKEN_VENUE, RAW_PREVIEW_CHARS, createParser, exactDecimalOf, instrumentOfSymbol, integerIdOf, parseFrame, parseTrade, rfc3339ToMicros, symbolOfInstrument } from './parse.js';
export { KRAKEN_WS_URL, MAX_STREAMS_PER_CONNECTION, buildConnectPlan, buildPing, buildSubscribe, buildUnsubscribe, krakenStream } from './stream.js';
export {
  KRAKEN_REST_URL,
  MAX_TRADES_PER_PAGE,
  REST_ASSET_NAMES,
  instrumentsRequest,
  krakenRest,
  krakenRestLimits,
  lastPriceRequest,
  parseAssetPair,
  parseAssetPairs,
  parseRestTrades,
  parseTicker,
  recentTradesRequest,
  restPairOf,
  restPairOfSymbol,
  restSecondsToMicros,
  symbolOfWsName,
  tradesSinceRequest,
} from './rest.js';
export type * from './messages.js';
