import type { InstrumentMap, VenueAdapter } from '@tickgate/core';
import { COINBASE_VENUE, createParser } from './parse.js';
import { COINBASE_REST_URL, coinbaseRest } from './rest.js';
import { COINBASE_WS_URL, coinbaseStream } from './stream.js';

/**
 * The Coinbase Exchange adapter: trades from the `matches` channel (taker side = inverse of the wire's
 * maker side), `heartbeat` for silent gaps, gaps filled from `/products/{id}/trades` by id.
 */
export const coinbase: VenueAdapter = {
  venue: COINBASE_VENUE,
  defaults: { wsUrl: COINBASE_WS_URL, restUrl: COINBASE_REST_URL },
  stream: coinbaseStream,
  createParser: (instruments: InstrumentMap) => createParser(instruments),
  rest: coinbaseRest,
  /** Coinbase products are already `BASE-QUOTE`. */
  symbolFor: (instrument: string) => instrument,
};

export { COINBASE_VENUE, RAW_PREVIEW_CHARS, createParser, parseFrame, parseMatch, rfc3339ToMicros, takerSideOf } from './parse.js';
export { CHANNELS, COINBASE_WS_URL, MAX_STREAMS_PER_CONNECTION, SUBSCRIBE_DEADLINE_MS, buildConnectPlan, buildSubscribe, buildUnsubscribe, coinbaseStream } from './stream.js';
export {
  COINBASE_REST_URL,
  MAX_TRADES_PER_PAGE,
  coinbaseRest,
  coinbaseRestLimits,
  instrumentsRequest,
  lastPriceRequest,
  parseProduct,
  parseProducts,
  parseRestTrades,
  parseTicker,
  recentTradesRequest,
  tradesFromRequest,
} from './rest.js';
export type * from './messages.js';
