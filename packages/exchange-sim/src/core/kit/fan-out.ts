import type { DeliveryMode } from '../frame-sequencer.js';
import type { SimTrade } from '../market.js';
import type { BookBatch } from '../order-book.js';

/** One streamed frame's worth of trades of one symbol (one trade, or several of one taker order). */
export interface TradeGroup {
  readonly symbol: string;
  readonly trades: readonly SimTrade[];
}

/** One trade per group, in order (what the starter does without `groupTrades`). */
export function singleTrades(symbol: string, trades: readonly SimTrade[]): TradeGroup[] {
  return trades.map((t) => ({ symbol, trades: [t] }));
}

/** Consecutive trades of one taker order (`takerOrder`) in one group; trades without an order alone. */
export function groupByTakerOrder(symbol: string, trades: readonly SimTrade[]): TradeGroup[] {
  const groups: { symbol: string; trades: SimTrade[] }[] = [];
  for (const trade of trades) {
    const last = groups[groups.length - 1];
    const prev = last?.trades[last.trades.length - 1];
    if (last && prev && trade.takerOrder !== undefined && prev.takerOrder === trade.takerOrder) last.trades.push(trade);
    else groups.push({ symbol, trades: [trade] });
  }
  return groups;
}

/**
 * How the frames the sequencer releases reach the connections. Every group of one batch of the market's new
 * trades (one `market.generate`) is delivered between `batchStart` and `batchEnd` of its symbol, synchronously;
 * groups held back by a `reorder` fault may also be released later, by a timer, outside any batch. A group is
 * only valid during `deliver` (the starter reuses one object for single-trade frames): render it, do not keep it.
 */
export interface TradeFanOut {
  /** A batch of `symbol`'s new trades begins: what is found once per batch may be kept until `batchEnd`. */
  batchStart?(symbol: string): void;
  deliver(group: TradeGroup, mode: DeliveryMode): void;
  /** The batch ended (also when delivering it threw): drop what was kept; send per-batch frames. */
  batchEnd?(symbol: string): void;
  /**
   * A book delta released by the book sequencer (book faults applied: dropped ones never come, duplicated ones
   * with `copies: 2`, reordered ones late). Only with books on.
   */
  bookDelta?(batch: BookBatch, mode: DeliveryMode): void;
  /** Every book batch as it happens, fault-free (for best bid/offer streams, which are separate streams). */
  bookChanged?(batch: BookBatch): void;
}

/** A connection that renders a group of trades itself, if it subscribes to them (and book batches, if it serves books). */
export interface TradeReceiver {
  deliver(group: TradeGroup, mode: DeliveryMode): void;
  deliverBookDelta?(batch: BookBatch, mode: DeliveryMode): void;
  deliverBookChange?(batch: BookBatch): void;
}

/** The plain fan-out: every group (and book batch) is offered to every connection, which renders it (or not) itself. */
export function deliverToEach(connections: ReadonlyMap<number, TradeReceiver>): TradeFanOut {
  return {
    deliver(group, mode) {
      for (const connection of connections.values()) connection.deliver(group, mode);
    },
    bookDelta(batch, mode) {
      for (const connection of connections.values()) connection.deliverBookDelta?.(batch, mode);
    },
    bookChanged(batch) {
      for (const connection of connections.values()) connection.deliverBookChange?.(batch);
    },
  };
}
