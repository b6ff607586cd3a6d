import fc from 'fast-check';
import { instrumentMap, type ParseSink } from '@tickgate/core';
import { canonicalDecimalOrUndefined, MAX_TIME_US, MIN_TIME_US, TradeSchema } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, RECEIVE_US } from '../test/helpers.js';
import { scannedTradeFrame, scanTradeFrame } from './fast-trade.js';
import { parseFrame, parseFrameGeneral, parseTradeFrameFast, type BinanceTimeUnit } from './parse.js';

/**
 * The fast path must be invisible: for every frame, `parseFrame` (fast path, then the general path for
 * whatever it declines) makes exactly the sink calls `parseFrameGeneral` alone makes. Frames are the
 * venue's exact shape with varied values, then broken or re-spelled in the ways a conservative scanner
 * has to notice (key order, whitespace, escapes, number spellings, types, truncation, trailing bytes).
 */

const SEED = 20_261_125;
const RUNS = 3000;

/** The adapter's test instruments, and one symbol with digits (`1000SATSUSDT`) for the stream-name check. */
const instruments = instrumentMap([...INSTRUMENTS, { instrument: '1000SATS-USDT', symbol: '1000SATSUSDT', base: '1000SATS', quote: 'USDT' }]);
const KNOWN_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBBTC', '1000SATSUSDT'];

type Call = readonly ['trade' | 'control' | 'reject', ...unknown[]];

/** Every sink call with all of its arguments, in order. */
function callsOf(parse: typeof parseFrame, raw: string, timeUnit: BinanceTimeUnit): Call[] {
  const calls: Call[] = [];
  const sink: ParseSink = {
    trade: (...args) => void calls.push(['trade', ...args]),
    control: (...args) => void calls.push(['control', ...args]),
    reject: (...args) => void calls.push(['reject', ...args]),
  };
  parse(raw, RECEIVE_US, sink, instruments, timeUnit);
  return calls;
}

/** Whether the fast path emitted a trade for `raw` (and nothing else). */
function tookFastPath(raw: string, timeUnit: BinanceTimeUnit): boolean {
  const calls: Call[] = [];
  const sink: ParseSink = {
    trade: (...args) => void calls.push(['trade', ...args]),
    control: (...args) => void calls.push(['control', ...args]),
    reject: (...args) => void calls.push(['reject', ...args]),
  };
  const taken = parseTradeFrameFast(raw, RECEIVE_US, sink, instruments, timeUnit);
  // Declining means not touching the sink; taking it means exactly one trade.
  expect(calls.map((c) => c[0])).toEqual(taken ? ['trade'] : []);
  return taken;
}

/** `parseFrame` and `parseFrameGeneral` agree on `raw`: same calls, same arguments, same key order. */
function expectSameAsGeneral(raw: string, timeUnit: BinanceTimeUnit): Call[] {
  const general = callsOf(parseFrameGeneral, raw, timeUnit);
  const fast = callsOf(parseFrame, raw, timeUnit);
  expect(fast).toStrictEqual(general);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
  return general;
}

// ---- the venue's exact shape, with varied values --------------------------------------------------------

/** Digits of a non-negative integer: small, Binance-sized, around 9e15 and 2^53, and beyond. */
const integerText = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 1000 }).map(String) },
  { weight: 3, arbitrary: fc.integer({ min: 1e9, max: 1e10 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 8_999_999_999_999_990n, max: 9_007_199_254_741_010n }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 21n }).map(String) },
);

/** Plain decimals of digits and dots: padded, with leading zeros, long fractions, zero, too long, odd dots. */
const decimalText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.stringMatching(/^[0-9]{1,12}$/), fc.option(fc.stringMatching(/^[0-9]{1,16}$/), { nil: undefined }), fc.nat({ max: 8 }), fc.nat({ max: 3 })).map(([int, frac, trailing, leading]) => '0'.repeat(leading) + int + (frac === undefined ? '' : `.${frac}${'0'.repeat(trailing)}`)) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9.]{0,30}$/) },
  { weight: 1, arbitrary: fc.constantFrom('0', '0.00000000', '00', '.5', '5.', '1..2', '1.2.3', '1'.repeat(24), '1'.repeat(25), `0.${'0'.repeat(23)}1`, `0.${'0'.repeat(24)}1`, `1.${'0'.repeat(30)}`) },
);

const TIME_EDGES = [MIN_TIME_US, MIN_TIME_US - 1, MAX_TIME_US, MAX_TIME_US + 1, MIN_TIME_US / 1000, MIN_TIME_US / 1000 - 1, MAX_TIME_US / 1000, MAX_TIME_US / 1000 + 1, 0];

/** A plausible time in `unit`, as the frame writes it. */
function timeIn(unit: BinanceTimeUnit): fc.Arbitrary<string> {
  return unit === 'us' ? fc.integer({ min: MIN_TIME_US, max: MAX_TIME_US }).map(String) : fc.integer({ min: MIN_TIME_US / 1000, max: MAX_TIME_US / 1000 }).map(String);
}

/** `T` for a connection in `unit`: mostly plausible in that unit, sometimes in the other one, edges, anything. */
function timeText(unit: BinanceTimeUnit): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: timeIn(unit) },
    { weight: 1, arbitrary: timeIn(unit === 'us' ? 'ms' : 'us') },
    { weight: 1, arbitrary: fc.constantFrom(...TIME_EDGES).map(String) },
    { weight: 1, arbitrary: integerText },
  );
}

interface Wire {
  /** The connection's unit (the parser is called with it). */
  timeUnit: BinanceTimeUnit;
  combined: boolean;
  stream: string;
  E: string;
  s: string;
  t: string;
  p: string;
  q: string;
  T: string;
  m: string;
  M: string;
}

const symbolText = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...KNOWN_SYMBOLS) }, { weight: 1, arbitrary: fc.constantFrom('DOGEUSDT', 'btcusdt', 'BTC-USDT', '') });

const wire: fc.Arbitrary<Wire> = fc.constantFrom<BinanceTimeUnit>('ms', 'us').chain((timeUnit) =>
  fc
    .record({
      timeUnit: fc.constant(timeUnit),
      combined: fc.boolean(),
      E: fc.oneof(integerText, timeText(timeUnit)),
      s: symbolText,
      t: integerText,
      p: decimalText,
      q: decimalText,
      T: timeText(timeUnit),
      m: fc.constantFrom('true', 'false'),
      M: fc.constantFrom('true', 'false'),
      // Mostly the symbol's own stream; sometimes another one (the general path does not compare them, but
      // a stray quote, backslash or control character makes the frame invalid JSON).
      otherStream: fc.option(
        fc.oneof(
          fc.constantFrom('ethusdt@trade', 'btcusdt@aggTrade', 'btcusdt', '@trade', 'btcusdt@trade ').map((name) => () => name),
          fc.tuple(fc.constantFrom('', 'x', '1', '"', '\\', '\\"', '\u0000', ' ', '@'), fc.constantFrom('', 'x', '"', '\\', '\u001f')).map(([after, before]) => (lower: string) => `${before}${lower}${after}@trade`),
          fc.constant((lower: string) => `${lower.toUpperCase()}@trade`),
          // As long as the symbol, one character different.
          fc.tuple(fc.nat(), fc.constantFrom('\\', '"', '\u0001', 'X', '\u00e9', '-')).map(([at, c]) => (lower: string) => {
            const k = at % Math.max(1, lower.length);
            return `${lower.slice(0, k)}${c}${lower.slice(k + 1)}@trade`;
          }),
        ),
        { freq: 4, nil: undefined },
      ),
    })
    .map(({ otherStream, ...w }) => ({ ...w, stream: (otherStream ?? ((lower: string) => `${lower}@trade`))(w.s.toLowerCase()) })),
);

function render(w: Wire): string {
  const data = `{"e":"trade","E":${w.E},"s":"${w.s}","t":${w.t},"p":"${w.p}","q":"${w.q}","T":${w.T},"m":${w.m},"M":${w.M}}`;
  return w.combined ? `{"stream":"${w.stream}","data":${data}}` : data;
}

// ---- ways to break or re-spell a frame --------------------------------------------------------------

const KEYS = ['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M'] as const;
type Key = (typeof KEYS)[number];

/** The payload's fields as JSON text, keyed, in the venue's order. */
function fieldsOf(w: Wire): [string, string][] {
  return [
    ['e', '"trade"'],
    ['E', w.E],
    ['s', `"${w.s}"`],
    ['t', w.t],
    ['p', `"${w.p}"`],
    ['q', `"${w.q}"`],
    ['T', w.T],
    ['m', w.m],
    ['M', w.M],
  ];
}

function renderFields(w: Wire, fields: readonly [string, string][], wrapper: (data: string) => string = (d) => `{"stream":"${w.stream}","data":${d}}`): string {
  const data = `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
  return w.combined ? wrapper(data) : data;
}

/** `\u00XX` for one character of `text` (JSON reads it back as the same character). */
function escapeOne(text: string, at: number): string {
  if (text.length === 0) return '\\u0041';
  const k = at % text.length;
  return `${text.slice(0, k)}\\u${text.charCodeAt(k).toString(16).padStart(4, '0')}${text.slice(k + 1)}`;
}

/** Other spellings of a JSON number, most of them the same value (the general path reads them alike). */
function respellNumber(digits: string, how: number): string {
  const spellings = [`${digits}.0`, `${digits}e0`, `${digits}E+0`, `${digits}0e-1`, `-${digits}`, `0${digits}`, `+${digits}`, `${digits}.`, `"${digits}"`, `${digits.slice(0, 1)}.${digits.slice(1) || '0'}e${digits.length - 1}`, 'null', '-0', `${digits}n`];
  return spellings[how % spellings.length] as string;
}

const WHITESPACE = [' ', '\n', '\t', '\r'];
const NOISE = ['"', '\\', ',', ':', '{', '}', '[', ']', '.', '-', '+', 'e', 'E', '0', '9', 'A', 'a', ' ', '\u0000', '\u00e9', '\ud800'];

type Mutation = (w: Wire) => string;

const mutation: fc.Arbitrary<{ name: string; apply: Mutation }> = fc.oneof(
  fc.nat().map((n) => ({
    name: 'keys reordered',
    apply: (w: Wire) => {
      const fields = fieldsOf(w);
      const i = n % fields.length;
      const j = Math.floor(n / fields.length) % fields.length;
      [fields[i], fields[j]] = [fields[j]!, fields[i]!];
      return renderFields(w, fields);
    },
  })),
  fc.tuple(fc.constantFrom<Key>(...KEYS), fc.constantFrom('"x"', '1', 'null', 'true', '{}', '[]')).map(([after, value]) => ({
    name: `extra key after ${after}`,
    apply: (w: Wire) => {
      const fields = fieldsOf(w);
      fields.splice(fields.findIndex(([k]) => k === after) + 1, 0, [after === 'M' ? 'b' : 'X', value]);
      return renderFields(w, fields);
    },
  })),
  fc.constantFrom<Key>(...KEYS).map((key) => ({ name: `no ${key}`, apply: (w: Wire) => renderFields(w, fieldsOf(w).filter(([k]) => k !== key)) })),
  fc.tuple(fc.constantFrom<Key>(...KEYS), fc.boolean()).map(([key, before]) => ({
    name: `${key} twice`,
    apply: (w: Wire) => {
      const fields = fieldsOf(w);
      const i = fields.findIndex(([k]) => k === key);
      const copy: [string, string] = [key, key === 't' || key === 'T' || key === 'E' ? '1' : '"1"'];
      fields.splice(before ? i : i + 1, 0, copy);
      return renderFields(w, fields);
    },
  })),
  fc.tuple(fc.constantFrom<'s' | 'p' | 'q' | 'e'>('s', 'p', 'q', 'e'), fc.nat()).map(([key, at]) => ({
    name: `escape in ${key}`,
    apply: (w: Wire) => renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? `"${escapeOne(v.slice(1, -1), at)}"` : v])),
  })),
  fc.nat().map((at) => ({ name: 'escape in stream', apply: (w: Wire) => render({ ...w, stream: escapeOne(w.stream, at) }) })),
  fc.tuple(fc.constantFrom<Key>('E', 't', 'T'), fc.nat()).map(([key, how]) => ({
    name: `${key} re-spelled`,
    apply: (w: Wire) => renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? respellNumber(v, how) : v])),
  })),
  fc.tuple(fc.constantFrom<Key>('s', 'p', 'q', 'm', 'M', 'e'), fc.constantFrom('1', '1.5', 'null', '"true"', 'true', 'false', '[]', '{}', '"TRADE"', '"x"', 'tru', 'True')).map(([key, value]) => ({
    name: `${key} of another type`,
    apply: (w: Wire) => renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? value : v])),
  })),
  fc.tuple(fc.nat(), fc.constantFrom(...WHITESPACE)).map(([at, ws]) => ({
    name: 'whitespace inserted',
    apply: (w: Wire) => {
      const raw = render(w);
      const k = at % (raw.length + 1);
      return raw.slice(0, k) + ws + raw.slice(k);
    },
  })),
  fc.tuple(fc.nat(), fc.constantFrom(...NOISE)).map(([at, c]) => ({
    name: 'one character replaced',
    apply: (w: Wire) => {
      const raw = render(w);
      const k = at % raw.length;
      return raw.slice(0, k) + c + raw.slice(k + 1);
    },
  })),
  fc.tuple(fc.nat(), fc.constantFrom(...NOISE)).map(([at, c]) => ({
    name: 'one structural character replaced',
    apply: (w: Wire) => {
      const raw = render(w);
      const structural = [...raw].flatMap((ch, k) => ('{}[]:,"'.includes(ch) ? [k] : []));
      const k = structural[at % structural.length] as number;
      return raw.slice(0, k) + c + raw.slice(k + 1);
    },
  })),
  fc.constantFrom(...NOISE, '').map((c) => ({ name: 'last character replaced', apply: (w: Wire) => render(w).slice(0, -1) + c })),
  fc.nat().map((at) => ({
    name: 'one character removed',
    apply: (w: Wire) => {
      const raw = render(w);
      const k = at % raw.length;
      return raw.slice(0, k) + raw.slice(k + 1);
    },
  })),
  fc.nat().map((at) => ({ name: 'truncated', apply: (w: Wire) => render(w).slice(0, at % render(w).length) })),
  fc.constantFrom('\n', ' ', '}', '{}', 'x', ',', '\u0000', '\ufeff').map((tail) => ({ name: 'bytes after the frame', apply: (w: Wire) => render(w) + tail })),
  fc.constantFrom(' ', '\ufeff', '[', 'x').map((head) => ({ name: 'bytes before the frame', apply: (w: Wire) => head + render(w) })),
  fc.constantFrom(
    (w: Wire, d: string) => `{"data":${d},"stream":"${w.stream}"}`,
    (w: Wire, d: string) => `{"stream":"${w.stream}","data":${d},"x":1}`,
    (w: Wire, d: string) => `{"stream":"${w.stream}","stream":"${w.stream}","data":${d}}`,
    (w: Wire, d: string) => `{"stream":${JSON.stringify(w.stream.toUpperCase())},"data":${d}}`,
    (_w: Wire, d: string) => `{"stream":7,"data":${d}}`,
    (w: Wire, d: string) => `{"stream":"${w.stream}","data":[${d}]}`,
  ).map((wrap) => ({ name: 'combined wrapper changed', apply: (w: Wire) => renderFields({ ...w, combined: true }, fieldsOf(w), (d) => wrap(w, d)) })),
);

// ---- the properties -----------------------------------------------------------------------------------

describe('fast path for @trade frames', () => {
  it('frames of the venue shape: the same sink calls as the general path, and clean ones take the fast path', () => {
    let fast = 0;
    let declined = 0;
    fc.assert(
      fc.property(wire, (w) => {
        const raw = render(w);
        const calls = expectSameAsGeneral(raw, w.timeUnit);
        const taken = tookFastPath(raw, w.timeUnit);
        if (taken) {
          fast++;
          TradeSchema.parse(calls[0]![1]);
        } else {
          declined++;
        }
        // Every frame of this shape that makes a trade takes the fast path, unless one of its integers is
        // beyond the scanner's exact range or the stream name is not the symbol's own.
        const makesTrade = calls[0]![0] === 'trade';
        const smallIntegers = [w.t, w.T].every((d) => d.length < 16 || (d.length === 16 && d <= '8999999999999999'));
        const ownStream = !w.combined || w.stream === `${w.s.toLowerCase()}@trade`;
        if (makesTrade && smallIntegers && ownStream) expect(taken).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Both outcomes must be well represented, or the property says little.
    expect(fast).toBeGreaterThan(RUNS / 10);
    expect(declined).toBeGreaterThan(RUNS / 10);
  });

  it('broken and re-spelled frames: the same sink calls as the general path', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(wire, mutation, (w, { name, apply }) => {
        const raw = apply(w);
        const calls = expectSameAsGeneral(raw, w.timeUnit);
        const taken = tookFastPath(raw, w.timeUnit);
        const key = taken ? 'fast' : calls[0]![0] === 'trade' ? `general trade (${name})` : 'general other';
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    // Many re-spellings are still valid trades that only the general path reads: the fallback is exercised
    // on trades, not only on rejections.
    const generalTrades = [...outcomes].filter(([k]) => k.startsWith('general trade')).reduce((sum, [, n]) => sum + n, 0);
    expect(generalTrades).toBeGreaterThan(RUNS / 10);
    expect(outcomes.get('general other') ?? 0).toBeGreaterThan(RUNS / 10);
  });

  it('p and q: accepted exactly when canonicalDecimalOrUndefined accepts, with the same canonical text', () => {
    const scanned = scannedTradeFrame();
    fc.assert(
      fc.property(fc.oneof(decimalText, fc.stringMatching(/^[0-9.]{0,40}$/)), fc.boolean(), (text, asPrice) => {
        const w: Wire = { timeUnit: 'us', combined: false, stream: '', E: '1', s: 'BTCUSDT', t: '1', p: asPrice ? text : '1', q: asPrice ? '1' : text, T: '1767225600123456', m: 'true', M: 'true' };
        const canonical = canonicalDecimalOrUndefined(text);
        expect(scanTradeFrame(render(w), scanned)).toBe(canonical !== undefined);
        if (canonical !== undefined) expect(asPrice ? scanned.price : scanned.quantity).toBe(canonical);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('arbitrary text and JSON: the same sink calls as the general path', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), fc.constantFrom<BinanceTimeUnit>('ms', 'us'), (raw, timeUnit) => {
        expectSameAsGeneral(raw, timeUnit);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
