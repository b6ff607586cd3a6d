import { decimalOrReject, instrumentOrReject, isJsonObject, readJsonObjectFrame, rejectField, rejectFrame, valuePreview, wsTrade, type FrameParser, type InstrumentMap, type JsonObject, type ParseSink } from '@tickgate/core';
import { MAX_TIME_US, MIN_TIME_US } from '@tickgate/schema';

/**
 * Pure parsing of Bybit v5 spot public frames into tickgate events.
 *
 * - `publicTrade.<SYMBOL>` pushes: every element of `data` is one trade; `S` is the taker side
 *   (`Buy`/`Sell`), `T` ms, `i` the trade id — unique but NOT consecutive, so Bybit has no id-based
 *   gap detection (`sequencing: 'none'`). Block trades (`BT: true`) are published like any trade (the
 *   wire contract has no field for the flag).
 * - `op` answers: subscribe `success: true` → `subscribed`, `success: false` → `error`; the ping
 *   answer (`op: "ping"` with `ret_msg: "pong"` on spot, or `op: "pong"`) → `pong`; unsubscribe → `ignored`.
 */

/** The venue id used in subjects and on every trade. */
export const BYBIT_VENUE = 'bybit';

/** Longest start of a raw frame kept in a rejection (shared by every adapter). */
export { RAW_PREVIEW_CHARS } from '@tickgate/core';

/** Topic prefix of the trade stream. */
export const TRADE_TOPIC_PREFIX = 'publicTrade.';

/** Longest trade id accepted (a UUID is 36 characters). */
export const MAX_TRADE_ID_LENGTH = 64;

/** The trade id when it is 1..64 letters, digits, `-` or `_` (UUIDs and numeric ids alike). */
export function tradeIdOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const n = value.length;
  if (n === 0 || n > MAX_TRADE_ID_LENGTH) return undefined;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
    if (!ok) return undefined;
  }
  return value;
}

/** µs for a Bybit time in ms (an integer, or a string of digits as in REST answers), when plausible. */
export function msToMicros(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^[0-9]{1,15}$/.test(value)) ms = Number(value);
  else return undefined;
  if (!Number.isSafeInteger(ms)) return undefined;
  const us = ms * 1000;
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

/** The taker side for Bybit's `Buy`/`Sell`. */
export function sideOf(value: unknown): 'buy' | 'sell' | undefined {
  return value === 'Buy' ? 'buy' : value === 'Sell' ? 'sell' : undefined;
}

/** Read one element of a `publicTrade` push: one trade or one rejection. */
export function parseTrade(d: unknown, index: number, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const at = `data[${index}]`;
  if (!isJsonObject(d)) {
    rejectField(sink, at, 'trade is not an object', d, raw);
    return;
  }
  const tradeId = tradeIdOf(d['i']);
  const info = instrumentOrReject(sink, instruments, `${at}.s`, d['s'], raw, tradeId);
  if (info === undefined) return;
  const instrument = info.instrument;
  if (tradeId === undefined) {
    rejectField(sink, `${at}.i`, 'trade id is not 1..64 letters, digits, "-" or "_"', d['i'], raw, instrument);
    return;
  }
  const price = decimalOrReject(sink, `${at}.p`, 'price', d['p'], raw, instrument, tradeId);
  if (price === undefined) return;
  const quantity = decimalOrReject(sink, `${at}.v`, 'quantity', d['v'], raw, instrument, tradeId);
  if (quantity === undefined) return;
  const tradeTime = msToMicros(d['T']);
  if (tradeTime === undefined) {
    rejectField(sink, `${at}.T`, 'trade time is not a plausible integer time in milliseconds', d['T'], raw, instrument, tradeId);
    return;
  }
  const side = sideOf(d['S']);
  if (side === undefined) {
    rejectField(sink, `${at}.S`, 'side is not "Buy" or "Sell"', d['S'], raw, instrument, tradeId);
    return;
  }
  const bt = d['BT'];
  if (bt !== undefined && typeof bt !== 'boolean') {
    rejectField(sink, `${at}.BT`, 'block-trade flag is not a boolean', bt, raw, instrument, tradeId);
    return;
  }
  sink.trade(wsTrade(BYBIT_VENUE, info, tradeId, price, quantity, side, tradeTime, receiveTimeUs));
}

function parseOp(msg: JsonObject, op: string, raw: string, sink: ParseSink): void {
  const reqId = msg['req_id'];
  const requestId = typeof reqId === 'string' ? reqId : undefined;
  const success = msg['success'];
  const retMsg = msg['ret_msg'];
  if (op === 'pong' || (op === 'ping' && success !== false)) {
    sink.control({ type: 'pong' });
    return;
  }
  if (op !== 'subscribe' && op !== 'unsubscribe' && op !== 'ping') {
    rejectFrame(sink, 'unknown-message', `unknown op ${valuePreview(op)}`, raw);
    return;
  }
  if (success === false) {
    const e: { type: 'error'; message: string; requestId?: string } = {
      type: 'error',
      message: `${op}: ${typeof retMsg === 'string' && retMsg.length > 0 ? retMsg : `failed without a message (got ${valuePreview(retMsg)})`}`,
    };
    if (requestId !== undefined) e.requestId = requestId;
    sink.control(e);
    return;
  }
  if (success !== true) {
    rejectField(sink, 'success', 'not a boolean', success, raw);
    return;
  }
  if (op === 'unsubscribe') {
    sink.control({ type: 'ignored', what: 'unsubscribed' });
    return;
  }
  sink.control(requestId === undefined ? { type: 'subscribed' } : { type: 'subscribed', requestId });
}

/**
 * Parse one raw text frame of a Bybit v5 spot public connection. Never throws: anything unreadable
 * goes to `sink.reject`. A push may yield several trades and rejections.
 */
export function parseFrame(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const msg = readJsonObjectFrame(raw, sink);
  if (msg === undefined) return;
  const topic = msg['topic'];
  if (typeof topic === 'string') {
    if (!topic.startsWith(TRADE_TOPIC_PREFIX)) {
      rejectFrame(sink, 'unknown-message', `push of an unknown topic ${valuePreview(topic)}`, raw);
      return;
    }
    const data = msg['data'];
    if (!Array.isArray(data)) {
      rejectField(sink, 'data', 'trades are not an array', data, raw);
      return;
    }
    for (let i = 0; i < data.length; i++) parseTrade(data[i], i, raw, receiveTimeUs, sink, instruments);
    return;
  }
  const op = msg['op'];
  if (typeof op === 'string') {
    parseOp(msg, op, raw, sink);
    return;
  }
  rejectFrame(sink, 'unknown-message', 'neither a topic push nor an op answer', raw);
}

/** A `FrameParser` for one connection carrying `instruments` (symbols are Bybit's, `BTCUSDT`). */
export function createParser(instruments: InstrumentMap): FrameParser {
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments);
}
