import type { MalformedKind } from '../core/faults.js';
import type { BookTop, SimTrade } from '../core/market.js';
import type { BookBatch, BookView } from '../core/order-book.js';

/** Times in a payload: milliseconds (default) or microseconds (`timeUnit=MICROSECOND`). */
export function timeIn(timeUs: number, microseconds: boolean): number {
  return microseconds ? timeUs : Math.floor(timeUs / 1000);
}

/*
 * Trade payloads are written by concatenation rather than by JSON.stringify of an object: they are the hot path
 * (one per streamed trade). What JSON.stringify would write is known: the numbers are integers (ids, times), which
 * both write the same way; prices and quantities are plain decimal strings (digits and a dot, as `SimTrade`
 * promises), which need no escaping; the symbol is escaped once and remembered with the text around it.
 */
let symbolText: string | undefined;
let tradeSymbolPart = '';
let aggSymbolPart = '';

function rememberSymbol(symbol: string): void {
  const json = JSON.stringify(symbol);
  tradeSymbolPart = `,"s":${json},"t":`;
  aggSymbolPart = `,"s":${json},"a":`;
  symbolText = symbol;
}

let highValue = -1;
let highText = '';

/**
 * A non-negative integer as JSON writes it. Times (13 to 16 digits) are too large for V8's small integers, whose
 * conversion is quick and cached; so they are written as the part above 10^6 (seconds of a time in µs, changes
 * once a second: remembered) followed by the part below, padded to 6 digits.
 */
export function integerText(value: number): string {
  if (!(value >= 1e6 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) return String(value);
  const low = value % 1e6;
  const high = (value - low) / 1e6;
  if (high !== highValue) {
    highText = String(high);
    highValue = high;
  }
  // low + 10^6 has exactly 7 digits; dropping the leading 1 pads `low` to 6.
  return highText + String(low + 1e6).slice(1);
}

/** `<symbol>@trade` payload, fields in the venue's order. */
export function tradePayload(trade: SimTrade, eventTime: number, microseconds: boolean): string {
  if (trade.symbol !== symbolText) rememberSymbol(trade.symbol);
  const time = microseconds ? trade.timeUs : Math.floor(trade.timeUs / 1000);
  return (
    '{"e":"trade","E":' +
    integerText(eventTime) +
    tradeSymbolPart +
    trade.id +
    ',"p":"' +
    trade.price +
    '","q":"' +
    trade.qty +
    '","T":' +
    integerText(time) +
    (trade.buyerIsMaker ? ',"m":true,"M":true}' : ',"m":false,"M":true}')
  );
}

/** `<symbol>@aggTrade` payload for an aggregate of exactly one trade (`f` = `l` = trade id). */
export function aggTradePayload(trade: SimTrade, aggId: number, eventTime: number, microseconds: boolean): string {
  if (trade.symbol !== symbolText) rememberSymbol(trade.symbol);
  const time = microseconds ? trade.timeUs : Math.floor(trade.timeUs / 1000);
  return (
    '{"e":"aggTrade","E":' +
    integerText(eventTime) +
    aggSymbolPart +
    aggId +
    ',"p":"' +
    trade.price +
    '","q":"' +
    trade.qty +
    '","f":' +
    trade.id +
    ',"l":' +
    trade.id +
    ',"T":' +
    integerText(time) +
    (trade.buyerIsMaker ? ',"m":true,"M":true}' : ',"m":false,"M":true}')
  );
}

/** `<symbol>@bookTicker` payload (no event type or time). */
export function bookTickerPayload(symbol: string, book: BookTop): string {
  return JSON.stringify({ u: book.updateId, s: symbol, b: book.bidPrice, B: book.bidQty, a: book.askPrice, A: book.askQty });
}

/**
 * `<symbol>@depth[@100ms]` diff event: `{"e":"depthUpdate","E","s","U","u","b","a"}`, levels as
 * `[price, quantity]` 8-decimal strings, quantity absolute (`"0.00000000"` removes the level).
 */
export function depthUpdatePayload(batch: BookBatch, eventTime: number): string {
  const b: [string, string][] = [];
  const a: [string, string][] = [];
  for (const c of batch.changes) (c.side === 'bid' ? b : a).push([c.price, c.qty]);
  return JSON.stringify({ e: 'depthUpdate', E: eventTime, s: batch.symbol, U: batch.firstUpdateId, u: batch.lastUpdateId, b, a });
}

/** REST `/api/v3/depth` body: `{"lastUpdateId","bids","asks"}`, at most `limit` levels per side. */
export function depthSnapshotBody(book: BookView, limit: number): string {
  const rows = (levels: BookView['bids']) => levels.slice(0, limit).map((l) => [l.price, l.qty]);
  return JSON.stringify({ lastUpdateId: book.updateId, bids: rows(book.bids), asks: rows(book.asks) });
}

/** The server-shutdown notice. */
export function serverShutdownPayload(eventTime: number): string {
  return JSON.stringify({ e: 'serverShutdown', E: eventTime });
}

/** Stream name used for the shutdown notice on combined connections. */
export const SHUTDOWN_STREAM = '!serverShutdown';

/** Wrap a payload for a combined-stream connection. */
export function combinedFrame(stream: string, payload: string): string {
  return combinedPrefix(stream) + payload + '}';
}

/** What comes before the payload in a combined-stream frame (the frame ends with the payload and `}`). */
export function combinedPrefix(stream: string): string {
  return `{"stream":${JSON.stringify(stream)},"data":`;
}

/**
 * A damaged trade (or aggTrade) frame standing in for a real trade:
 * - `invalid-json`: the frame cut in half;
 * - `wrong-types`: id as a string, price and quantity as JSON numbers, `m` as a string;
 * - `missing-fields`: no price and no quantity;
 * - `retyped-decimals`: price and quantity as JSON numbers, everything else intact (a format change).
 * `frame` is the whole frame as it would have been sent (combined wrapper included).
 */
export function malformFrame(frame: string, kind: MalformedKind): string {
  switch (kind) {
    case 'invalid-json':
      return frame.slice(0, Math.max(1, Math.floor(frame.length / 2)));
    case 'wrong-types':
      return frame
        .replace(/"([tfla])":(\d+)/g, '"$1":"$2"')
        .replace(/"([pq])":"([0-9.]+)"/g, '"$1":$2')
        .replace(/"m":(true|false)/, '"m":"$1"');
    case 'missing-fields':
      return frame.replace(/,"p":"[0-9.]+"/, '').replace(/,"q":"[0-9.]+"/, '');
    case 'retyped-decimals':
      return frame.replace(/"([pq])":"([0-9.]+)"/g, '"$1":$2');
  }
}
