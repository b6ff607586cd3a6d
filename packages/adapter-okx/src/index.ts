import type { InstrumentMap, VenueAdapter } from '@tickgate/core';
import { okxBooks } from './books.js';
import { createParser, OKX_VENUE } from './parse.js';
import { OKX_REST_URL, okxRest } from './rest.js';
import { OKX_WS_URL, okxStream } from './stream.js';

/**
 * The OKX v5 adapter (spot): `trades` pushes (one event per taker order, spanning `count` ids), text
 * `ping`/`pong` keepalive, gaps filled from `market/history-trades` by id; L2 books from `books` on the
 * REST snapshot with `seqId` (or the legacy in-band snapshot), `bbo-tbt` for the best bid and offer.
 */
export const okx: VenueAdapter = {
  venue: OKX_VENUE,
  defaults: { wsUrl: OKX_WS_URL, restUrl: OKX_REST_URL },
  stream: okxStream,
  createParser: (instruments: InstrumentMap) => createParser(instruments),
  rest: okxRest,
  books: okxBooks,
  /** OKX spot instruments are already `BASE-QUOTE`. */
  symbolFor: (instrument: string) => instrument,
};

export { OKX_VENUE, RAW_PREVIEW_CHARS, createParser, msToMicros, parseFrame, parseTrade, spanOf, tradeIdOf } from './parse.js';
export { ARGS_PER_REQUEST, IDLE_LIMIT_MS, MAX_STREAMS_PER_CONNECTION, OKX_WS_URL, PING, buildConnectPlan, buildSubscribe, buildUnsubscribe, okxChannelOf, okxStream } from './stream.js';
export { BOOKS_DEPTH, booksRequest, okxBooks, parseBboPush, parseBooksPush, parseBooksSnapshot } from './books.js';
export {
  MAX_HISTORY_TRADES,
  MAX_RECENT_TRADES,
  OKX_REST_URL,
  instrumentsRequest,
  lastPriceRequest,
  okxRest,
  okxRestLimits,
  parseInstrument,
  parseInstruments,
  parseRestTrades,
  parseTicker,
  recentTradesRequest,
  tradesFromRequest,
} from './rest.js';
export type * from './messages.js';
