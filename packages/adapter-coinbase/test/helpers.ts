import { fixtureReader, RECEIVE_TIME_US } from '@tickgate/adapter-conformance';
import { instrumentMap, type InstrumentInfo } from '@tickgate/core';

export { collectingSink, type Collected } from '@tickgate/adapter-conformance';

function product(id: string): InstrumentInfo {
  const [base, quote] = id.split('-') as [string, string];
  return { instrument: id, symbol: id, base, quote };
}

export const INSTRUMENTS: InstrumentInfo[] = [
  { instrument: 'BTC-USD', symbol: 'BTC-USD', base: 'BTC', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', status: 'online' },
  product('ETH-USD'),
  // The products of the recorded frames.
  ...['SKL-USD', 'DASH-BTC', 'SKL-BTC', 'BAND-BTC', 'NMR-EUR', 'BAND-GBP', 'SKL-GBP', 'NU-GBP', 'YFI-BTC', 'CRV-EUR'].map(product),
];
export const instruments = instrumentMap(INSTRUMENTS);
export const BTC = INSTRUMENTS[0]!;

/** A receive time in µs (2026-01-01T00:00:01Z), the conformance kit's. */
export const RECEIVE_US = RECEIVE_TIME_US;

/** Readers of this adapter's `fixtures/` files, by name. */
export const { text: fixtureText, lines: fixtureLines, json: fixtureJson } = fixtureReader(new URL('../fixtures/', import.meta.url));
