import { binance } from '@tickgate/adapter-binance';
import { bybit } from '@tickgate/adapter-bybit';
import { coinbase } from '@tickgate/adapter-coinbase';
import { kraken } from '@tickgate/adapter-kraken';
import { okx } from '@tickgate/adapter-okx';
import type { VenueAdapter } from '@tickgate/core';

/** Every venue the gateway can run, by the `venue` key of a feed. Adding a venue is one line here. */
export const VENUES: Readonly<Record<string, VenueAdapter>> = {
  binance,
  bybit,
  coinbase,
  kraken,
  okx,
};

export function venueNames(): string[] {
  return Object.keys(VENUES).sort();
}
