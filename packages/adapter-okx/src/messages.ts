/**
 * Raw OKX v5 messages, typed as documented (before validation). The parser still checks every field
 * it reads with `typeof`.
 */

/** Channel argument of a subscription and of every push. */
export interface OkxChannelArg {
  readonly channel: 'trades' | string;
  readonly instId: string;
}

/**
 * One element of a `trades` push. One element aggregates the fills of one taker order at one price:
 * `tradeId` is the LAST id and `count` how many ids it covers (`123` with count `3` covers 121..123).
 * Older frames (and `trades-all`) have no `count`: one id.
 */
export interface OkxTrade {
  readonly instId: string;
  readonly tradeId: string;
  /** Price, decimal string. */
  readonly px: string;
  /** Quantity, decimal string (base units on spot). */
  readonly sz: string;
  /** Taker side. */
  readonly side: 'buy' | 'sell';
  /** Trade time, ms since the epoch, as a string. */
  readonly ts: string;
  readonly count?: string;
  readonly source?: string;
  readonly seqId?: number;
}

/** `{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[…]}`. */
export interface OkxTradesPush {
  readonly arg: OkxChannelArg;
  readonly data: readonly OkxTrade[];
}

/** Answers and notices: `subscribe`, `unsubscribe`, `error`, `notice` (service upgrade), `channel-conn-count`. */
export interface OkxEventFrame {
  readonly event: 'subscribe' | 'unsubscribe' | 'error' | 'notice' | string;
  readonly id?: string;
  readonly arg?: OkxChannelArg;
  readonly code?: string;
  readonly msg?: string;
  readonly connId?: string;
}

/** Requests this adapter sends. Keepalive is the bare text `ping` (answer: text `pong`). */
export interface OkxSubscribeRequest {
  readonly id?: string;
  readonly op: 'subscribe' | 'unsubscribe';
  readonly args: readonly OkxChannelArg[];
}

/** Every REST body: `{"code":"0","msg":"","data":[…]}`; a non-zero `code` is an error. */
export interface OkxRestBody<T> {
  readonly code: string;
  readonly msg: string;
  readonly data: readonly T[];
}

/** One trade of `market/trades` and `market/history-trades` (one id each), newest first. */
export interface OkxRestTrade {
  readonly instId: string;
  readonly tradeId: string;
  readonly px: string;
  readonly sz: string;
  readonly side: 'buy' | 'sell';
  readonly ts: string;
  readonly source?: string;
}

/** One instrument of `public/instruments?instType=SPOT` (fields this adapter reads). */
export interface OkxInstrument {
  readonly instType: 'SPOT' | string;
  readonly instId: string;
  readonly baseCcy: string;
  readonly quoteCcy: string;
  readonly tickSz?: string;
  readonly lotSz?: string;
  /** `live`, `suspend`, `preopen`, … */
  readonly state?: string;
}

/** One element of `market/ticker` (fields this adapter reads). */
export interface OkxTicker {
  readonly instId: string;
  readonly last: string;
}
