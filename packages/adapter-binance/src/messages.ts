/**
 * Raw Binance spot messages, typed as they arrive on the wire (before any validation). Fields are
 * `unknown`-tolerant where the parser checks them: the types say what Binance documents, the parser
 * still checks every field it reads with `typeof`.
 */

/** `<symbol>@trade` payload. `m: true` means the buyer was the maker, so the taker sold. */
export interface BinanceTradeFrame {
  /** Event type: `"trade"`. */
  readonly e: 'trade';
  /** Event time (ms, or µs with `timeUnit=MICROSECOND`). */
  readonly E: number;
  /** Venue symbol, uppercase (`BTCUSDT`). */
  readonly s: string;
  /** Trade id, consecutive per symbol. */
  readonly t: number;
  /** Price, decimal string (`"97123.45000000"`). */
  readonly p: string;
  /** Quantity in base units, decimal string. */
  readonly q: string;
  /** Trade time (ms, or µs with `timeUnit=MICROSECOND`). */
  readonly T: number;
  /** Is the buyer the market maker? */
  readonly m: boolean;
  /** Ignore. */
  readonly M?: boolean;
  /** Buyer order id (payloads before 2024-06-18 only; ignored). */
  readonly b?: number;
  /** Seller order id (payloads before 2024-06-18 only; ignored). */
  readonly a?: number;
}

/** `<symbol>@aggTrade` payload: fills of one taker order, trade ids `f..l`. Not published (see parse.ts). */
export interface BinanceAggTradeFrame {
  readonly e: 'aggTrade';
  readonly E: number;
  readonly s: string;
  /** Aggregate trade id. */
  readonly a: number;
  readonly p: string;
  readonly q: string;
  /** First and last trade id covered. */
  readonly f: number;
  readonly l: number;
  readonly T: number;
  readonly m: boolean;
  readonly M?: boolean;
}

/** `<symbol>@bookTicker` payload: best bid/ask. It has no `e`/`E`. Not published. */
export interface BinanceBookTickerFrame {
  /** Order-book update id. */
  readonly u: number;
  readonly s: string;
  /** Best bid price and quantity. */
  readonly b: string;
  readonly B: string;
  /** Best ask price and quantity. */
  readonly a: string;
  readonly A: string;
}

/** Server shutdown notice: reconnect now, elsewhere. On combined streams it comes as `!serverShutdown`. */
export interface BinanceServerShutdownFrame {
  readonly e: 'serverShutdown';
  readonly E: number;
}

/** Any stream payload this adapter knows. */
export type BinanceStreamPayload = BinanceTradeFrame | BinanceAggTradeFrame | BinanceBookTickerFrame | BinanceServerShutdownFrame;

/** Combined-stream wrapper: `{"stream":"btcusdt@trade","data":{…}}`. */
export interface BinanceCombinedFrame<T extends BinanceStreamPayload = BinanceStreamPayload> {
  /** Stream name, lowercase symbol (`btcusdt@trade`, `!serverShutdown`). */
  readonly stream: string;
  readonly data: T;
}

/** Request id of a live control message: a 64-bit integer, up to 36 alphanumerics, or null. */
export type BinanceRequestId = number | string | null;

/** Live control request (`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`). */
export interface BinanceControlRequest {
  readonly method: 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS';
  readonly params?: readonly string[];
  readonly id: BinanceRequestId;
}

/** Answer to a control request: `null` for (un)subscribe, the stream list for `LIST_SUBSCRIPTIONS`. */
export interface BinanceControlResult {
  readonly result: null | readonly string[] | boolean;
  readonly id: BinanceRequestId;
}

/** Error answer to a control request (`code` 0 unknown property … 3 invalid JSON). */
export interface BinanceControlError {
  readonly code: number;
  readonly msg: string;
  readonly id?: BinanceRequestId;
}

/** One element of `GET /api/v3/trades` and `GET /api/v3/historicalTrades`. */
export interface BinanceRestTrade {
  readonly id: number;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty?: string;
  /** ms, or µs with the request header `X-MBX-TIME-UNIT: MICROSECOND`. */
  readonly time: number;
  readonly isBuyerMaker: boolean;
  readonly isBestMatch?: boolean;
}

/** `GET /api/v3/ticker/price?symbol=`. */
export interface BinanceTickerPrice {
  readonly symbol: string;
  readonly price: string;
}

/** A filter of one symbol in `exchangeInfo`; only the two this adapter reads are spelled out. */
export type BinanceSymbolFilter =
  | { readonly filterType: 'PRICE_FILTER'; readonly minPrice: string; readonly maxPrice: string; readonly tickSize: string }
  | { readonly filterType: 'LOT_SIZE'; readonly minQty: string; readonly maxQty: string; readonly stepSize: string }
  | { readonly filterType: string; readonly [key: string]: unknown };

/** One symbol of `GET /api/v3/exchangeInfo`. */
export interface BinanceSymbolInfo {
  readonly symbol: string;
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly filters: readonly BinanceSymbolFilter[];
}

/** `GET /api/v3/exchangeInfo` (fields this adapter reads). */
export interface BinanceExchangeInfo {
  readonly timezone?: string;
  readonly serverTime?: number;
  readonly symbols: readonly BinanceSymbolInfo[];
}

/** REST error body: `{"code":-1121,"msg":"Invalid symbol."}`. */
export interface BinanceRestError {
  readonly code: number;
  readonly msg: string;
}
