import { fixtureReader, RECEIVE_TIME_US } from '@tickgate/adapter-conformance';
import { instrumentMap, type InstrumentInfo } from '@tickgate/core';

export { collectingSink, type Collected } from '@tickgate/adapter-conformance';

export const INSTRUMENTS: InstrumentInfo[] = [
  { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', status: 'Trading' },
  { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
];
export const instruments = instrumentMap(INSTRUMENTS);
export const BTC = INSTRUMENTS[0]!;

/** A receive time in µs (2026-01-01T00:00:01Z), the conformance kit's. */
export const RECEIVE_US = RECEIVE_TIME_US;

/** Readers of this adapter's `fixtures/` files, by name. */
export const { text: fixtureText, lines: fixtureLines, json: fixtureJson } = fixtureReader(new URL('../fixtures/', import.meta.url));
