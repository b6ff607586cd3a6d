import type { ConnectPlan, InstrumentInfo, StreamRules } from '@tickgate/core';
import type { KrakenPingRequest, KrakenSubscribeRequest } from './messages.js';

/** Default public WebSocket v2 endpoint. */
export const KRAKEN_WS_URL = 'wss://ws.kraken.com/v2';

/**
 * Most symbols one connection carries. Kraken documents no number for public channels; this is
 * tickgate's own cap so that one slow connection never holds a large share of the feed.
 */
export const MAX_STREAMS_PER_CONNECTION = 100;

/**
 * `{"method":"subscribe","params":{"channel":"trade","symbol":[…],"snapshot":true},"req_id":…}`.
 * `snapshot` is always set explicitly (doc versions disagree on its default): with `true`, every
 * (re)subscription first replays the symbol's last 50 trades, which the sequencer uses to close a
 * short gap across a reconnect without REST (duplicates are dropped).
 */
export function buildSubscribe(symbols: readonly string[], reqId?: number, snapshot = true): string {
  const body: KrakenSubscribeRequest = reqId === undefined ? { method: 'subscribe', params: { channel: 'trade', symbol: symbols, snapshot } } : { method: 'subscribe', params: { channel: 'trade', symbol: symbols, snapshot }, req_id: reqId };
  return JSON.stringify(body);
}

/** `{"method":"unsubscribe","params":{"channel":"trade","symbol":[…]}}`. */
export function buildUnsubscribe(symbols: readonly string[], reqId?: number): string {
  const body: KrakenSubscribeRequest = reqId === undefined ? { method: 'unsubscribe', params: { channel: 'trade', symbol: symbols } } : { method: 'unsubscribe', params: { channel: 'trade', symbol: symbols }, req_id: reqId };
  return JSON.stringify(body);
}

/** `{"method":"ping","req_id":…}`: optional application ping, answered by `pong`. */
export function buildPing(reqId?: number): string {
  const body: KrakenPingRequest = reqId === undefined ? { method: 'ping' } : { method: 'ping', req_id: reqId };
  return JSON.stringify(body);
}

/** The URL as given (trailing slashes removed) and one subscribe message for every symbol. */
export function buildConnectPlan(baseUrl: string, instruments: readonly InstrumentInfo[]): ConnectPlan {
  if (instruments.length === 0) throw new RangeError('a Kraken connection needs at least one symbol');
  if (instruments.length > MAX_STREAMS_PER_CONNECTION) {
    throw new RangeError(`a Kraken connection carries at most ${MAX_STREAMS_PER_CONNECTION} symbols (asked for ${instruments.length})`);
  }
  return { url: baseUrl.replace(/\/+$/, ''), subscribe: [buildSubscribe(instruments.map((i) => i.symbol), 1)] };
}

/** How the Kraken v2 stream is reached and kept alive. */
export const krakenStream: StreamRules = {
  maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
  // Once subscribed, the server sends `{"channel":"heartbeat"}` about every second when idle.
  heartbeat: { kind: 'server-message', intervalMs: 1_000 },
  // `trade_id` is documented as a per-book sequence number.
  sequencing: 'consecutive',
  connect: buildConnectPlan,
};
