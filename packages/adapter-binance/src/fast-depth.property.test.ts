import fc from 'fast-check';
import { instrumentMap, type ParseSink } from '@tickgate/core';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, MAX_TIME_US, MIN_TIME_US } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, RECEIVE_US } from '../test/helpers.js';
import { parseDepthFrameFast } from './books.js';
import { scanDepthFrame, scannedDepthFrame } from './fast-depth.js';
import { parseFrame, parseFrameGeneral, type BinanceTimeUnit } from './parse.js';

/**
 * The `depthUpdate` fast path must be invisible: for every frame, `parseFrame` (fast paths, then the
 * general path for whatever they decline) makes exactly the sink calls `parseFrameGeneral` alone makes,
 * for a sink that takes book deltas and for one that does not. Frames are the venue's exact shape with
 * varied values, then broken or re-spelled in the ways a conservative scanner has to notice (key order,
 * whitespace, escapes, number spellings, level shapes, types, truncation, trailing bytes).
 */

const SEED = 20_261_204;
const RUNS = 3000;

const instruments = instrumentMap([...INSTRUMENTS, { instrument: '1000SATS-USDT', symbol: '1000SATSUSDT', base: '1000SATS', quote: 'USDT' }]);
const KNOWN_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBBTC', '1000SATSUSDT'];

type Call = readonly ['trade' | 'control' | 'reject' | 'bookDelta' | 'bbo', ...unknown[]];

function recordingSink(calls: Call[], books: boolean): ParseSink {
  return {
    trade: (...args) => void calls.push(['trade', ...args]),
    control: (...args) => void calls.push(['control', ...args]),
    reject: (...args) => void calls.push(['reject', ...args]),
    ...(books ? { bookDelta: (...args) => void calls.push(['bookDelta', ...args]), bbo: (...args) => void calls.push(['bbo', ...args]) } : {}),
  };
}

/** Every sink call with all of its arguments, in order. */
function callsOf(parse: typeof parseFrame, raw: string, timeUnit: BinanceTimeUnit, books: boolean): Call[] {
  const calls: Call[] = [];
  parse(raw, RECEIVE_US, recordingSink(calls, books), instruments, timeUnit);
  return calls;
}

/** Whether the depth fast path emitted a delta for `raw` (and nothing else). */
function tookFastPath(raw: string, timeUnit: BinanceTimeUnit, books: boolean): boolean {
  const calls: Call[] = [];
  const taken = parseDepthFrameFast(raw, RECEIVE_US, recordingSink(calls, books), instruments, timeUnit);
  // Declining means not touching the sink; taking it means exactly one delta.
  expect(calls.map((c) => c[0])).toEqual(taken ? ['bookDelta'] : []);
  return taken;
}

/** `parseFrame` and `parseFrameGeneral` agree on `raw`: same calls, same arguments, same key order. */
function expectSameAsGeneral(raw: string, timeUnit: BinanceTimeUnit, books: boolean): Call[] {
  const general = callsOf(parseFrameGeneral, raw, timeUnit, books);
  const fast = callsOf(parseFrame, raw, timeUnit, books);
  expect(fast).toStrictEqual(general);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
  return general;
}

// ---- the venue's exact shape, with varied values --------------------------------------------------------

/** Digits of a non-negative integer: small, Binance-sized, around 9e15 and 2^53, and beyond. */
const integerText = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 1000 }).map(String) },
  { weight: 3, arbitrary: fc.integer({ min: 1e9, max: 1e12 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 8_999_999_999_999_990n, max: 9_007_199_254_741_010n }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 21n }).map(String) },
);

/** Plain decimals of digits and dots: padded, with leading zeros, long fractions, zero, too long, odd dots. */
const decimalText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.stringMatching(/^[0-9]{1,12}$/), fc.option(fc.stringMatching(/^[0-9]{1,16}$/), { nil: undefined }), fc.nat({ max: 8 }), fc.nat({ max: 3 })).map(([int, frac, trailing, leading]) => '0'.repeat(leading) + int + (frac === undefined ? '' : `.${frac}${'0'.repeat(trailing)}`)) },
  { weight: 2, arbitrary: fc.constantFrom('0', '0.00000000', '00', '0.0', '000.000') },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9.]{0,30}$/) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '.5', '5.', '.0', '0.', '1..2', '1.2.3', '1'.repeat(24), '1'.repeat(25), `0.${'0'.repeat(23)}1`, `0.${'0'.repeat(24)}1`, `1.${'0'.repeat(30)}`, '0'.repeat(30)) },
);

/** A level as Binance writes it: a padded price and size, sometimes a removal. */
const venueLevel = fc.tuple(fc.integer({ min: 1, max: 99_999_999 }), fc.nat({ max: 99_999_999 }), fc.integer({ min: 0, max: 9 }), fc.nat({ max: 99_999_999 })).map(([pi, pf, si, sf]): [string, string] => [`${pi}.${String(pf).padStart(8, '0')}`, si === 0 && sf % 4 === 0 ? '0.00000000' : `${si}.${String(sf).padStart(8, '0')}`]);
const level = fc.oneof({ weight: 4, arbitrary: venueLevel }, { weight: 1, arbitrary: fc.tuple(decimalText, decimalText) });
const levels = fc.array(level, { maxLength: 8 });

/** An `E` for a connection in `unit`: mostly plausible in that unit, sometimes in the other one, edges, anything. */
function timeText(unit: BinanceTimeUnit): fc.Arbitrary<string> {
  const plausible = (u: BinanceTimeUnit) => (u === 'us' ? fc.integer({ min: MIN_TIME_US, max: MAX_TIME_US }) : fc.integer({ min: MIN_TIME_US / 1000, max: MAX_TIME_US / 1000 })).map(String);
  return fc.oneof(
    { weight: 6, arbitrary: plausible(unit) },
    { weight: 1, arbitrary: plausible(unit === 'us' ? 'ms' : 'us') },
    { weight: 1, arbitrary: fc.constantFrom(MIN_TIME_US, MIN_TIME_US - 1, MAX_TIME_US, MAX_TIME_US + 1, 0).map(String) },
    { weight: 1, arbitrary: integerText },
  );
}

interface Wire {
  timeUnit: BinanceTimeUnit;
  /** The sink takes book deltas (otherwise the frame is `ignored`). */
  books: boolean;
  combined: boolean;
  stream: string;
  E: string;
  s: string;
  U: string;
  u: string;
  b: [string, string][];
  a: [string, string][];
}

const symbolText = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...KNOWN_SYMBOLS) }, { weight: 1, arbitrary: fc.constantFrom('DOGEUSDT', 'btcusdt', 'BTC-USDT', '') });

/** `U` and `u`: mostly an ordered pair of Binance-sized ids, sometimes equal, reversed or anything. */
const idPair = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 1e12 }), fc.nat({ max: 50 })).map(([first, n]) => [String(first), String(first + n)] as const) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 1, max: 50 })).map(([last, n]) => [String(last + n), String(last)] as const) },
  { weight: 1, arbitrary: fc.tuple(integerText, integerText) },
);

const wire: fc.Arbitrary<Wire> = fc.constantFrom<BinanceTimeUnit>('ms', 'us').chain((timeUnit) =>
  fc
    .record({
      timeUnit: fc.constant(timeUnit),
      books: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      combined: fc.boolean(),
      E: timeText(timeUnit),
      s: symbolText,
      ids: idPair,
      b: levels,
      a: levels,
      streamSuffix: fc.constantFrom('@depth@100ms', '@depth@100ms', '@depth'),
      // Mostly the symbol's own stream; sometimes another one (the general path does not compare them, but
      // a stray quote, backslash or control character makes the frame invalid JSON).
      otherStream: fc.option(
        fc.oneof(
          fc.constantFrom('ethusdt@depth@100ms', 'btcusdt@depth@1000ms', 'btcusdt@depth5', 'btcusdt', '@depth', 'btcusdt@trade', 'btcusdt@depth@100ms ').map((name) => () => name),
          fc.tuple(fc.constantFrom('', 'x', '1', '"', '\\', '\\"', '\u0000', ' ', '@'), fc.constantFrom('', 'x', '"', '\\', '\u001f')).map(([after, before]) => (lower: string) => `${before}${lower}${after}@depth@100ms`),
          fc.constant((lower: string) => `${lower.toUpperCase()}@depth@100ms`),
          fc.tuple(fc.nat(), fc.constantFrom('\\', '"', '\u0001', 'X', '\u00e9', '-')).map(([at, c]) => (lower: string) => {
            const k = at % Math.max(1, lower.length);
            return `${lower.slice(0, k)}${c}${lower.slice(k + 1)}@depth@100ms`;
          }),
        ),
        { freq: 5, nil: undefined },
      ),
    })
    .map(({ otherStream, streamSuffix, ids, ...w }) => ({ ...w, U: ids[0], u: ids[1], stream: otherStream === undefined ? `${w.s.toLowerCase()}${streamSuffix}` : otherStream(w.s.toLowerCase()) })),
);

function levelsText(rows: readonly (readonly string[])[]): string {
  return `[${rows.map((row) => `[${row.map((x) => `"${x}"`).join(',')}]`).join(',')}]`;
}

const KEYS = ['e', 'E', 's', 'U', 'u', 'b', 'a'] as const;
type Key = (typeof KEYS)[number];

/** The payload's fields as JSON text, keyed, in the venue's order. */
function fieldsOf(w: Wire): [string, string][] {
  return [
    ['e', '"depthUpdate"'],
    ['E', w.E],
    ['s', `"${w.s}"`],
    ['U', w.U],
    ['u', w.u],
    ['b', levelsText(w.b)],
    ['a', levelsText(w.a)],
  ];
}

function renderFields(w: Wire, fields: readonly [string, string][], wrapper: (data: string) => string = (d) => `{"stream":"${w.stream}","data":${d}}`): string {
  const data = `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
  return w.combined ? wrapper(data) : data;
}

function render(w: Wire): string {
  return renderFields(w, fieldsOf(w));
}

// ---- ways to break or re-spell a frame --------------------------------------------------------------

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

/** Other shapes of a level list, some still readable by the general path (extra elements are ignored there). */
function reshapeLevels(rows: readonly [string, string][], how: number): string {
  const first = rows[0] ?? ['1.5', '2'];
  const shapes = [
    levelsText([[...first, '7']]),
    levelsText([[first[0]]]),
    `[[${first[0]},"${first[1]}"]]`,
    `[["${first[0]}",${first[1]}]]`,
    `[${levelsText([first])}]`,
    `[{"p":"${first[0]}","q":"${first[1]}"}]`,
    `[${levelsText(rows).slice(1, -1)},]`,
    `[,${levelsText(rows).slice(1)}`,
    `"${levelsText(rows).replaceAll('"', '')}"`,
    'null',
    '{}',
    `[["${first[0]}","${first[1]}"],null]`,
    `[["${first[0]}", "${first[1]}"]]`,
  ];
  return shapes[how % shapes.length] as string;
}

const WHITESPACE = [' ', '\n', '\t', '\r'];
const NOISE = ['"', '\\', ',', ':', '{', '}', '[', ']', '.', '-', '+', 'e', 'E', '0', '9', 'A', 'a', ' ', '\u0000', '\u00e9', '\ud800'];

type Mutation = (w: Wire) => string;

function atPosition(w: Wire, at: number, change: (raw: string, k: number) => string): string {
  const raw = render(w);
  return change(raw, at % raw.length);
}

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
      fields.splice(fields.findIndex(([k]) => k === after) + 1, 0, ['X', value]);
      return renderFields(w, fields);
    },
  })),
  fc.constantFrom<Key>(...KEYS).map((key) => ({ name: `no ${key}`, apply: (w: Wire) => renderFields(w, fieldsOf(w).filter(([k]) => k !== key)) })),
  fc.tuple(fc.constantFrom<Key>(...KEYS), fc.boolean()).map(([key, before]) => ({
    name: `${key} twice`,
    apply: (w: Wire) => {
      const fields = fieldsOf(w);
      const i = fields.findIndex(([k]) => k === key);
      const copy: [string, string] = [key, key === 'U' || key === 'u' || key === 'E' ? '1' : key === 'b' || key === 'a' ? '[]' : '"1"'];
      fields.splice(before ? i : i + 1, 0, copy);
      return renderFields(w, fields);
    },
  })),
  fc.tuple(fc.constantFrom<'s' | 'e'>('s', 'e'), fc.nat()).map(([key, at]) => ({
    name: `escape in ${key}`,
    apply: (w: Wire) => renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? `"${escapeOne(v.slice(1, -1), at)}"` : v])),
  })),
  fc.tuple(fc.constantFrom<'b' | 'a'>('b', 'a'), fc.nat(), fc.boolean()).map(([key, at, price]) => ({
    name: `escape in a level of ${key}`,
    apply: (w: Wire) => {
      const rows = (key === 'b' ? w.b : w.a).map((r) => [...r]);
      if (rows.length === 0) rows.push(['1.5', '2']);
      const row = rows[at % rows.length]!;
      row[price ? 0 : 1] = escapeOne(row[price ? 0 : 1]!, at);
      return renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? levelsText(rows) : v]));
    },
  })),
  fc.nat().map((at) => ({ name: 'escape in stream', apply: (w: Wire) => render({ ...w, stream: escapeOne(w.stream, at) }) })),
  fc.tuple(fc.constantFrom<Key>('E', 'U', 'u'), fc.nat()).map(([key, how]) => ({
    name: `${key} re-spelled`,
    apply: (w: Wire) => renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? respellNumber(v, how) : v])),
  })),
  fc.tuple(fc.constantFrom<'b' | 'a'>('b', 'a'), fc.nat()).map(([key, how]) => ({
    name: `${key} reshaped`,
    apply: (w: Wire) => renderFields(w, fieldsOf(w).map(([k, v]) => [k, k === key ? reshapeLevels(key === 'b' ? w.b : w.a, how) : v])),
  })),
  fc.tuple(fc.constantFrom<Key>('s', 'e', 'b', 'a'), fc.constantFrom('1', '1.5', 'null', '"true"', 'true', '[]', '{}', '"DEPTHUPDATE"', '"depthupdate"', '"trade"', '"x"')).map(([key, value]) => ({
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
  fc.tuple(fc.nat(), fc.constantFrom(...NOISE)).map(([at, c]) => ({ name: 'one character replaced', apply: (w: Wire) => atPosition(w, at, (raw, k) => raw.slice(0, k) + c + raw.slice(k + 1)) })),
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
  fc.nat().map((at) => ({ name: 'one character removed', apply: (w: Wire) => atPosition(w, at, (raw, k) => raw.slice(0, k) + raw.slice(k + 1)) })),
  fc.nat().map((at) => ({ name: 'truncated', apply: (w: Wire) => atPosition(w, at, (raw, k) => raw.slice(0, k)) })),
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

/** Within the scanner's exact range: below 9e15 (at most 16 digits, the first at most 8). */
function small(digits: string): boolean {
  return digits.length < 16 || (digits.length === 16 && digits <= '8999999999999999');
}

describe('fast path for depthUpdate frames', () => {
  it('frames of the venue shape: the same sink calls as the general path, and clean ones take the fast path', () => {
    let fast = 0;
    let declined = 0;
    fc.assert(
      fc.property(wire, (w) => {
        const raw = render(w);
        const calls = expectSameAsGeneral(raw, w.timeUnit, w.books);
        const taken = tookFastPath(raw, w.timeUnit, w.books);
        if (taken) fast++;
        else declined++;
        // Every frame of this shape that makes a delta takes the fast path, unless one of its integers is
        // beyond the scanner's exact range or the stream name is not the symbol's own.
        const makesDelta = calls[0]![0] === 'bookDelta';
        const ownStream = !w.combined || w.stream === `${w.s.toLowerCase()}@depth@100ms` || w.stream === `${w.s.toLowerCase()}@depth`;
        if (makesDelta && [w.E, w.U, w.u].every(small) && ownStream) expect(taken).toBe(true);
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
        const calls = expectSameAsGeneral(raw, w.timeUnit, w.books);
        const taken = tookFastPath(raw, w.timeUnit, w.books);
        const key = taken ? 'fast' : calls[0]?.[0] === 'bookDelta' ? `general delta (${name})` : 'general other';
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    // Many re-spellings are still valid deltas that only the general path reads: the fallback is exercised
    // on deltas, not only on rejections.
    const generalDeltas = [...outcomes].filter(([k]) => k.startsWith('general delta')).reduce((sum, [, n]) => sum + n, 0);
    expect(generalDeltas).toBeGreaterThan(RUNS / 10);
    expect(outcomes.get('general other') ?? 0).toBeGreaterThan(RUNS / 10);
  });

  it('prices and sizes: accepted exactly when canonicalDecimalOrUndefined / canonicalSizeOrUndefined accept, with the same canonical text', () => {
    const scanned = scannedDepthFrame();
    fc.assert(
      fc.property(fc.oneof(decimalText, fc.stringMatching(/^[0-9.]{0,40}$/)), fc.boolean(), fc.boolean(), (text, asPrice, bid) => {
        const row: [string, string] = asPrice ? [text, '1'] : ['1', text];
        const w: Wire = { timeUnit: 'us', books: true, combined: false, stream: '', E: '1', s: 'BTCUSDT', U: '1', u: '2', b: bid ? [['2', '3'], row] : [], a: bid ? [] : [row, ['2', '3']] };
        const canonical = asPrice ? canonicalDecimalOrUndefined(text) : canonicalSizeOrUndefined(text);
        expect(scanDepthFrame(render(w), scanned)).toBe(canonical !== undefined);
        if (canonical === undefined) return;
        const read = bid ? scanned.bids[1]! : scanned.asks[0]!;
        expect(read[asPrice ? 0 : 1]).toBe(canonical);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('arbitrary text and JSON: the same sink calls as the general path', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), fc.constantFrom<BinanceTimeUnit>('ms', 'us'), fc.boolean(), (raw, timeUnit, books) => {
        expectSameAsGeneral(raw, timeUnit, books);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
