import { readFixtureLines, readFixtureText } from '@tickgate/adapter-conformance';
import { instrumentMap, type InstrumentInfo } from '@tickgate/core';

export { collectingSink, type Collected } from '@tickgate/adapter-conformance';

export const INSTRUMENTS: InstrumentInfo[] = [
  { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', status: 'Trading' },
  { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
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
