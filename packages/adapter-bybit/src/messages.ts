/**
 * Raw Bybit v5 spot messages, typed as documented (before validation). The parser still checks every
 * field it reads with `typeof`.
 */

/** One trade of a `publicTrade.<SYMBOL>` push. */
export interface BybitPublicTrade {
  /** Trade time, ms. */
  readonly T: number;
  /** Symbol, `BTCUSDT`. */
  readonly s: string;
  /** Taker side. */
  readonly S: 'Buy' | 'Sell';
  /** Quantity, decimal string. */
  readonly v: string;
  /** Price, decimal string. */
  readonly p: string;
  /** Tick direction (`PlusTick`, …). */
  readonly L?: string;
  /** Trade id: unique, but NOT consecutive (a UUID on spot, a number on some markets). */
  readonly i: string;
  /** Block trade. Block trades are published like any other trade. */
  readonly BT: boolean;
  /** Cross sequence: ordering only, not a gap counter. */
  readonly seq?: number;
}

/** `{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":…,"data":[…]}`. */
export interface BybitTradePush {
  readonly topic: string;
  readonly type: 'snapshot' | string;
  /** Push time, ms. */
  readonly ts: number;
  readonly data: readonly BybitPublicTrade[];
}

/**
 * Answer to a request: `{"success":true,"ret_msg":"","conn_id":"…","req_id":"…","op":"subscribe"}`;
 * the spot pong is `{"success":true,"ret_msg":"pong","conn_id":"…","op":"ping"}`, other markets answer
 * `{"op":"pong","args":["…"],…}`.
 */
export interface BybitOpResponse {
  readonly op: 'subscribe' | 'unsubscribe' | 'ping' | 'pong' | string;
  readonly success?: boolean;
  readonly ret_msg?: string;
  readonly conn_id?: string;
  readonly req_id?: string;
  readonly args?: readonly string[];
}

/** Requests this adapter sends. */
export interface BybitRequest {
  readonly req_id?: string;
  readonly op: 'subscribe' | 'unsubscribe' | 'ping';
  readonly args?: readonly string[];
}

/** Every REST body: `{"retCode":0,"retMsg":"OK","result":{…},"time":…}`; a non-zero `retCode` is an error. */
export interface BybitRestBody<T> {
  readonly retCode: number;
  readonly retMsg: string;
  readonly result: T;
  readonly time?: number;
}

/** One trade of `GET /v5/market/recent-trade` (newest first). */
export interface BybitRestTrade {
  /** The trade id (the stream's `i`). */
  readonly execId: string;
  readonly symbol: string;
  readonly price: string;
  readonly size: string;
  /** Taker side. */
  readonly side: 'Buy' | 'Sell';
  /** ms, as a string. */
  readonly time: string;
  readonly isBlockTrade?: boolean;
}

/** One instrument of `GET /v5/market/instruments-info?category=spot` (fields this adapter reads). */
export interface BybitInstrument {
  readonly symbol: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly status?: string;
  readonly lotSizeFilter?: { readonly basePrecision?: string };
  readonly priceFilter?: { readonly tickSize?: string };
}

/** One element of `GET /v5/market/tickers?category=spot` (fields this adapter reads). */
export interface BybitTicker {
  readonly symbol: string;
  readonly lastPrice: string;
}
