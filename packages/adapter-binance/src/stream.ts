import type { ConnectPlan, FeedChannel, InstrumentInfo, StreamRules } from '@tickgate/core';
import { bookTickerStreamName, depthStreamName } from './books.js';
import type { BinanceControlRequest, BinanceRequestId } from './messages.js';

/** Default public stream endpoint (also on port 443). */
export const BINANCE_WS_URL = 'wss://stream.binance.com:9443';

/** Most streams one connection may carry. */
export const MAX_STREAMS_PER_CONNECTION = 1024;

/** Stream name of an instrument's trades: lowercase symbol, `btcusdt@trade`. */
export function tradeStreamName(symbol: string): string {
  return `${symbol.toLowerCase()}@trade`;
}

/** The stream of one channel of a symbol: `@trade`, `@depth@100ms` (book) or `@bookTicker` (bbo). */
export function streamNameOf(channel: FeedChannel, symbol: string): string {
  if (channel === 'book') return depthStreamName(symbol);
  if (channel === 'bbo') return bookTickerStreamName(symbol);
  return tradeStreamName(symbol);
}

/**
 * Combined-stream URL carrying the streams of `channels` (default trades) of `instruments`, with microsecond times:
 * `<base>/stream?streams=btcusdt@trade/ethusdt@trade&timeUnit=MICROSECOND`. Streams in the URL need no
 * subscribe messages. Throws `RangeError` above `MAX_STREAMS_PER_CONNECTION` (the caller shards).
 */
export function buildConnectUrl(baseUrl: string, instruments: readonly InstrumentInfo[], channels: readonly FeedChannel[] = ['trades']): string {
  const names = instruments.flatMap((i) => channels.map((c) => streamNameOf(c, i.symbol)));
  if (names.length > MAX_STREAMS_PER_CONNECTION) {
    throw new RangeError(`a Binance connection carries at most ${MAX_STREAMS_PER_CONNECTION} streams (asked for ${names.length})`);
  }
  const base = baseUrl.replace(/\/+$/, '');
  const streams = names.map((n) => encodeURIComponent(n).replace(/%40/g, '@')).join('/');
  return streams.length > 0 ? `${base}/stream?streams=${streams}&timeUnit=MICROSECOND` : `${base}/stream?timeUnit=MICROSECOND`;
}

const ALPHANUMERIC_ID = /^[A-Za-z0-9]{1,36}$/;

function checkRequestId(id: BinanceRequestId): BinanceRequestId {
  if (id === null) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  if (typeof id === 'string' && ALPHANUMERIC_ID.test(id)) return id;
  throw new RangeError(`a Binance request id is an integer, up to 36 letters and digits, or null (got ${JSON.stringify(id)})`);
}

function request(method: BinanceControlRequest['method'], id: BinanceRequestId, params?: readonly string[]): string {
  const body: BinanceControlRequest = params === undefined ? { method, id: checkRequestId(id) } : { method, params, id: checkRequestId(id) };
  return JSON.stringify(body);
}

/** `{"method":"SUBSCRIBE","params":[…],"id":…}`: live subscription (counts toward 5 messages/s). */
export function buildSubscribe(streams: readonly string[], id: BinanceRequestId): string {
  return request('SUBSCRIBE', id, streams);
}

/** `{"method":"UNSUBSCRIBE","params":[…],"id":…}`. */
export function buildUnsubscribe(streams: readonly string[], id: BinanceRequestId): string {
  return request('UNSUBSCRIBE', id, streams);
}

/** `{"method":"LIST_SUBSCRIPTIONS","id":…}`; the answer is parsed as `ignored` (`subscription-list`). */
export function buildListSubscriptions(id: BinanceRequestId): string {
  return request('LIST_SUBSCRIPTIONS', id);
}

/** How Binance spot streams are reached and kept alive. */
export const binanceStream: StreamRules = {
  maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
  connectionLifetimeMs: 24 * 60 * 60 * 1000,
  maxClientMessagesPerSecond: 5,
  connectAttempts: { max: 300, windowMs: 5 * 60 * 1000 },
  // The server pings every 20 s and closes the connection without a pong within a minute; `ws` answers.
  heartbeat: { kind: 'server-ping', intervalMs: 20_000, pongDeadlineMs: 60_000 },
  sequencing: 'consecutive',
  connect(baseUrl: string, instruments: readonly InstrumentInfo[], channels?: readonly FeedChannel[]): ConnectPlan {
    return { url: buildConnectUrl(baseUrl, instruments, channels), subscribe: [] };
  },
};
