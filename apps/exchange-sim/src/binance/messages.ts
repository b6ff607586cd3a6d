import type { MalformedKind } from '../core/faults.js';
import type { BookTop, SimTrade } from '../core/market.js';

/** Times in a payload: milliseconds (default) or microseconds (`timeUnit=MICROSECOND`). */
export function timeIn(timeUs: number, microseconds: boolean): number {
  return microseconds ? timeUs : Math.floor(timeUs / 1000);
}

/** `<symbol>@trade` payload, fields in the venue's order. */
export function tradePayload(trade: SimTrade, eventTime: number, microseconds: boolean): string {
  return JSON.stringify({
    e: 'trade',
    E: eventTime,
    s: trade.symbol,
    t: trade.id,
    p: trade.price,
    q: trade.qty,
    T: timeIn(trade.timeUs, microseconds),
    m: trade.buyerIsMaker,
    M: true,
  });
}

/** `<symbol>@aggTrade` payload for an aggregate of exactly one trade (`f` = `l` = trade id). */
export function aggTradePayload(trade: SimTrade, aggId: number, eventTime: number, microseconds: boolean): string {
  return JSON.stringify({
    e: 'aggTrade',
    E: eventTime,
    s: trade.symbol,
    a: aggId,
    p: trade.price,
    q: trade.qty,
    f: trade.id,
    l: trade.id,
    T: timeIn(trade.timeUs, microseconds),
    m: trade.buyerIsMaker,
    M: true,
  });
}

/** `<symbol>@bookTicker` payload (no event type or time). */
export function bookTickerPayload(symbol: string, book: BookTop): string {
  return JSON.stringify({ u: book.updateId, s: symbol, b: book.bidPrice, B: book.bidQty, a: book.askPrice, A: book.askQty });
}

/** The server-shutdown notice. */
export function serverShutdownPayload(eventTime: number): string {
  return JSON.stringify({ e: 'serverShutdown', E: eventTime });
}

/** Stream name used for the shutdown notice on combined connections. */
export const SHUTDOWN_STREAM = '!serverShutdown';

/** Wrap a payload for a combined-stream connection. */
export function combinedFrame(stream: string, payload: string): string {
  return `{"stream":${JSON.stringify(stream)},"data":${payload}}`;
}

/**
 * A damaged trade (or aggTrade) frame standing in for a real trade:
 * - `invalid-json`: the frame cut in half;
 * - `wrong-types`: id as a string, price and quantity as JSON numbers, `m` as a string;
 * - `missing-fields`: no price and no quantity.
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
  }
}
