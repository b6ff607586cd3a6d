import { ParseError, type FrameParser, type InstrumentInfo, type Rejection } from '@tickgate/core';
import { TradeSchema, type Trade } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECEIVE_TIME_US, REJECTION_REASONS } from './checks.js';
import { collectingSink, type Collected } from './sink.js';
import type { RejectionFixture } from './types.js';

/*
 * Small pieces the adapters' own unit and property tests share (the conformance suite is the other half):
 * running a parser on one frame, catching a REST parser's ParseError, the generated-invalid-frames table,
 * arbitraries for wire values, and the "arbitrary text" property.
 */

/** What `parser` reports for `raw`, received at `receiveTimeUs`. */
export function parseCollect(parser: FrameParser, raw: string, receiveTimeUs: number = RECEIVE_TIME_US): Collected {
  const sink = collectingSink();
  parser(raw, receiveTimeUs, sink);
  return sink;
}

/** `parseCollect` of a frame that must produce exactly one event of some kind (trade, control or rejection). */
export function parseOneEvent(parser: FrameParser, raw: string, receiveTimeUs: number = RECEIVE_TIME_US): Collected {
  const sink = parseCollect(parser, raw, receiveTimeUs);
  expect(sink.trades.length + sink.controls.length + sink.rejections.length).toBe(1);
  return sink;
}

/** The `ParseError` that `fn` throws; fails the test when it returns or throws anything else. */
export function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected a ParseError');
}

/** The one trade `sink` holds: no rejection, exactly one trade, and that trade strictly schema-valid. */
export function expectOneTrade(sink: Collected): Trade {
  expect(sink.rejections).toEqual([]);
  expect(sink.trades).toHaveLength(1);
  const trade = sink.trades[0]!;
  expect(TradeSchema.parse(trade)).toEqual(trade);
  return trade;
}

/** The one rejection `sink` holds: no trade, no control, and one `invalid-field` rejection naming `field`. */
export function expectFieldRejection(sink: Collected, field: string): Rejection {
  expect(sink.trades).toEqual([]);
  expect(sink.controls).toEqual([]);
  expect(sink.rejections).toHaveLength(1);
  const r = sink.rejections[0]!;
  expect(r.reason).toBe('invalid-field');
  expect(r.message.startsWith(`${field}: `)).toBe(true);
  return r;
}

/**
 * One test per bad frame of `cases` (an adapter's `ws-generated-invalid.json`): `parse` gives exactly one
 * rejection, with the case's reason, the frame's first 200 characters, its instrument and trade id (or
 * none), and a message that starts with its field; and a test that the cases cover every reason.
 * `more` adds the adapter's own tests to the same block.
 */
export function describeRejectionCases(cases: readonly RejectionFixture[], parse: (raw: string) => Collected, more?: () => void): void {
  describe('generated invalid frames', () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const { rejections } = parse(c.frame);
      expect(rejections).toHaveLength(1);
      const r = rejections[0]!;
      expect(r.reason).toBe(c.reason);
      expect(r.raw).toBe(c.frame.slice(0, 200));
      expect(r.instrument).toBe(c.instrument);
      expect(r.tradeId).toBe(c.tradeId);
      if (c.field !== undefined) expect(r.message.startsWith(`${c.field}: `)).toBe(true);
    });

    it('covers every rejection reason', () => {
      expect([...new Set(cases.map((c) => c.reason))].sort()).toEqual([...REJECTION_REASONS].sort());
    });

    more?.();
  });
}

/**
 * Plain positive decimal text as venues write prices and quantities: up to 12 integer and 16 fraction
 * digits, a fraction padded with up to `maxTrailingZeros` zeros, and (when `maxLeadingZeros` is given)
 * up to that many leading zeros on the integer part; never zero.
 */
export function plainDecimalText(options: { readonly maxTrailingZeros: number; readonly maxLeadingZeros?: number }): fc.Arbitrary<string> {
  const int = fc.stringMatching(/^[0-9]{1,12}$/);
  const frac = fc.option(fc.stringMatching(/^[0-9]{1,16}$/), { nil: undefined });
  const trailing = fc.nat({ max: options.maxTrailingZeros });
  const parts: fc.Arbitrary<[string, string | undefined, number, number]> =
    options.maxLeadingZeros === undefined
      ? fc.tuple(int, frac, trailing).map(([i, f, t]) => [i, f, t, 0])
      : fc.tuple(int, frac, trailing, fc.nat({ max: options.maxLeadingZeros }));
  return parts
    .map(([int, frac, trailing, leading]) => {
      const i = '0'.repeat(leading) + int;
      return frac === undefined ? i : `${i}.${frac}${'0'.repeat(trailing)}`;
    })
    .filter((s) => /[1-9]/.test(s));
}

/** RFC 3339 UTC text for `us` with exactly six fraction digits, built from `Date` for the calendar part. */
export function rfc3339Text(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
}

/** The WebSocket trade a test expects for `info` on `venue`: `fields` as given, the kit's receive time. */
export function expectedWsTrade(venue: string, info: InstrumentInfo, fields: Pick<Trade, 'id' | 'price' | 'quantity' | 'side' | 'tradeTime'>, receiveTimeUs: number = RECEIVE_TIME_US): Trade {
  return { v: 1, type: 'trade', venue, instrument: info.instrument, symbol: info.symbol, ...fields, receiveTime: receiveTimeUs, source: 'ws' };
}

export interface ArbitraryTextOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** `one`: every frame gives exactly one event; `at-least-one`: frames of several trades may give more. */
  readonly events: 'one' | 'at-least-one';
}

/**
 * The property that `parser` never throws on arbitrary text (strings, JSON, and `broken`, near-valid
 * frames), reports every frame, and emits only schema-valid trades.
 */
export function assertArbitraryTextSafe(parser: FrameParser, broken: fc.Arbitrary<string>, options: ArbitraryTextOptions): void {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), broken), (raw) => {
      const sink = parseCollect(parser, raw);
      const events = sink.trades.length + sink.controls.length + sink.rejections.length;
      if (options.events === 'one') expect(events).toBe(1);
      else expect(events).toBeGreaterThanOrEqual(1);
      for (const trade of sink.trades) TradeSchema.parse(trade);
    }),
    { seed: options.seed, numRuns: options.numRuns },
  );
}
