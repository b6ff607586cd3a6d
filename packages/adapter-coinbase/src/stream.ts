import type { ConnectPlan, InstrumentInfo, StreamRules } from '@tickgate/core';
import type { CoinbaseSubscribeRequest } from './messages.js';

/** Default public stream endpoint. */
export const COINBASE_WS_URL = 'wss://ws-feed.exchange.coinbase.com';

/**
 * Most products one connection carries. Coinbase documents no hard number for public channels; this
 * is tickgate's own cap so that one slow connection never holds a large share of the feed.
 */
export const MAX_STREAMS_PER_CONNECTION = 100;

/** A subscribe request must arrive within this long after the connection opens, or the venue closes it. */
export const SUBSCRIBE_DEADLINE_MS = 5_000;

/** Channels every connection subscribes to: trades, and per-product heartbeats with `last_trade_id`. */
export const CHANNELS: readonly string[] = Object.freeze(['matches', 'heartbeat']);

/** `{"type":"subscribe","product_ids":[…],"channels":["matches","heartbeat"]}`. */
export function buildSubscribe(productIds: readonly string[], channels: readonly string[] = CHANNELS): string {
  const body: CoinbaseSubscribeRequest = { type: 'subscribe', product_ids: productIds, channels };
  return JSON.stringify(body);
}

/** `{"type":"unsubscribe",…}`: the same shape. */
export function buildUnsubscribe(productIds: readonly string[], channels: readonly string[] = CHANNELS): string {
  return JSON.stringify({ type: 'unsubscribe', product_ids: productIds, channels });
}

/**
 * The URL (the base URL as given, trailing slashes removed) and the one subscribe message for
 * `instruments`. Throws `RangeError` above `MAX_STREAMS_PER_CONNECTION` (the caller shards) and for
 * an empty list (a connection with nothing to subscribe is closed by the venue after 5 s).
 */
export function buildConnectPlan(baseUrl: string, instruments: readonly InstrumentInfo[]): ConnectPlan {
  if (instruments.length === 0) throw new RangeError('a Coinbase connection needs at least one product (it is closed without a subscribe)');
  if (instruments.length > MAX_STREAMS_PER_CONNECTION) {
    throw new RangeError(`a Coinbase connection carries at most ${MAX_STREAMS_PER_CONNECTION} products (asked for ${instruments.length})`);
  }
  return { url: baseUrl.replace(/\/+$/, ''), subscribe: [buildSubscribe(instruments.map((i) => i.symbol))] };
}

/** How the Coinbase Exchange feed is reached and kept alive. */
export const coinbaseStream: StreamRules = {
  maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
  // About 8 connection attempts per second per IP (the public rate limit).
  connectAttempts: { max: 8, windowMs: 1_000 },
  // The `heartbeat` channel sends one message per product about every second.
  heartbeat: { kind: 'server-message', intervalMs: 1_000 },
  // `trade_id` is a per-product counter; heartbeats carry `last_trade_id` for silent gaps.
  sequencing: 'consecutive',
  connect: buildConnectPlan,
};
