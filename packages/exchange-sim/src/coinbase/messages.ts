import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { SimTrade } from '../core/market.js';
import { Rng, hashString } from '../core/rng.js';
import { rfc3339Micros, uuidFrom } from '../core/kit/render.js';

/** Coinbase's `side` is the **maker's** side: a taker buy (buyer not the maker) is `"sell"`. */
export function makerSide(trade: SimTrade): 'buy' | 'sell' {
  return trade.buyerIsMaker ? 'buy' : 'sell';
}

/** Per-product `sequence` of a trade: strictly increasing, with jumps (other order book events in between). */
export function sequenceOf(trade: Pick<SimTrade, 'symbol' | 'id'>): number {
  return 1_000 + trade.id * 4 + (hashString(`${trade.symbol}:${trade.id}`) % 3);
}

/** Maker and taker order ids of a trade (seeded by product and trade id, the same on every connection). */
export function orderIdsOf(trade: Pick<SimTrade, 'symbol' | 'id'>): { maker: string; taker: string } {
  const rng = new Rng(hashString(`orders:${trade.symbol}:${trade.id}`));
  const next = () => rng.next();
  return { maker: uuidFrom(next), taker: uuidFrom(next) };
}

/** `match` (or `last_match`) message, fields in the documented order; price and size without trailing zeros. */
export function matchMessage(trade: SimTrade, type: 'match' | 'last_match' = 'match'): string {
  const orders = orderIdsOf(trade);
  return JSON.stringify({
    type,
    trade_id: trade.id,
    sequence: sequenceOf(trade),
    maker_order_id: orders.maker,
    taker_order_id: orders.taker,
    time: rfc3339Micros(trade.timeUs),
    product_id: trade.symbol,
    size: canonical(trade.qty),
    price: canonical(trade.price),
    side: makerSide(trade),
  });
}

/** `heartbeat` message for one product. */
export function heartbeatMessage(productId: string, sequence: number, lastTradeId: number, timeUs: number): string {
  return JSON.stringify({ type: 'heartbeat', sequence, last_trade_id: lastTradeId, product_id: productId, time: rfc3339Micros(timeUs) });
}

/** `subscriptions` answer: every channel with its products. */
export function subscriptionsMessage(channels: readonly { name: string; product_ids: readonly string[] }[]): string {
  return JSON.stringify({ type: 'subscriptions', channels });
}

/** `error` message. */
export function errorMessage(message: string, reason?: string): string {
  return JSON.stringify({ type: 'error', message, ...(reason !== undefined ? { reason } : {}) });
}

/** One REST trade row: 8-decimal strings as in the documented sample, maker side. */
export function restTradeRow(trade: SimTrade): { time: string; trade_id: number; price: string; size: string; side: 'buy' | 'sell' } {
  return {
    time: rfc3339Micros(trade.timeUs),
    trade_id: trade.id,
    price: formatUnits(toUnits(trade.price)),
    size: formatUnits(toUnits(trade.qty)),
    side: makerSide(trade),
  };
}
