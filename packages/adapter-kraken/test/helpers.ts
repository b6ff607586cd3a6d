import { readFixtureLines, readFixtureText } from '@tickgate/adapter-conformance';
import { instrumentMap, type InstrumentInfo } from '@tickgate/core';

export { collectingSink, type Collected } from '@tickgate/adapter-conformance';

export const INSTRUMENTS: InstrumentInfo[] = [
  { instrument: 'BTC-USD', symbol: 'BTC/USD', base: 'BTC', quote: 'USD', tickSize: '0.1', stepSize: '0.00000001', status: 'online' },
  { instrument: 'ETH-USD', symbol: 'ETH/USD', base: 'ETH', quote: 'USD' },
  { instrument: 'MATIC-USD', symbol: 'MATIC/USD', base: 'MATIC', quote: 'USD' },
];
export const instruments = instrumentMap(INSTRUMENTS);
export const BTC = INSTRUMENTS[0]!;

/** A receive time in µs (2026-01-01T00:00:01Z). */
export const RECEIVE_US = 1_767_225_601_000_000;

const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);

export function fixtureText(name: string): string {
  return readFixtureText(fixture(name));
}

export function fixtureLines(name: string): string[] {
  return readFixtureLines(fixture(name));
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}
