import type { InstrumentMap, VenueAdapter } from '@tickgate/core';
import { binanceBooks } from './books.js';
import { BINANCE_VENUE, createParser } from './parse.js';
import { BINANCE_REST_URL, binanceRest } from './rest.js';
import { BINANCE_WS_URL, binanceStream } from './stream.js';

/**
 * The Binance spot adapter: trades from `<symbol>@trade` combined streams with microsecond times,
 * gaps filled from `historicalTrades` by id; L2 books from `@depth@100ms` on the `/api/v3/depth` snapshot,
 * and `@bookTicker` for the best bid and offer.
 */
export const binance: VenueAdapter = {
  venue: BINANCE_VENUE,
  defaults: { wsUrl: BINANCE_WS_URL, restUrl: BINANCE_REST_URL },
  stream: binanceStream,
  // The connect URL asks for `timeUnit=MICROSECOND`, so the parser reads µs.
  createParser: (instruments: InstrumentMap) => createParser(instruments, { timeUnit: 'us' }),
  rest: binanceRest,
  books: binanceBooks,
};

export {
  BINANCE_VENUE,
  RAW_PREVIEW_CHARS,
  createParser,
  parseFrame,
  parseTradePayload,
  safeIntegerText,
  toMicros,
  type BinanceParserOptions,
  type BinanceTimeUnit,
} from './parse.js';
export {
  BINANCE_WS_URL,
  MAX_STREAMS_PER_CONNECTION,
  binanceStream,
  buildConnectUrl,
  buildListSubscriptions,
  buildSubscribe,
  buildUnsubscribe,
  streamNameOf,
  tradeStreamName,
} from './stream.js';
export {
  MAX_DEPTH_LIMIT,
  binanceBooks,
  bookTickerStreamName,
  depthRequest,
  depthStreamName,
  depthWeight,
  parseBookTickerPayload,
  parseDepthPayload,
  parseDepthSnapshot,
} from './books.js';
export {
  BINANCE_REST_URL,
  MAX_TRADES_PER_PAGE,
  binanceRest,
  binanceRestLimits,
  instrumentsRequest,
  lastPriceRequest,
  parseExchangeInfo,
  parseRestTrades,
  parseSymbolInfo,
  parseTickerPrice,
  recentTradesRequest,
  restTimeToMicros,
  tradesFromRequest,
} from './rest.js';
export type * from './messages.js';
