import { z } from 'zod';
import { canonicalDecimalOrUndefined, explainDecimal } from './decimal.js';
import { isInstrumentId, isVenueId } from './subjects.js';

/** Version of the wire contract. A breaking change bumps it. */
export const WIRE_VERSION = 1;

/** Earliest plausible exchange time, µs (2009-01-01): catches milliseconds passed as microseconds. */
export const MIN_TIME_US = 1_230_768_000_000_000;
/** Latest plausible exchange time, µs (2100-01-01). */
export const MAX_TIME_US = 4_102_444_800_000_000;

/** A canonical positive decimal string (prices, quantities). */
export const decimalString = z.string().superRefine((value, ctx) => {
  if (canonicalDecimalOrUndefined(value) !== value) {
    const why = explainDecimal(value);
    ctx.addIssue({
      code: 'custom',
      message: why ? `not a canonical positive decimal (${why})` : `not in canonical form (expected "${canonicalDecimalOrUndefined(value)}")`,
    });
  }
});

/** Schema pieces shared by every wire message (`books.ts` too); not part of the package's exports. */
export const venueId = z.string().refine(isVenueId, { message: 'not a venue id (lowercase letters and digits, e.g. "binance")' });
export const instrumentId = z.string().refine(isInstrumentId, { message: 'not a BASE-QUOTE instrument (e.g. "BTC-USDT")' });
export const microseconds = z
  .number()
  .int()
  .min(MIN_TIME_US, { message: 'not microseconds since the Unix epoch (too small: milliseconds?)' })
  .max(MAX_TIME_US, { message: 'not microseconds since the Unix epoch (too large)' });

export const Side = z.enum(['buy', 'sell', 'unknown']);
export type Side = z.infer<typeof Side>;
export const Source = z.enum(['ws', 'rest']);
export type Source = z.infer<typeof Source>;

const tradeShape = {
  v: z.literal(WIRE_VERSION),
  type: z.literal('trade'),
  venue: venueId,
  instrument: instrumentId,
  symbol: z.string().min(1).max(64),
  id: z.string().min(1).max(128),
  price: decimalString,
  quantity: decimalString,
  side: Side,
  tradeTime: microseconds,
  receiveTime: microseconds,
  source: Source,
};

/** A normalized trade as producers must emit it: unknown keys are errors. */
export const TradeSchema = z.strictObject(tradeShape);
/** A normalized trade as consumers accept it: unknown keys are kept (forward compatibility). */
export const TradeSchemaLoose = z.looseObject(tradeShape);
export type Trade = z.infer<typeof TradeSchema>;

/**
 * What a status event reports. Trades: `connected` … `reset`. Books: `book-resync` (the instrument's book
 * is out of sync and is being rebuilt; `reason` says why: `gap`, `crossed`, `stale`, `venue-reset`,
 * `disconnect`, `snapshot-failed`), `book-synced` (in sync again; `seq` is the new snapshot's).
 */
export const StatusState = z.enum(['connected', 'disconnected', 'gap', 'recovered', 'unrecoverable', 'fallback', 'stale', 'divergence', 'reset', 'book-resync', 'book-synced']);
export type StatusState = z.infer<typeof StatusState>;

const statusShape = {
  v: z.literal(WIRE_VERSION),
  type: z.literal('status'),
  venue: venueId,
  instrument: instrumentId.optional(),
  state: StatusState,
  time: microseconds,
  /** First id of a missing, recovered or unrecoverable range (inclusive). */
  fromId: z.string().min(1).max(128).optional(),
  /** Last id of that range (inclusive). */
  toId: z.string().min(1).max(128).optional(),
  /** Exchange time of the last trade before a range, µs (where ids alone cannot bound it). */
  fromTime: microseconds.optional(),
  /** Exchange time of the first trade after a range, µs. */
  toTime: microseconds.optional(),
  /** Last trade id published for the instrument (a stop that could not verify continuity, a `reset`). */
  lastId: z.string().min(1).max(128).optional(),
  /** The venue's own latest trade id, as its REST answered (`reset`: ids went backwards). */
  venueLastId: z.string().min(1).max(128).optional(),
  /** How many trades the range holds, or how many were recovered. */
  count: z.number().int().nonnegative().optional(),
  /** Book `seq`: the last one published before a `book-resync`, the snapshot's for `book-synced`. */
  seq: z.number().int().positive().optional(),
  /** Short machine-readable cause, e.g. `parse-error`, `disconnect`, `rest-unavailable`. */
  reason: z.string().min(1).max(200).optional(),
  /** Free text for people. */
  message: z.string().max(2000).optional(),
  /** Price divergence as an exact decimal fraction (`"0.0012"` = 0.12 %), for `divergence`. */
  divergence: z.string().optional(),
  /** Last published trade price / reference price, for `divergence`. */
  lastPrice: decimalString.optional(),
  referencePrice: decimalString.optional(),
};

/** A status event as producers must emit it. */
export const StatusSchema = z.strictObject(statusShape);
/** A status event as consumers accept it. */
export const StatusSchemaLoose = z.looseObject(statusShape);
export type Status = z.infer<typeof StatusSchema>;

/** Everything tickgate publishes. */
export type MarketEvent = Trade | Status;
