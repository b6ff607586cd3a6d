import { z } from 'zod';
import { canonicalDecimalOrUndefined } from './decimal.js';
import { decimalString, instrumentId, microseconds, venueId, WIRE_VERSION } from './events.js';

const ZERO = 48;
const DOT = 46;

/**
 * Canonical form of a level size: a canonical positive decimal, or `"0"` for any zero written as a
 * plain decimal (`"0.00000000"`, `"0"`: the level is removed). `undefined` for anything else.
 */
export function canonicalSizeOrUndefined(text: string): string | undefined {
  const canonical = canonicalDecimalOrUndefined(text);
  if (canonical !== undefined) return canonical;
  const n = text.length;
  if (n === 0 || text.charCodeAt(0) === DOT || text.charCodeAt(n - 1) === DOT) return undefined;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (++dots > 1) return undefined;
    } else if (c !== ZERO) {
      return undefined;
    }
  }
  return '0';
}

/**
 * Exact order of two canonical decimals (`canonicalDecimal` output, or `"0"`): negative when `a < b`,
 * 0 when equal, positive when `a > b`. String operations only — no float, no Decimal.
 *
 * One pass over the common start of both strings finds the first difference. When a dot was passed
 * on the way, both integer parts are that long and the differing digits decide. Otherwise the integer
 * parts are measured from there (canonical integer parts have no leading zeros, so the longer is greater)
 * and, when they are as long, the differing digits decide. When one string is the start of the other,
 * the longer is greater unless the rest is zeros (and a dot), which equal it. Prices in one book mostly
 * share their integer part, so the usual comparison is a few `charCodeAt` and no search.
 */
export function compareDecimals(a: string, b: string): number {
  if (a === b) return 0;
  const aLength = a.length;
  const bLength = b.length;
  const common = aLength < bLength ? aLength : bLength;
  let i = 0;
  let pastDot = false;
  for (; i < common; i++) {
    const c = a.charCodeAt(i);
    if (c !== b.charCodeAt(i)) break;
    if (c === DOT) pastDot = true;
  }
  if (!pastDot) {
    const aDot = a.indexOf('.', i);
    const bDot = b.indexOf('.', i);
    const aInt = aDot < 0 ? aLength : aDot;
    const bInt = bDot < 0 ? bLength : bDot;
    if (aInt !== bInt) return aInt - bInt;
  }
  if (i < common) return a.charCodeAt(i) - b.charCodeAt(i);
  // One is the start of the other: a missing digit counts as 0.
  const longer = aLength > bLength ? a : b;
  for (let k = common; k < longer.length; k++) {
    const c = longer.charCodeAt(k);
    if (c !== ZERO && c !== DOT) return aLength > bLength ? 1 : -1;
  }
  return 0;
}

const price = decimalString;
const size = z.string().refine((value) => canonicalSizeOrUndefined(value) === value, { message: 'not a canonical size ("0" or a canonical positive decimal)' });
const positiveSize = size.refine((value) => value !== '0', { message: 'a snapshot level cannot have size "0"' });
const updateId = z.string().min(1).max(64);

/** One price level: `[price, size]`, canonical decimal strings. */
export const BookLevel = z.tuple([price, size]);
export type BookLevel = [price: string, size: string];

export const BookAction = z.enum(['snapshot', 'delta']);
export type BookAction = z.infer<typeof BookAction>;

const bookShape = {
  v: z.literal(WIRE_VERSION),
  type: z.literal('book'),
  venue: venueId,
  instrument: instrumentId,
  symbol: z.string().min(1).max(64),
  /** `snapshot`: the book is exactly these levels; `delta`: these levels changed (size `"0"`: removed). */
  action: BookAction,
  /** Per instrument, assigned by the gateway: one more than the previous book message's. */
  seq: z.number().int().positive(),
  /** The venue's update id the book is at after this message (Binance `u`/`lastUpdateId`, OKX `seqId`). */
  updateId,
  /** The venue's first update id in a delta, where it has one (Binance `U`). */
  firstUpdateId: updateId.optional(),
  /** The venue's id of the update before this one, where it has one (OKX `prevSeqId`). */
  prevUpdateId: updateId.optional(),
  /** Levels per side a snapshot vouches for (deeper levels are unknown, not absent). */
  depth: z.number().int().positive().optional(),
  /** The venue's time of the update, µs, where it gives one. */
  exchangeTime: microseconds.optional(),
  receiveTime: microseconds,
  /** Best first: bids high to low. */
  bids: z.array(BookLevel),
  /** Best first: asks low to high. */
  asks: z.array(BookLevel),
};

function checkOrder(levels: readonly BookLevel[], descending: boolean): number {
  for (let i = 1; i < levels.length; i++) {
    const c = compareDecimals(levels[i - 1]![0], levels[i]![0]);
    if (descending ? c <= 0 : c >= 0) return i;
  }
  return -1;
}

function refineBook(book: { action: BookAction; bids: BookLevel[]; asks: BookLevel[] }, ctx: z.RefinementCtx): void {
  const bidAt = checkOrder(book.bids, true);
  if (bidAt >= 0) ctx.addIssue({ code: 'custom', path: ['bids', bidAt], message: 'bids must be distinct prices, high to low' });
  const askAt = checkOrder(book.asks, false);
  if (askAt >= 0) ctx.addIssue({ code: 'custom', path: ['asks', askAt], message: 'asks must be distinct prices, low to high' });
  if (book.action === 'snapshot') {
    book.bids.forEach(([, s], i) => s === '0' && ctx.addIssue({ code: 'custom', path: ['bids', i, 1], message: 'a snapshot level cannot have size "0"' }));
    book.asks.forEach(([, s], i) => s === '0' && ctx.addIssue({ code: 'custom', path: ['asks', i, 1], message: 'a snapshot level cannot have size "0"' }));
    const bid = book.bids[0];
    const ask = book.asks[0];
    if (bid && ask && compareDecimals(bid[0], ask[0]) >= 0) ctx.addIssue({ code: 'custom', path: ['bids', 0, 0], message: `crossed book: best bid ${bid[0]} is not below best ask ${ask[0]}` });
  }
}

/** A book message as producers must emit it: unknown keys are errors; a snapshot is ordered and never crossed. */
export const BookSchema = z.strictObject(bookShape).superRefine(refineBook);
/** A book message as consumers accept it: unknown keys are kept. */
export const BookSchemaLoose = z.looseObject(bookShape).superRefine(refineBook);
export type Book = z.infer<typeof BookSchema>;

const bboShape = {
  v: z.literal(WIRE_VERSION),
  type: z.literal('bbo'),
  venue: venueId,
  instrument: instrumentId,
  symbol: z.string().min(1).max(64),
  /** The venue's update id of this top of book, where it gives one (Binance `u`, OKX `seqId`). */
  updateId: updateId.optional(),
  bidPrice: price,
  bidSize: positiveSize,
  askPrice: price,
  askSize: positiveSize,
  exchangeTime: microseconds.optional(),
  receiveTime: microseconds,
};

function refineBbo(b: { bidPrice: string; askPrice: string }, ctx: z.RefinementCtx): void {
  if (compareDecimals(b.bidPrice, b.askPrice) >= 0) ctx.addIssue({ code: 'custom', path: ['bidPrice'], message: `crossed: bid ${b.bidPrice} is not below ask ${b.askPrice}` });
}

/** Best bid and offer from the venue's own top-of-book channel, as producers must emit it. */
export const BboSchema = z.strictObject(bboShape).superRefine(refineBbo);
/** As consumers accept it. */
export const BboSchemaLoose = z.looseObject(bboShape).superRefine(refineBbo);
export type Bbo = z.infer<typeof BboSchema>;
