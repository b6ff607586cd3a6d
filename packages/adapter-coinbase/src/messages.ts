/**
 * Raw Coinbase Exchange messages, typed as documented (before validation). The parser still checks
 * every field it reads with `typeof`: these types say what the venue sends, not what it must send.
 */

/**
 * `match` (a trade) and `last_match` (the last trade before subscribing, sent once per product).
 * `side` is the MAKER's side: `"sell"` means the maker sold, so the taker bought.
 */
export interface CoinbaseMatchFrame {
  readonly type: 'match' | 'last_match';
  /** Per-product trade counter, consecutive. */
  readonly trade_id: number;
  /** Per-product counter of every message kind: it jumps on `matches`; not used for gaps. */
  readonly sequence: number;
  readonly maker_order_id: string;
  readonly taker_order_id: string;
  /** RFC 3339 with microseconds: `2014-11-07T08:19:27.028459Z`. */
  readonly time: string;
  /** Product id, `BTC-USD`. */
  readonly product_id: string;
  /** Base quantity, decimal string. */
  readonly size: string;
  /** Price, decimal string. */
  readonly price: string;
  /** The maker's side. */
  readonly side: 'buy' | 'sell';
}

/** `heartbeat` channel, about once a second per product. */
export interface CoinbaseHeartbeatFrame {
  readonly type: 'heartbeat';
  readonly sequence: number;
  /** Last trade id of the product: lets the sequencer notice dropped matches. */
  readonly last_trade_id: number;
  readonly product_id: string;
  readonly time: string;
}

/** One channel of a `subscriptions` answer. */
export interface CoinbaseSubscribedChannel {
  readonly name: string;
  readonly product_ids: readonly string[];
}

/** Answer to a subscribe: every channel with its products (channels may also be plain names). */
export interface CoinbaseSubscriptionsFrame {
  readonly type: 'subscriptions';
  readonly channels: readonly (CoinbaseSubscribedChannel | string)[];
}

/** An error, e.g. a bad subscribe or a slow consumer. */
export interface CoinbaseErrorFrame {
  readonly type: 'error';
  readonly message: string;
  readonly reason?: string;
}

/** Any stream message this adapter reads. */
export type CoinbaseStreamFrame = CoinbaseMatchFrame | CoinbaseHeartbeatFrame | CoinbaseSubscriptionsFrame | CoinbaseErrorFrame;

/** The subscribe request sent once a connection is open. */
export interface CoinbaseSubscribeRequest {
  readonly type: 'subscribe';
  readonly product_ids: readonly string[];
  readonly channels: readonly string[];
}

/** One element of `GET /products/{id}/trades` (newest first). `side` is the maker's, as on the stream. */
export interface CoinbaseRestTrade {
  readonly time: string;
  readonly trade_id: number;
  readonly price: string;
  readonly size: string;
  readonly side: 'buy' | 'sell';
}

/** `GET /products/{id}` and each element of `GET /products` (fields this adapter reads). */
export interface CoinbaseProduct {
  readonly id: string;
  readonly base_currency: string;
  readonly quote_currency: string;
  readonly quote_increment?: string;
  readonly base_increment?: string;
  readonly status?: string;
  readonly trading_disabled?: boolean;
}

/** `GET /products/{id}/ticker` (fields this adapter reads). */
export interface CoinbaseTicker {
  readonly trade_id?: number;
  readonly price: string;
  readonly size?: string;
  readonly time?: string;
}

/** REST error body: `{"message":"NotFound"}`. */
export interface CoinbaseRestError {
  readonly message: string;
}
