import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { Market, SimTrade } from '../core/market.js';
import { Rng, hashString } from '../core/rng.js';

/** Taker side, capitalized: `Buy` when the buyer was not the maker. */
export function takerSide(trade: SimTrade): 'Buy' | 'Sell' {
  return trade.buyerIsMaker ? 'Sell' : 'Buy';
}

/**
 * The trade id `i` (and REST `execId`): a UUID-like string seeded by symbol and trade id, so it is the same on
 * the stream and over REST, but **not consecutive** (the venue's ids give no gap detection).
 */
export function bybitTradeId(trade: Pick<SimTrade, 'symbol' | 'id'>): string {
  const rng = new Rng(hashString(`bybit:${trade.symbol}:${trade.id}`));
  let hex = '';
  for (let i = 0; i < 4; i++) hex += Math.floor(rng.next() * 0x100000000).toString(16).padStart(8, '0');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `seq`: increasing with the trade id, with gaps (ordering only). */
export function seqOf(trade: Pick<SimTrade, 'symbol' | 'id'>): number {
  return 1_783_000_000 + trade.id * 5 + (hashString(`${trade.symbol}:${trade.id}`) % 5);
}

export type TickDirection = 'PlusTick' | 'ZeroPlusTick' | 'MinusTick' | 'ZeroMinusTick';

/** Tick direction against the previous trades of the history (`ZeroPlusTick` when nothing differs). */
export function tickDirection(market: Market, trade: SimTrade): TickDirection {
  const price = toUnits(trade.price);
  let zero = false;
  for (let id = trade.id - 1, n = 0; n < 100; id--, n++) {
    const previous = market.trade(trade.symbol, id);
    if (!previous) break;
    const p = toUnits(previous.price);
    if (p !== price) return p < price ? (zero ? 'ZeroPlusTick' : 'PlusTick') : zero ? 'ZeroMinusTick' : 'MinusTick';
    zero = true;
  }
  return 'ZeroPlusTick';
}

/** Price with the tick's decimals (`"16578.50"`). */
export function priceText(trade: SimTrade, decimals: number): string {
  return formatUnits(toUnits(trade.price), decimals);
}

/** One `publicTrade` data entry, fields in the documented order. */
export function tradeEntry(trade: SimTrade, decimals: number, direction: TickDirection) {
  return {
    T: Math.floor(trade.timeUs / 1000),
    s: trade.symbol,
    S: takerSide(trade),
    v: canonical(trade.qty),
    p: priceText(trade, decimals),
    L: direction,
    i: bybitTradeId(trade),
    BT: false,
    seq: seqOf(trade),
  };
}

/** A `publicTrade.<symbol>` push. */
export function publicTradePush(symbol: string, tsMs: number, entries: readonly ReturnType<typeof tradeEntry>[]): string {
  return JSON.stringify({ topic: `publicTrade.${symbol}`, type: 'snapshot', ts: tsMs, data: entries });
}

/** An op answer: `{"success":…,"ret_msg":…,"conn_id":…,"req_id"?:…,"op":…}`. */
export function opAnswer(success: boolean, retMsg: string, connId: string, op: string, reqId?: string): string {
  return JSON.stringify({ success, ret_msg: retMsg, conn_id: connId, ...(reqId !== undefined ? { req_id: reqId } : {}), op });
}

/** One REST `recent-trade` entry (spot). */
export function restTrade(trade: SimTrade, decimals: number) {
  return {
    execId: bybitTradeId(trade),
    symbol: trade.symbol,
    price: priceText(trade, decimals),
    size: canonical(trade.qty),
    side: takerSide(trade),
    time: String(Math.floor(trade.timeUs / 1000)),
    isBlockTrade: false,
  };
}
