import { decimalOrReject, instrumentOrReject, isIntegerText, isJsonObject, readJsonObjectFrame, rejectField, rejectFrame, takerSideText, valuePreview, wsTrade, type FrameParser, type InstrumentMap, type JsonObject, type ParseSink, type SymbolFieldWords } from '@tickgate/core';
import { MAX_TIME_US, MIN_TIME_US } from '@tickgate/schema';
import { parseBboPush, parseBooksPush } from './books.js';

/**
 * Pure parsing of OKX v5 public frames into tickgate events.
 *
 * - `trades` pushes: every element of `data` is one trade event. An element aggregates the fills of
 *   one taker order at one price: `tradeId` is the LAST id it covers and `count` how many, so it is
 *   emitted as `sink.trade(trade, span = count)` (span 1 when `count` is absent, as in older frames
 *   and on `trades-all`). `side` is the taker's; `ts` is ms.
 * - The bare text `pong` (answer to the client's `ping`) → `pong`.
 * - `event: subscribe` → `subscribed`; `event: error` → `error`; `event: notice` (the venue's
 *   warning before it closes connections for an upgrade) → `shutdown-notice`; other events → `ignored`.
 */

/** The venue id used in subjects and on every trade. */
export const OKX_VENUE = 'okx';

/** Longest start of a raw frame kept in a rejection (shared by every adapter). */
export { RAW_PREVIEW_CHARS } from '@tickgate/core';

/** How `instId` is spoken of in rejections. */
const INST_ID_WORDS: SymbolFieldWords = { notString: 'instrument id is not a string', noun: '' };

/** The trade id text for an OKX id: decimal digits (kept exact: ids are compared as BigInt). */
export function tradeIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && isIntegerText(value, 20) ? value : undefined;
}

/** µs for an OKX `ts` (ms since the epoch, a digit string or an integer), when plausible. */
export function msToMicros(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'string') {
    if (!isIntegerText(value, 15)) return undefined;
    ms = Number(value);
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    ms = value;
  } else {
    return undefined;
  }
  const us = ms * 1000;
  return us >= MIN_TIME_US && us <= MAX_TIME_US ? us : undefined;
}

/**
 * How many ids an element covers: `count` as a positive integer (string or number), 1 when absent;
 * `undefined` when present but unreadable or larger than the ids below `tradeId` allow.
 */
export function spanOf(count: unknown, tradeId: string): number | undefined {
  if (count === undefined) return 1;
  let n: number;
  if (typeof count === 'string' && isIntegerText(count, 9)) n = Number(count);
  else if (typeof count === 'number' && Number.isSafeInteger(count)) n = count;
  else return undefined;
  if (n < 1) return undefined;
  // The first id covered, tradeId - count + 1, must not be negative.
  if (BigInt(tradeId) + 1n < BigInt(n)) return undefined;
  return n;
}

/** Read one element of a `trades` push: one trade (with its span) or one rejection. */
export function parseTrade(d: unknown, index: number, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const at = `data[${index}]`;
  if (!isJsonObject(d)) {
    rejectField(sink, at, 'trade is not an object', d, raw);
    return;
  }
  const tradeId = tradeIdOf(d['tradeId']);
  const info = instrumentOrReject(sink, instruments, `${at}.instId`, d['instId'], raw, tradeId, INST_ID_WORDS);
  if (info === undefined) return;
  const instrument = info.instrument;
  if (tradeId === undefined) {
    rejectField(sink, `${at}.tradeId`, 'trade id is not a string of digits', d['tradeId'], raw, instrument);
    return;
  }
  const span = spanOf(d['count'], tradeId);
  if (span === undefined) {
    rejectField(sink, `${at}.count`, 'count is not a positive integer within the trade id', d['count'], raw, instrument, tradeId);
    return;
  }
  const price = decimalOrReject(sink, `${at}.px`, 'price', d['px'], raw, instrument, tradeId);
  if (price === undefined) return;
  const quantity = decimalOrReject(sink, `${at}.sz`, 'size', d['sz'], raw, instrument, tradeId);
  if (quantity === undefined) return;
  const tradeTime = msToMicros(d['ts']);
  if (tradeTime === undefined) {
    rejectField(sink, `${at}.ts`, 'time is not a plausible integer time in milliseconds', d['ts'], raw, instrument, tradeId);
    return;
  }
  const side = takerSideText(d['side']);
  if (side === undefined) {
    rejectField(sink, `${at}.side`, 'side is not "buy" or "sell"', d['side'], raw, instrument, tradeId);
    return;
  }
  sink.trade(wsTrade(OKX_VENUE, info, tradeId, price, quantity, side, tradeTime, receiveTimeUs), span);
}

function argText(arg: unknown): string | undefined {
  return isJsonObject(arg) && typeof arg['channel'] === 'string' ? `${arg['channel']}:${typeof arg['instId'] === 'string' ? arg['instId'] : '*'}` : undefined;
}

function parseEvent(msg: JsonObject, event: string, raw: string, sink: ParseSink): void {
  const id = msg['id'];
  const requestId = typeof id === 'string' ? id : undefined;
  switch (event) {
    case 'subscribe': {
      const e: { type: 'subscribed'; requestId?: string; detail?: string } = { type: 'subscribed' };
      if (requestId !== undefined) e.requestId = requestId;
      const detail = argText(msg['arg']);
      if (detail !== undefined) e.detail = detail;
      sink.control(e);
      return;
    }
    case 'error': {
      const code = msg['code'];
      const text = msg['msg'];
      const e: { type: 'error'; message: string; code?: string | number; requestId?: string } = {
        type: 'error',
        message: typeof text === 'string' && text.length > 0 ? text : `error without a message (got ${valuePreview(text)})`,
      };
      if (typeof code === 'string' || typeof code === 'number') e.code = code;
      if (requestId !== undefined) e.requestId = requestId;
      sink.control(e);
      return;
    }
    case 'notice':
      // e.g. code 64008: the connection will be closed soon for a service upgrade.
      sink.control({ type: 'shutdown-notice' });
      return;
    case 'unsubscribe':
    case 'channel-conn-count':
    case 'channel-conn-count-error':
      sink.control({ type: 'ignored', what: event });
      return;
    default:
      rejectFrame(sink, 'unknown-message', `unknown event ${valuePreview(event)}`, raw);
  }
}

/**
 * Parse one raw text frame of an OKX v5 public connection. Never throws: anything unreadable goes to
 * `sink.reject`. A push may yield several trades and rejections.
 */
export function parseFrame(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  if (raw === 'pong') {
    sink.control({ type: 'pong' });
    return;
  }
  const msg = readJsonObjectFrame(raw, sink, 'frame is not JSON (nor the text "pong")');
  if (msg === undefined) return;
  const event = msg['event'];
  if (typeof event === 'string') {
    parseEvent(msg, event, raw, sink);
    return;
  }
  const arg = msg['arg'];
  if (!isJsonObject(arg)) {
    rejectFrame(sink, 'unknown-message', 'neither an event nor a push (no "arg")', raw);
    return;
  }
  const channel = arg['channel'];
  if (channel === 'books') {
    parseBooksPush(msg, arg, raw, receiveTimeUs, sink, instruments);
    return;
  }
  if (channel === 'bbo-tbt') {
    parseBboPush(msg, arg, raw, receiveTimeUs, sink, instruments);
    return;
  }
  if (channel !== 'trades' && channel !== 'trades-all') {
    rejectFrame(sink, 'unknown-message', `push of an unknown channel ${valuePreview(channel)}`, raw);
    return;
  }
  const data = msg['data'];
  if (!Array.isArray(data)) {
    rejectField(sink, 'data', 'trades are not an array', data, raw);
    return;
  }
  for (let i = 0; i < data.length; i++) parseTrade(data[i], i, raw, receiveTimeUs, sink, instruments);
}

/** A `FrameParser` for one connection carrying `instruments` (symbols are OKX `instId`s). */
export function createParser(instruments: InstrumentMap): FrameParser {
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments);
}
