import { InvalidSubjectTokenError } from './errors.js';

/** Prefix of every tickgate subject. */
export const SUBJECT_ROOT = 'md';
/** The JetStream header that carries the deduplication key of a published event. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

const VENUE_TOKEN = /^[a-z][a-z0-9_-]{0,31}$/;
const INSTRUMENT_TOKEN = /^[A-Z0-9]{1,24}-[A-Z0-9]{1,24}$/;

/** A venue id usable as a subject token: lowercase letters and digits (`binance`). */
export function isVenueId(venue: string): boolean {
  return VENUE_TOKEN.test(venue);
}

/** A normalized instrument usable as a subject token: `BASE-QUOTE`, uppercase (`BTC-USDT`). */
export function isInstrumentId(instrument: string): boolean {
  return INSTRUMENT_TOKEN.test(instrument);
}

function checkVenue(venue: string): string {
  if (!VENUE_TOKEN.test(venue)) throw new InvalidSubjectTokenError('venue', venue);
  return venue;
}

function checkInstrument(instrument: string): string {
  if (!INSTRUMENT_TOKEN.test(instrument)) throw new InvalidSubjectTokenError('instrument', instrument);
  return instrument;
}

/** `md.trade.<venue>.<instrument>`, e.g. `md.trade.binance.BTC-USDT`. */
export function tradeSubject(venue: string, instrument: string): string {
  return `${SUBJECT_ROOT}.trade.${checkVenue(venue)}.${checkInstrument(instrument)}`;
}

/** `md.status.<venue>.<instrument>`, or `md.status.<venue>` for connection-wide events. */
export function statusSubject(venue: string, instrument?: string): string {
  return instrument === undefined
    ? `${SUBJECT_ROOT}.status.${checkVenue(venue)}`
    : `${SUBJECT_ROOT}.status.${checkVenue(venue)}.${checkInstrument(instrument)}`;
}

/**
 * A subscription subject for trades: every trade (`md.trade.>`), one venue's (`md.trade.binance.>`),
 * one instrument on every venue (`md.trade.*.BTC-USDT`) or one exact pair.
 */
export function tradeFilter(venue?: string, instrument?: string): string {
  const v = venue === undefined || venue === '*' ? '*' : checkVenue(venue);
  const i = instrument === undefined || instrument === '*' ? '*' : checkInstrument(instrument);
  return v === '*' && i === '*' ? `${SUBJECT_ROOT}.trade.>` : `${SUBJECT_ROOT}.trade.${v}.${i}`;
}

/**
 * Subscription subjects for status events: all of them (`md.status.>`), or one venue's, which takes two
 * subjects because connection-wide events stand on `md.status.<venue>` and per-instrument ones below it.
 */
export function statusFilters(venue?: string): string[] {
  if (venue === undefined || venue === '*') return [`${SUBJECT_ROOT}.status.>`];
  const v = checkVenue(venue);
  return [`${SUBJECT_ROOT}.status.${v}`, `${SUBJECT_ROOT}.status.${v}.>`];
}

/** `md.book.<venue>.<instrument>`: snapshots and deltas of the instrument's L2 book. */
export function bookSubject(venue: string, instrument: string): string {
  return `${SUBJECT_ROOT}.book.${checkVenue(venue)}.${checkInstrument(instrument)}`;
}

/** `md.bbo.<venue>.<instrument>`: best bid and offer from the venue's top-of-book channel. */
export function bboSubject(venue: string, instrument: string): string {
  return `${SUBJECT_ROOT}.bbo.${checkVenue(venue)}.${checkInstrument(instrument)}`;
}

/** Every subject tickgate publishes on. */
export const ALL_SUBJECTS = `${SUBJECT_ROOT}.>`;

/** What the trade stream (`MD`) captures: trades and status events, not books (they have their own stream). */
export const TRADE_STREAM_SUBJECTS: readonly string[] = [`${SUBJECT_ROOT}.trade.>`, `${SUBJECT_ROOT}.status.>`];

/** What the book stream (`MD_BOOK`) captures. */
export const BOOK_STREAM_SUBJECTS: readonly string[] = [`${SUBJECT_ROOT}.book.>`];

/** The `Nats-Msg-Id` of a trade: `<venue>:<instrument>:<id>`. Equal ids from replicas dedupe. */
export function tradeMsgId(venue: string, instrument: string, id: string): string {
  return `${venue}:${instrument}:${id}`;
}

/** Split a trade subject into venue and instrument, or `undefined` if it is not one. */
export function parseTradeSubject(subject: string): { venue: string; instrument: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT || parts[1] !== 'trade') return undefined;
  const venue = parts[2] as string;
  const instrument = parts[3] as string;
  return isVenueId(venue) && isInstrumentId(instrument) ? { venue, instrument } : undefined;
}
