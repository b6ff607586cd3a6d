import type { ConnectPlan, FeedChannel, InstrumentInfo, StreamRules } from '@tickgate/core';
import type { OkxChannelArg, OkxSubscribeRequest } from './messages.js';

/** Default public endpoint (`trades` lives on `/ws/v5/public`; `trades-all` on `/ws/v5/business`). */
export const OKX_WS_URL = 'wss://ws.okx.com:8443/ws/v5/public';

/**
 * Most instruments one connection carries. OKX documents no such number for public channels (it
 * bounds the size of one request); this is tickgate's own cap.
 */
export const MAX_STREAMS_PER_CONNECTION = 100;

/** Channel arguments per subscribe request: the request stays small (OKX bounds its size). */
export const ARGS_PER_REQUEST = 50;

/** The server closes a connection that has received nothing for this long. */
export const IDLE_LIMIT_MS = 30_000;

/** The keepalive text (the answer is the text `pong`). */
export const PING = 'ping';

/** `{"id":…,"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},…]}`. */
export function buildSubscribe(instIds: readonly string[], id?: string, channel = 'trades'): string {
  const args: OkxChannelArg[] = instIds.map((instId) => ({ channel, instId }));
  const body: OkxSubscribeRequest = id === undefined ? { op: 'subscribe', args } : { id, op: 'subscribe', args };
  return JSON.stringify(body);
}

/** `{"op":"unsubscribe","args":[…]}`. */
export function buildUnsubscribe(instIds: readonly string[], id?: string, channel = 'trades'): string {
  const args: OkxChannelArg[] = instIds.map((instId) => ({ channel, instId }));
  const body: OkxSubscribeRequest = id === undefined ? { op: 'unsubscribe', args } : { id, op: 'unsubscribe', args };
  return JSON.stringify(body);
}

/** The OKX channel of a feed channel: `trades`, `books` (book) or `bbo-tbt` (bbo). */
export function okxChannelOf(channel: FeedChannel): string {
  return channel === 'book' ? 'books' : channel === 'bbo' ? 'bbo-tbt' : 'trades';
}

/**
 * The URL as given and subscribe requests of at most `ARGS_PER_REQUEST` instruments each (ids `1`, `2`, …),
 * one run of requests per channel (default trades).
 */
export function buildConnectPlan(baseUrl: string, instruments: readonly InstrumentInfo[], channels: readonly FeedChannel[] = ['trades']): ConnectPlan {
  if (instruments.length === 0) throw new RangeError('an OKX connection needs at least one instrument');
  if (instruments.length > MAX_STREAMS_PER_CONNECTION) {
    throw new RangeError(`an OKX connection carries at most ${MAX_STREAMS_PER_CONNECTION} instruments (asked for ${instruments.length})`);
  }
  const subscribe: string[] = [];
  for (const channel of channels) {
    for (let i = 0; i < instruments.length; i += ARGS_PER_REQUEST) {
      subscribe.push(buildSubscribe(instruments.slice(i, i + ARGS_PER_REQUEST).map((x) => x.symbol), String(subscribe.length + 1), okxChannelOf(channel)));
    }
  }
  return { url: baseUrl.replace(/\/+$/, ''), subscribe };
}

/** How the OKX v5 public stream is reached and kept alive. */
export const okxStream: StreamRules = {
  maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
  // 3 connection attempts per second per IP.
  connectAttempts: { max: 3, windowMs: 1_000 },
  // The server closes a connection idle for 30 s: send the text `ping` every 20 s; with no answer (or
  // any other traffic) within 10 s the 30 s are up and the connection is taken as lost.
  heartbeat: { kind: 'client-ping', intervalMs: 20_000, message: PING, timeoutMs: IDLE_LIMIT_MS - 20_000 },
  // `tradeId` is consecutive per instrument; a push covers `count` ids ending at `tradeId`.
  sequencing: 'consecutive',
  connect: buildConnectPlan,
};
