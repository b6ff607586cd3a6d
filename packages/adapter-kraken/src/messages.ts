import type { JsonNumber } from './json.js';

/**
 * Raw Kraken WebSocket v2 and REST messages, typed as documented (before validation). Numbers are
 * `JsonNumber`: the exact literal, read by `parseJsonExact` (never a float). The parser still checks
 * every field it reads.
 */

/** One trade of a `trade` channel message. `side` is the taker's. */
export interface KrakenTrade {
  /** v2 symbol, `BTC/USD`. */
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Price, a JSON number (`0.5147`). */
  readonly price: JsonNumber;
  /** Base quantity, a JSON number (`6423.46326`). */
  readonly qty: JsonNumber;
  readonly ord_type: 'limit' | 'market';
  /** Per-book sequence number, consecutive. */
  readonly trade_id: JsonNumber;
  /** RFC 3339 with microseconds. */
  readonly timestamp: string;
}

/** `trade` channel: `snapshot` (the last 50 trades, on subscribe) and `update` share one shape. */
export interface KrakenTradeFrame {
  readonly channel: 'trade';
  readonly type: 'snapshot' | 'update';
  readonly data: readonly KrakenTrade[];
}

/** `{"channel":"heartbeat"}`, about once a second when nothing else is sent. */
export interface KrakenHeartbeatFrame {
  readonly channel: 'heartbeat';
}

/** `{"channel":"status","type":"update","data":[{"system":"online",…}]}`: sent on connect; ignored. */
export interface KrakenStatusFrame {
  readonly channel: 'status';
  readonly type: string;
  readonly data: readonly { readonly system?: string; readonly api_version?: string; readonly connection_id?: JsonNumber; readonly version?: string }[];
}

/** Answer to a request (`subscribe`, `unsubscribe`, `pong`). */
export interface KrakenMethodResponse {
  readonly method: 'subscribe' | 'unsubscribe' | 'pong' | string;
  readonly req_id?: JsonNumber;
  readonly success?: boolean;
  readonly result?: { readonly channel?: string; readonly symbol?: string; readonly snapshot?: boolean };
  /** Set when `success` is false. */
  readonly error?: string;
  readonly time_in?: string;
  readonly time_out?: string;
}

/** Requests this adapter sends. */
export interface KrakenSubscribeRequest {
  readonly method: 'subscribe' | 'unsubscribe';
  readonly params: { readonly channel: 'trade'; readonly symbol: readonly string[]; readonly snapshot?: boolean };
  readonly req_id?: number;
}

export interface KrakenPingRequest {
  readonly method: 'ping';
  readonly req_id?: number;
}

/**
 * One row of `GET /0/public/Trades`: `[price, volume, time, side, type, misc, trade_id]`. Price and
 * volume are strings; `time` is seconds as a JSON number with a fraction; side `b`/`s` (taker);
 * type `m`/`l` (market/limit).
 */
export type KrakenRestTradeRow = readonly [string, string, JsonNumber, 'b' | 's', 'm' | 'l', string, JsonNumber];

/** `GET /0/public/Trades`: `{"error":[],"result":{"XXBTZUSD":[rows…],"last":"…"}}`. */
export interface KrakenRestTradesBody {
  readonly error: readonly string[];
  readonly result: { readonly last: string } & { readonly [pair: string]: readonly KrakenRestTradeRow[] | string };
}

/** One pair of `GET /0/public/AssetPairs` (fields this adapter reads). */
export interface KrakenAssetPair {
  readonly altname: string;
  /** WebSocket v1 name, `XBT/USD` (v2 writes `BTC/USD`). */
  readonly wsname: string;
  readonly base: string;
  readonly quote: string;
  readonly tick_size?: string;
  readonly lot_decimals?: JsonNumber;
  readonly status?: string;
}

/** `GET /0/public/Ticker`: `c` is the last trade `[price, lot volume]`. */
export interface KrakenTickerInfo {
  readonly c: readonly [string, string];
}

/** Every REST body: `error` is a list of `"EQuery:Unknown asset pair"` style strings. */
export interface KrakenRestBody<T> {
  readonly error: readonly string[];
  readonly result?: T;
}
