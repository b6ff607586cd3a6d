import type { InstrumentMap, VenueAdapter } from '@tickgate/core';
import { BYBIT_VENUE, createParser } from './parse.js';
import { BYBIT_REST_URL, bybitRest } from './rest.js';
import { BYBIT_WS_URL, bybitStream } from './stream.js';

/**
 * The Bybit v5 spot adapter: `publicTrade.<SYMBOL>` pushes, `op: ping` keepalive, no id-based gap
 * detection (ids are not consecutive) and REST limited to the most recent 60 trades.
 */
export const bybit: VenueAdapter = {
  venue: BYBIT_VENUE,
  defaults: { wsUrl: BYBIT_WS_URL, restUrl: BYBIT_REST_URL },
  stream: bybitStream,
  createParser: (instruments: InstrumentMap) => createParser(instruments),
  rest: bybitRest,
};

export { BYBIT_VENUE, MAX_TRADE_ID_LENGTH, RAW_PREVIEW_CHARS, TRADE_TOPIC_PREFIX, createParser, msToMicros, parseFrame, parseTrade, sideOf, tradeIdOf } from './parse.js';
export { ARGS_PER_REQUEST, BYBIT_WS_URL, MAX_STREAMS_PER_CONNECTION, PING_MESSAGE, buildConnectPlan, buildSubscribe, buildUnsubscribe, bybitStream, tradeTopic } from './stream.js';
export {
  BYBIT_REST_URL,
  MAX_TRADES_PER_PAGE,
  bybitRest,
  bybitRestLimits,
  instrumentsRequest,
  lastPriceRequest,
  parseInstrument,
  parseInstruments,
  parseRestTrades,
  parseTicker,
  recentTradesRequest,
} from './rest.js';
export type * from './messages.js';
