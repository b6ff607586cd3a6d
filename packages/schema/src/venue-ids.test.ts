import { describe, expect, it } from 'vitest';
import { VENUE_ID_ORDER, venueIdOrder } from './venue-ids.js';

describe('venueIdOrder', () => {
  it('names the venues whose trade ids are consecutive integers', () => {
    expect(['binance', 'coinbase', 'kraken', 'okx'].map(venueIdOrder)).toEqual(['consecutive', 'consecutive', 'consecutive', 'consecutive']);
    expect(venueIdOrder('bybit')).toBe('none');
  });

  it('answers none for an unknown venue, including names of Object.prototype members', () => {
    expect(venueIdOrder('newvenue')).toBe('none');
    expect(venueIdOrder('constructor')).toBe('none');
    expect(venueIdOrder('toString')).toBe('none');
  });

  it('is a frozen table', () => {
    expect(Object.isFrozen(VENUE_ID_ORDER)).toBe(true);
    expect(Object.keys(VENUE_ID_ORDER).sort()).toEqual(['binance', 'bybit', 'coinbase', 'kraken', 'okx']);
  });
});
