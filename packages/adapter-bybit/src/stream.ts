import type { ConnectPlan, InstrumentInfo, StreamRules } from '@tickgate/core';
import type { BybitRequest } from './messages.js';
import { TRADE_TOPIC_PREFIX } from './parse.js';

/** Default public spot endpoint. */
export const BYBIT_WS_URL = 'wss://stream.bybit.com/v5/public/spot';

/** Most symbols one connection carries: tickgate's own cap (Bybit bounds arguments per request). */
export const MAX_STREAMS_PER_CONNECTION = 100;

/** Spot accepts at most 10 topics per subscribe request. */
export const ARGS_PER_REQUEST = 10;

/** The keepalive request, sent every 20 s; the spot answer is `{"success":true,"ret_msg":"pong",…,"op":"ping"}`. */
export const PING_MESSAGE = '{"req_id":"tickgate-ping","op":"ping"}';

/** Trade topic of a symbol: `publicTrade.BTCUSDT`. */
export function tradeTopic(symbol: string): string {
  return `${TRADE_TOPIC_PREFIX}${symbol}`;
}

/** `{"req_id":…,"op":"subscribe","args":["publicTrade.BTCUSDT",…]}`. */
export function buildSubscribe(symbols: readonly string[], reqId?: string): string {
  const args = symbols.map(tradeTopic);
  const body: BybitRequest = reqId === undefined ? { op: 'subscribe', args } : { req_id: reqId, op: 'subscribe', args };
  return JSON.stringify(body);
}

/** `{"op":"unsubscribe","args":[…]}`. */
export function buildUnsubscribe(symbols: readonly string[], reqId?: string): string {
  const args = symbols.map(tradeTopic);
  const body: BybitRequest = reqId === undefined ? { op: 'unsubscribe', args } : { req_id: reqId, op: 'unsubscribe', args };
  return JSON.stringify(body);
}

/** The URL as given and subscribe requests of at most 10 topics each (`req_id` `sub-1`, `sub-2`, …). */
export function buildConnectPlan(baseUrl: string, instruments: readonly InstrumentInfo[]): ConnectPlan {
  if (instruments.length === 0) throw new RangeError('a Bybit connection needs at least one symbol');
  if (instruments.length > MAX_STREAMS_PER_CONNECTION) {
    throw new RangeError(`a Bybit connection carries at most ${MAX_STREAMS_PER_CONNECTION} symbols (asked for ${instruments.length})`);
  }
  const subscribe: string[] = [];
  for (let i = 0; i < instruments.length; i += ARGS_PER_REQUEST) {
    subscribe.push(buildSubscribe(instruments.slice(i, i + ARGS_PER_REQUEST).map((x) => x.symbol), `sub-${subscribe.length + 1}`));
  }
  return { url: baseUrl.replace(/\/+$/, ''), subscribe };
}

/** How the Bybit v5 spot public stream is reached and kept alive. */
export const bybitStream: StreamRules = {
  maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
  // 500 connection attempts per 5 minutes per IP.
  connectAttempts: { max: 500, windowMs: 5 * 60_000 },
  // Send `op: ping` every 20 s (the server drops idle connections after about 10 minutes).
  heartbeat: { kind: 'client-ping', intervalMs: 20_000, message: PING_MESSAGE, timeoutMs: 10_000 },
  // Trade ids are unique but not consecutive: no id-based gap detection.
  sequencing: 'none',
  connect: buildConnectPlan,
};
