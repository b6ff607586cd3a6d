import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { SimTrade } from '../core/market.js';
import { hashString } from '../core/rng.js';
import { rfc3339Micros } from '../core/kit/render.js';

/** Taker side: `buy` when the buyer was not the maker. */
export function takerSide(trade: SimTrade): 'buy' | 'sell' {
  return trade.buyerIsMaker ? 'sell' : 'buy';
}

/** The taker order's type, seeded by its order (market orders are the common case). */
export function orderType(trade: SimTrade): 'market' | 'limit' {
  return hashString(`${trade.symbol}:${trade.takerOrder ?? trade.id}`) % 4 === 0 ? 'limit' : 'market';
}

/**
 * One trade object of the `trade` channel. `price` and `qty` are JSON **numbers** written from the exact
 * decimal text (`0.5147`, `6423.46326`), never through a float; the object text is built by hand.
 */
export function tradeObject(trade: SimTrade): string {
  return (
    `{"symbol":${JSON.stringify(trade.symbol)},"side":"${takerSide(trade)}","price":${canonical(trade.price)},` +
    `"qty":${canonical(trade.qty)},"ord_type":"${orderType(trade)}","trade_id":${trade.id},"timestamp":"${rfc3339Micros(trade.timeUs)}"}`
  );
}

/** `trade` channel message: a `snapshot` (the last trades on subscribe) or an `update`. */
export function tradeMessage(type: 'snapshot' | 'update', trades: readonly SimTrade[]): string {
  return `{"channel":"trade","type":"${type}","data":[${trades.map(tradeObject).join(',')}]}`;
}

export const HEARTBEAT = '{"channel":"heartbeat"}';

/** `status` channel update, sent on connect (`online`) and as the shutdown notice (`maintenance`). */
export function statusMessage(system: 'online' | 'maintenance', connectionId: number): string {
  return `{"channel":"status","type":"update","data":[{"version":"2.0.0","system":"${system}","api_version":"v2","connection_id":${connectionId}}]}`;
}

/**
 * A method answer; keys are written in alphabetical order like the venue's own answers:
 * `{"method":"subscribe","result":{…},"success":true,"time_in":"…","time_out":"…"}`.
 */
export function methodAnswer(fields: { error?: string; method?: string; req_id?: unknown; result?: unknown; success?: boolean; symbol?: string; time_in: string; time_out: string }): string {
  const ordered: Record<string, unknown> = {};
  for (const key of ['error', 'method', 'req_id', 'result', 'success', 'symbol', 'time_in', 'time_out'] as const) {
    if (fields[key] !== undefined) ordered[key] = fields[key];
  }
  return JSON.stringify(ordered);
}

/** REST `Trades` row `[price, volume, time, side, type, misc, trade_id]` as JSON text (time a number with µs). */
export function restTradeRow(trade: SimTrade, priceDecimals: number): string {
  const price = formatUnits(toUnits(trade.price), priceDecimals);
  const volume = formatUnits(toUnits(trade.qty), 8);
  const seconds = `${Math.floor(trade.timeUs / 1_000_000)}.${String(trade.timeUs % 1_000_000).padStart(6, '0')}`;
  return `["${price}","${volume}",${seconds},"${takerSide(trade) === 'buy' ? 'b' : 's'}","${orderType(trade) === 'market' ? 'm' : 'l'}","",${trade.id}]`;
}
