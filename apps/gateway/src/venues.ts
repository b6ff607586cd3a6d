import { binance } from '@tickgate/adapter-binance';
import type { VenueAdapter } from '@tickgate/core';

/** Every venue the gateway can run, by the `venue` key of a feed. */
export const VENUES: Readonly<Record<string, VenueAdapter>> = {
  binance,
};

export function venueNames(): string[] {
  return Object.keys(VENUES).sort();
}
