import { decimalOrReject, instrumentOrReject, isJsonObject, readJsonObjectFrame, rejectFrame, rejectField, rfc3339ToMicros, valuePreview, wsTrade, type ControlEvent, type FrameParser, type InstrumentMap, type JsonObject, type ParseSink, type SymbolFieldWords } from '@tickgate/core';

/**
 * Pure parsing of Coinbase Exchange `matches` + `heartbeat` frames into tickgate events.
 *
 * - `match` and `last_match` are trades. `last_match` is the product's last trade before the
 *   subscription: it is published like any trade (the sequencer drops it when already seen).
 * - `side` on the wire is the MAKER's side; the published side is the taker's, so it is inverted.
 * - `time` is RFC 3339 with microseconds; it is read digit by digit (a `Date` keeps only milliseconds).
 * - `heartbeat` → `heartbeat` control with the product's `last_trade_id`; `subscriptions` →
 *   `subscribed`; `error` → `error`. Other documented channels are `ignored`; anything else is rejected.
 *
 * Hot path: one `JSON.parse`, `typeof` checks, string canonicalization; no decimal.js, zod or regexes.
 */

/** The venue id used in subjects and on every trade. */
export const COINBASE_VENUE = 'coinbase';

/** Longest start of a raw frame kept in a rejection (shared by every adapter). */
export { RAW_PREVIEW_CHARS } from '@tickgate/core';

/** Message types of other Coinbase channels: known, but nothing for this feed. */
const IGNORED_TYPES: ReadonlySet<string> = new Set(['ticker', 'snapshot', 'l2update', 'received', 'open', 'done', 'change', 'activate', 'status', 'unsubscribe']);

/** RFC 3339 times (the `time` field) to exact microseconds: shared with Kraken, see `@tickgate/core`. */
export { rfc3339ToMicros } from '@tickgate/core';

/** How `product_id` is spoken of in rejections. */
const PRODUCT_WORDS: SymbolFieldWords = { notString: 'product id is not a string', noun: 'product ' };

/** The venue trade id as a string, when `value` is a non-negative safe integer. */
function tradeIdOf(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
}

/**
 * The taker's side for a Coinbase maker side: a maker `sell` means the taker bought. `undefined` for
 * anything but `buy`/`sell`.
 */
export function takerSideOf(makerSide: unknown): 'buy' | 'sell' | undefined {
  return makerSide === 'sell' ? 'buy' : makerSide === 'buy' ? 'sell' : undefined;
}

/**
 * Read one `match` / `last_match` message: emits one trade or one rejection carrying the instrument
 * and trade id whenever those could be read (the sequencer then treats the id as a gap).
 */
export function parseMatch(d: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const tradeId = tradeIdOf(d['trade_id']);
  const info = instrumentOrReject(sink, instruments, 'product_id', d['product_id'], raw, tradeId, PRODUCT_WORDS);
  if (info === undefined) return;
  const instrument = info.instrument;
  if (tradeId === undefined) {
    rejectField(sink, 'trade_id', 'trade id is not a non-negative integer', d['trade_id'], raw, instrument);
    return;
  }
  const price = decimalOrReject(sink, 'price', 'price', d['price'], raw, instrument, tradeId);
  if (price === undefined) return;
  const quantity = decimalOrReject(sink, 'size', 'size', d['size'], raw, instrument, tradeId);
  if (quantity === undefined) return;
  const tradeTime = rfc3339ToMicros(d['time']);
  if (tradeTime === undefined) {
    rejectField(sink, 'time', 'time is not a plausible RFC 3339 time', d['time'], raw, instrument, tradeId);
    return;
  }
  const side = takerSideOf(d['side']);
  if (side === undefined) {
    rejectField(sink, 'side', 'maker side is not "buy" or "sell"', d['side'], raw, instrument, tradeId);
    return;
  }
  sink.trade(wsTrade(COINBASE_VENUE, info, tradeId, price, quantity, side, tradeTime, receiveTimeUs));
}

function parseHeartbeat(d: JsonObject, raw: string, sink: ParseSink, instruments: InstrumentMap): void {
  const info = instrumentOrReject(sink, instruments, 'product_id', d['product_id'], raw, undefined, PRODUCT_WORDS);
  if (info === undefined) return;
  const rawLast = d['last_trade_id'];
  const lastTradeId = tradeIdOf(rawLast);
  if (rawLast !== undefined && lastTradeId === undefined) {
    rejectField(sink, 'last_trade_id', 'last trade id is not a non-negative integer', rawLast, raw, info.instrument);
    return;
  }
  // A product that has never traded may send 0 or leave the id out: still a heartbeat, without an id.
  const event: ControlEvent = lastTradeId === undefined || lastTradeId === '0' ? { type: 'heartbeat', instrument: info.instrument } : { type: 'heartbeat', instrument: info.instrument, lastTradeId };
  sink.control(event);
}

function describeSubscriptions(channels: unknown): string | undefined {
  if (!Array.isArray(channels)) return undefined;
  const parts: string[] = [];
  for (const c of channels as unknown[]) {
    if (typeof c === 'string') parts.push(c);
    else if (isJsonObject(c) && typeof c['name'] === 'string') {
      const ids = c['product_ids'];
      parts.push(Array.isArray(ids) ? `${c['name']}:${ids.length}` : c['name']);
    }
  }
  return parts.join(',');
}

/**
 * Parse one raw text frame of a Coinbase Exchange connection. Never throws: anything unreadable goes
 * to `sink.reject` with a stable reason.
 */
export function parseFrame(raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  const msg = readJsonObjectFrame(raw, sink);
  if (msg === undefined) return;
  const type = msg['type'];
  switch (type) {
    case 'match':
    case 'last_match':
      parseMatch(msg, raw, receiveTimeUs, sink, instruments);
      return;
    case 'heartbeat':
      parseHeartbeat(msg, raw, sink, instruments);
      return;
    case 'subscriptions': {
      const detail = describeSubscriptions(msg['channels']);
      sink.control(detail === undefined ? { type: 'subscribed' } : { type: 'subscribed', detail });
      return;
    }
    case 'error': {
      const message = msg['message'];
      const reason = msg['reason'];
      let text = typeof message === 'string' ? message : `error without a message (got ${valuePreview(message)})`;
      if (typeof reason === 'string' && reason.length > 0) text += `: ${reason}`;
      sink.control({ type: 'error', message: text });
      return;
    }
    default:
      if (typeof type === 'string' && IGNORED_TYPES.has(type)) {
        sink.control({ type: 'ignored', what: type });
        return;
      }
      rejectFrame(sink, 'unknown-message', `unknown message type ${valuePreview(type)}`, raw);
  }
}

/** A `FrameParser` for one connection carrying `instruments` (symbols are Coinbase product ids). */
export function createParser(instruments: InstrumentMap): FrameParser {
  return (raw, receiveTimeUs, sink) => parseFrame(raw, receiveTimeUs, sink, instruments);
}
