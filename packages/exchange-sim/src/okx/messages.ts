import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { SimTrade } from '../core/market.js';

/** Taker side: `buy` when the buyer was not the maker. */
export function takerSide(trade: SimTrade): 'buy' | 'sell' {
  return trade.buyerIsMaker ? 'sell' : 'buy';
}

/** Per-instrument `seqId` of a push: increasing, with gaps (other channels share the counter). */
export function seqIdOf(lastTradeId: number): number {
  return 1_000 + lastTradeId * 3;
}

/**
 * A `trades` push of one taker order at one price: `tradeId` is the **last** id, `count` how many ids it
 * covers, `sz` their summed size. The trades must be consecutive, of one price and side.
 */
export function tradesPush(trades: readonly SimTrade[]): string {
  const last = trades[trades.length - 1] as SimTrade;
  const size = trades.reduce((sum, t) => sum + toUnits(t.qty), 0n);
  const instId = last.symbol;
  return JSON.stringify({
    arg: { channel: 'trades', instId },
    data: [
      {
        instId,
        tradeId: String(last.id),
        px: canonical(last.price),
        sz: canonical(formatUnits(size)),
        side: takerSide(last),
        ts: String(Math.floor(last.timeUs / 1000)),
        count: String(trades.length),
        source: '0',
        seqId: seqIdOf(last.id),
      },
    ],
  });
}

/** One REST trade, fields in the documented order. */
export function restTrade(trade: SimTrade): { instId: string; side: string; sz: string; source: string; px: string; tradeId: string; ts: string } {
  return {
    instId: trade.symbol,
    side: takerSide(trade),
    sz: canonical(trade.qty),
    source: '0',
    px: canonical(trade.price),
    tradeId: String(trade.id),
    ts: String(Math.floor(trade.timeUs / 1000)),
  };
}

/** An event answer (`subscribe`, `unsubscribe`, `error`, `notice`), `id` first when the request had one. */
export function eventMessage(fields: { id?: string; event: string; arg?: unknown; code?: string; msg?: string; connId: string }): string {
  return JSON.stringify({
    ...(fields.id !== undefined ? { id: fields.id } : {}),
    event: fields.event,
    ...(fields.arg !== undefined ? { arg: fields.arg } : {}),
    ...(fields.code !== undefined ? { code: fields.code } : {}),
    ...(fields.msg !== undefined ? { msg: fields.msg } : {}),
    connId: fields.connId,
  });
}
