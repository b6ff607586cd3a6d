import { describeRejectionCases, parseOneEvent, type RejectionFixture } from '@tickgate/adapter-conformance';
import fc from 'fast-check';
import { instrumentMap } from '@tickgate/core';
import { TradeSchema, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { collectingSink, fixtureJson, fixtureLines, instruments, RECEIVE_US } from '../test/helpers.js';
import { binance } from './index.js';
import { createParser, parseFrame, RAW_PREVIEW_CHARS, safeIntegerText, toMicros, type BinanceTimeUnit } from './parse.js';

/** Every frame produces exactly one event of some kind. */
function parseOne(raw: string, timeUnit: BinanceTimeUnit = 'us') {
  return parseOneEvent(createParser(instruments, { timeUnit }), raw, RECEIVE_US);
}

describe('documented sample frames', () => {
  const [trade, aggTrade, bookTicker, shutdown, shutdownCombined, subscribed, list, error] = fixtureLines('ws-doc-samples.ndjson');

  it('reads the @trade sample (ms connection): taker sold because the buyer was the maker', () => {
    const { trades } = parseOne(trade!, 'ms');
    expect(trades).toEqual<Trade[]>([
      {
        v: 1,
        type: 'trade',
        venue: 'binance',
        instrument: 'BNB-BTC',
        symbol: 'BNBBTC',
        id: '12345',
        price: '0.001',
        quantity: '100',
        side: 'sell',
        tradeTime: 1_672_515_782_136_000,
        receiveTime: RECEIVE_US,
        source: 'ws',
      },
    ]);
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });

  it('rejects the same ms sample on a µs connection instead of guessing', () => {
    const { rejections } = parseOne(trade!, 'us');
    expect(rejections[0]).toMatchObject({ reason: 'invalid-field', instrument: 'BNB-BTC', tradeId: '12345' });
    expect(rejections[0]!.message).toMatch(/^T: /);
  });

  it('ignores @aggTrade and @bookTicker', () => {
    expect(parseOne(aggTrade!).controls).toEqual([{ type: 'ignored', what: 'aggTrade' }]);
    expect(parseOne(bookTicker!).controls).toEqual([{ type: 'ignored', what: 'bookTicker' }]);
  });

  it('turns serverShutdown, raw and combined, into a shutdown notice with its time in µs', () => {
    for (const frame of [shutdown!, shutdownCombined!]) {
      expect(parseOne(frame).controls).toEqual([{ type: 'shutdown-notice', timeUs: 1_770_123_456_789_000 }]);
    }
    expect(parseOne('{"e":"serverShutdown","E":1770123456789000}').controls).toEqual([{ type: 'shutdown-notice', timeUs: 1_770_123_456_789_000 }]);
    expect(parseOne('{"e":"serverShutdown"}').controls).toEqual([{ type: 'shutdown-notice' }]);
  });

  it('reads control answers', () => {
    expect(parseOne(subscribed!).controls).toEqual([{ type: 'subscribed', requestId: 1 }]);
    expect(parseOne(list!).controls).toEqual([{ type: 'ignored', what: 'subscription-list' }]);
    expect(parseOne(error!).controls).toEqual([{ type: 'error', code: 2, message: 'Invalid request: ...' }]);
    expect(parseOne('{"code":3,"msg":"Invalid JSON","id":"abc"}').controls).toEqual([{ type: 'error', code: 3, message: 'Invalid JSON', requestId: 'abc' }]);
    expect(parseOne('{"result":null,"id":null}').controls).toEqual([{ type: 'subscribed', requestId: null }]);
    expect(parseOne('{"result":null}').controls).toEqual([{ type: 'subscribed' }]);
    expect(parseOne('{"result":true,"id":5}').controls).toEqual([{ type: 'ignored', what: 'request-result' }]);
    expect(parseOne('{"code":2}').controls[0]).toMatchObject({ type: 'error', code: 2, message: expect.stringMatching(/without a message/) });
  });
});

describe('recorded frames', () => {
  const lines = fixtureLines('ws-recorded-aggtrade-bookticker.ndjson');

  it('has the expected subset', () => {
    expect(lines.length).toBe(35);
  });

  it.each(lines.map((line, i) => [i, line] as const))('frame %i is ignored (aggTrade or bookTicker), never a trade or rejection', (_i, line) => {
    // The recorded symbols are not in this feed's map: ignoring must not depend on the instrument.
    const { controls } = parseOne(line);
    const what = line.includes('@aggTrade') ? 'aggTrade' : 'bookTicker';
    expect(controls).toEqual([{ type: 'ignored', what }]);
  });
});

describe('generated valid trade frames', () => {
  const cases = fixtureJson<{ name: string; timeUnit: BinanceTimeUnit; frame: string; expect: Partial<Trade> }[]>('ws-generated-trades.json');

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { trades } = parseOne(c.frame, c.timeUnit);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ v: 1, type: 'trade', venue: 'binance', receiveTime: RECEIVE_US, source: 'ws', ...c.expect });
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });
});

describeRejectionCases(fixtureJson<RejectionFixture[]>('ws-generated-invalid.json'), parseOne);

describe('rejections', () => {
  it('keep at most 200 characters of the raw frame', () => {
    const long = `{"e":"trade","s":"BTCUSDT","t":1,"p":"x","pad":"${'z'.repeat(500)}"}`;
    const { rejections } = parseOne(long);
    expect(rejections[0]!.raw).toBe(long.slice(0, RAW_PREVIEW_CHARS));
    expect(rejections[0]!.raw).toHaveLength(200);
    const notJson = 'x'.repeat(1000);
    expect(parseOne(notJson).rejections[0]!.raw).toHaveLength(200);
  });

  it('name the value briefly in the message', () => {
    const { rejections } = parseOne(`{"e":"trade","s":"BTCUSDT","t":1,"p":"${'9'.repeat(100)}","q":"1","T":1767225600123456,"m":true}`);
    expect(rejections[0]!.message).toMatch(/^p: .*\(got "9+\.\.\.\)$/);
    expect(rejections[0]!.message.length).toBeLessThan(150);
  });

  it('never throw, whatever the input', () => {
    const frames = ['null', 'true', '1', '{}', '{"stream":"x"}', '{"stream":"x","data":null}', '{"e":null}', '{"e":"trade"}', '{"e":"trade","s":{}}', '\u0000', '{"e":"trade","s":"BTCUSDT","t":1e400}'];
    for (const frame of frames) {
      const sink = collectingSink();
      expect(() => parseFrame(frame, RECEIVE_US, sink, instruments)).not.toThrow();
      expect(sink.trades).toHaveLength(0);
      expect(sink.rejections).toHaveLength(1);
    }
  });
});

describe('createParser', () => {
  const frame = JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', E: 1, s: 'BTCUSDT', t: 7, p: '1.0', q: '2.0', T: 1_767_225_600_123_456, m: false } });

  it('defaults to microseconds, as the adapter asks for them in the URL', () => {
    const a = collectingSink();
    createParser(instruments)(frame, RECEIVE_US, a);
    const b = collectingSink();
    binance.createParser(instruments)(frame, RECEIVE_US, b);
    expect(a.trades[0]?.tradeTime).toBe(1_767_225_600_123_456);
    expect(b.trades).toEqual(a.trades);
  });

  it('matches symbols exactly: an instrument map without the symbol rejects the trade', () => {
    const sink = collectingSink();
    createParser(instrumentMap([]))(frame, RECEIVE_US, sink);
    expect(sink.rejections[0]).toMatchObject({ reason: 'unknown-instrument', tradeId: '7' });
    expect(sink.rejections[0]!.instrument).toBeUndefined();
  });
});

describe('toMicros', () => {
  it.each<[unknown, BinanceTimeUnit, number | undefined]>([
    [1_767_225_600_123, 'ms', 1_767_225_600_123_000],
    [1_767_225_600_123_456, 'us', 1_767_225_600_123_456],
    [1_767_225_600_123, 'us', undefined],
    [1_767_225_600_123_456, 'ms', undefined],
    [1.5, 'ms', undefined],
    ['1767225600123', 'ms', undefined],
    [null, 'us', undefined],
    [Number.NaN, 'us', undefined],
  ])('%j %s → %j', (value, unit, expected) => {
    expect(toMicros(value, unit)).toBe(expected);
  });
});

describe('safeIntegerText', () => {
  it.each([0, 7, 999_999_999, 1_000_000_000, 1_000_000_001, 5_000_000_000, 1_999_999_999_999, 2 ** 53 - 1, 2 ** 53 - 2, 9_007_199_000_000_000, 9_007_198_999_999_999, 1e15, 1e15 - 1])('%d', (n) => {
    expect(safeIntegerText(n)).toBe(BigInt(n).toString());
  });

  it('equals BigInt text for random safe integers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.integer({ min: 0, max: 2 ** 40 }).map((k) => k * 1e9 - 1).filter((n) => n >= 0 && Number.isSafeInteger(n))), (n) => {
        expect(safeIntegerText(n)).toBe(BigInt(n).toString());
      }),
      { seed: 7, numRuns: 5000 },
    );
  });
});
