import { InvalidSubjectTokenError, isInstrumentId, isVenueId, statusFilters, SUBJECT_ROOT, tradeFilter } from '@tickgate/schema';
import { ClientError } from './errors.js';

/** Which trades (and status events) to receive. Omitted or `'*'` means any. */
export interface Selection {
  /** Lowercase venue id (`binance`); all venues when omitted. */
  venue?: string;
  /** Normalized `BASE-QUOTE` instrument (`BTC-USDT`); all instruments when omitted. */
  instrument?: string;
}

function check(kind: 'venue' | 'instrument', value: string | undefined): string | undefined {
  if (value === undefined || value === '*') return undefined;
  const ok = kind === 'venue' ? isVenueId(value) : isInstrumentId(value);
  if (!ok) {
    throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `invalid ${kind} ${JSON.stringify(value)}`, {
      cause: new InvalidSubjectTokenError(kind, String(value)),
    });
  }
  return value;
}

/** The trade subject filter for a selection (`md.trade.>`, `md.trade.binance.>`, `md.trade.*.BTC-USDT`, …). */
export function tradeSubjects(selection: Selection): string[] {
  const venue = check('venue', selection.venue);
  const instrument = check('instrument', selection.instrument);
  return [tradeFilter(venue, instrument)];
}

/** The bbo subject filter for a selection (`md.bbo.>`, `md.bbo.binance.*`, `md.bbo.*.BTC-USDT`, `md.bbo.binance.BTC-USDT`). */
export function bboSubjects(selection: Selection): string[] {
  const venue = check('venue', selection.venue);
  const instrument = check('instrument', selection.instrument);
  if (venue === undefined && instrument === undefined) return [`${SUBJECT_ROOT}.bbo.>`];
  return [`${SUBJECT_ROOT}.bbo.${venue ?? '*'}.${instrument ?? '*'}`];
}

/**
 * The status subject filters for a selection: the per-instrument events of the selected instruments and
 * the connection-wide events (`md.status.<venue>`) of the selected venues, which concern every instrument.
 */
export function statusSubjects(selection: Selection): string[] {
  const venue = check('venue', selection.venue);
  const instrument = check('instrument', selection.instrument);
  if (instrument === undefined) return statusFilters(venue);
  const v = venue ?? '*';
  return [`${SUBJECT_ROOT}.status.${v}`, `${SUBJECT_ROOT}.status.${v}.${instrument}`];
}

/** Whether `subject` matches the NATS filter `filter` (`*` one token, a final `>` one or more). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const token = f[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return f.length === s.length;
}
