import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { SimTrade } from '../core/market.js';
import type { BookBatch, BookLevel } from '../core/order-book.js';

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

/** One book row `[px, sz, "0", numOrders]`, strings without trailing zeros (a removed level: `[px, "0", "0", "0"]`). */
export function bookRow(level: { readonly price: string; readonly qty: string; readonly orders: number }): [string, string, string, string] {
  return [canonical(level.price), canonical(level.qty), '0', String(level.orders)];
}

/** A `books` push: `{"arg","action","data":[{"asks","bids","ts","checksum":0,"prevSeqId","seqId"}]}`. */
export function booksPush(
  instId: string,
  action: 'snapshot' | 'update',
  asks: readonly BookLevel[],
  bids: readonly BookLevel[],
  tsMs: number,
  prevSeqId: number,
  seqId: number,
): string {
  return JSON.stringify({
    arg: { channel: 'books', instId },
    action,
    data: [{ asks: asks.map(bookRow), bids: bids.map(bookRow), ts: String(tsMs), checksum: 0, prevSeqId, seqId }],
  });
}

/** The `books` update push of one batch of changes. */
export function booksUpdatePush(batch: BookBatch): string {
  const asks = batch.changes.filter((c) => c.side === 'ask');
  const bids = batch.changes.filter((c) => c.side === 'bid');
  return booksPush(batch.symbol, 'update', asks, bids, Math.floor(batch.timeUs / 1000), batch.prevUpdateId, batch.lastUpdateId);
}

/** A `bbo-tbt` push: the best ask and bid, `ts`, `seqId` (no `action`, `checksum` or `prevSeqId`). */
export function bboPush(instId: string, ask: BookLevel | undefined, bid: BookLevel | undefined, tsMs: number, seqId: number): string {
  return JSON.stringify({
    arg: { channel: 'bbo-tbt', instId },
    data: [{ asks: ask ? [bookRow(ask)] : [], bids: bid ? [bookRow(bid)] : [], ts: String(tsMs), seqId }],
  });
}
