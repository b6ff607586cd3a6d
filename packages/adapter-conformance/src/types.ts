import type { ControlEvent, InstrumentInfo, RejectionReason, VenueAdapter } from '@tickgate/core';
import type { Trade } from '@tickgate/schema';

/** Fields of a normalized trade a fixture expects; the rest is checked against the schema only. */
export type ExpectedTrade = Partial<Pick<Trade, 'instrument' | 'symbol' | 'id' | 'price' | 'quantity' | 'side' | 'tradeTime'>> & {
  /** How many consecutive venue ids the trade covers (OKX aggregates); default 1. */
  readonly span?: number;
};

/** One frame that must parse to exactly these trades (no rejection). */
export interface TradeFixture {
  readonly name: string;
  readonly frame: string;
  readonly expect: readonly ExpectedTrade[];
}

/** One frame that must be rejected, with this stable reason. */
export interface RejectionFixture {
  readonly name: string;
  readonly frame: string;
  readonly reason: RejectionReason;
  /** The field the rejection message must name. */
  readonly field?: string;
  /** The instrument the rejection must carry. */
  readonly instrument?: string;
  /** The venue trade id the rejection must carry (the sequencer treats it as a gap). */
  readonly tradeId?: string;
}

/** One frame that must produce a control event of this type (and these fields). */
export interface ControlFixture {
  readonly name: string;
  readonly frame: string;
  readonly expect: Partial<ControlEvent> & { readonly type: ControlEvent['type'] };
}

/** A REST trades body (`recentTrades`, or `tradesFrom` when `fromId` is given) and what it must hold. */
export interface RestTradesFixture {
  readonly name: string;
  readonly body: string;
  /** Normalized instrument of the request (one of the kit's `instruments`). */
  readonly instrument: string;
  /** Parse through `tradesFrom(instrument, fromId, limit)` instead of `recentTrades`. */
  readonly fromId?: string;
  readonly limit?: number;
  /** Ids the parser must return, ascending. */
  readonly expectIds?: readonly string[];
}

export interface RestInstrumentsFixture {
  readonly name: string;
  readonly body: string;
  /** Venue symbols asked for. */
  readonly symbols: readonly string[];
  /** Instruments the parser must return (fields compared as given). */
  readonly expect?: readonly Partial<InstrumentInfo>[];
}

export interface RestLastPriceFixture {
  readonly name: string;
  readonly body: string;
  readonly instrument: string;
  /** The canonical price the parser must return. */
  readonly expect?: string;
}

/** A REST error body: every parser must throw a `ParseError` for it (never return, never another error). */
export interface RestErrorFixture {
  readonly name: string;
  readonly body: string;
}

export interface RestFixtures {
  readonly trades?: readonly RestTradesFixture[];
  readonly instruments?: readonly RestInstrumentsFixture[];
  readonly lastPrice?: readonly RestLastPriceFixture[];
  readonly errors?: readonly RestErrorFixture[];
}

export interface ConformanceFixtures {
  /** Valid trade frames with their expected trades. At least one is required. */
  readonly trades: readonly TradeFixture[];
  /** The adapter's own bad frames with their expected reasons. At least one is required. */
  readonly rejections: readonly RejectionFixture[];
  /** Control frames (subscribe acks, heartbeats, pongs, errors, shutdown notices). */
  readonly controls?: readonly ControlFixture[];
  /** Any other frames (recorded sessions, doc samples): each must parse without throwing into valid events. */
  readonly frames?: readonly string[];
  /** REST bodies for the response parsers. */
  readonly rest?: RestFixtures;
}

/**
 * A running simulator of the venue, seen through what the kit needs. `fromVenueSim` builds one from any
 * `@tickgate/exchange-sim` handle.
 */
export interface ConformanceSim {
  /** Base WebSocket URL handed to `adapter.stream.connect`. */
  readonly wsUrl: string;
  /** REST base URL. */
  readonly restUrl: string;
  /** The instrument the simulator trades (one of the kit's `instruments`). */
  readonly instrument: InstrumentInfo;
  /** Make `n` trades now, delivered to every live connection. */
  generate(n: number): void;
  /** Destroy every live connection abruptly (no close frame); trades made in the same tick reach nobody. */
  drop(): void;
  /** Every trade made so far, oldest first, as the adapter must publish it. */
  trades(): SimTradeView[];
  close(): Promise<void>;
}

/** A simulator trade in normalized terms: venue id, canonical decimals, taker side. */
export interface SimTradeView {
  readonly id: string;
  readonly price: string;
  readonly quantity: string;
  readonly side: 'buy' | 'sell';
}

export interface ConformanceOptions {
  readonly adapter: VenueAdapter;
  /** Instruments the fixtures trade (the parser is built for these). */
  readonly instruments: readonly InstrumentInfo[];
  readonly fixtures: ConformanceFixtures;
  /**
   * Whether the venue can fill a gap by trade id (`rest.tradesFrom`). `none` must be said plainly: the
   * kit then checks that `tradesFrom` is undefined.
   */
  readonly backfill: 'by-id' | 'none';
  /** Start a simulator of the venue (per test); without it the kit runs fixtures only. */
  readonly sim?: () => Promise<ConformanceSim>;
  /** fast-check runs per property (default 300). */
  readonly numRuns?: number;
  /** fast-check seed (default 42). */
  readonly seed?: number;
  /** Milliseconds the simulator scenario may wait for each step (default 10 000). */
  readonly simStepTimeoutMs?: number;
}
