import { readFileSync } from 'node:fs';
import { instrumentMap, type ControlEvent, type InstrumentInfo, type ParseSink, type Rejection } from '@tickgate/core';
import type { Trade } from '@tickgate/schema';

/** Everything a parser reported, in order. */
export interface Collected {
  trades: Trade[];
  spans: number[];
  controls: ControlEvent[];
  rejections: Rejection[];
}

export function collectingSink(): ParseSink & Collected {
  const trades: Trade[] = [];
  const spans: number[] = [];
  const controls: ControlEvent[] = [];
  const rejections: Rejection[] = [];
  return {
    trades,
    spans,
    controls,
    rejections,
    trade: (t, span) => {
      trades.push(t);
      spans.push(span ?? 1);
    },
    control: (c) => controls.push(c),
    reject: (r) => rejections.push(r),
  };
}

export const INSTRUMENTS: InstrumentInfo[] = [
  { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', status: 'Trading' },
  { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
];
export const instruments = instrumentMap(INSTRUMENTS);
export const BTC = INSTRUMENTS[0]!;

/** A receive time in µs (2026-01-01T00:00:01Z). */
export const RECEIVE_US = 1_767_225_601_000_000;

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixtureLines(name: string): string[] {
  return fixtureText(name)
    .split('\n')
    .filter((line) => line.length > 0);
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}
