/**
 * How a venue's trade ids are ordered. `consecutive`: each instrument's trade ids are integers counting
 * up by one, so an id at or below the last one seen is a repeat. `none`: ids are unique but carry no
 * order (Bybit's are UUIDs), so only an exact repeat can be recognized.
 */
export type VenueIdOrder = 'consecutive' | 'none';

/** The venues tickgate knows and how their trade ids are ordered. */
export const VENUE_ID_ORDER: Readonly<Record<string, VenueIdOrder>> = Object.freeze({
  binance: 'consecutive',
  coinbase: 'consecutive',
  kraken: 'consecutive',
  okx: 'consecutive',
  bybit: 'none',
});

/** How `venue`'s trade ids are ordered; `none` for a venue not in the table (safe: exact repeats only). */
export function venueIdOrder(venue: string): VenueIdOrder {
  return Object.hasOwn(VENUE_ID_ORDER, venue) ? VENUE_ID_ORDER[venue]! : 'none';
}
