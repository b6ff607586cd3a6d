import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { FeedRunner, silentLogger, type FrameParser, type InstrumentInfo, type ParseSink, type VenueAdapter } from '@tickgate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJson, fixtureLines, instruments, RECEIVE_US } from '../test/helpers.js';
import { binance } from './index.js';
import { scannedTradeFrame, scanTradeFrame } from './fast-trade.js';
import { parseFrame, parseFrameGeneral, parseTradeFrameFast, type BinanceTimeUnit } from './parse.js';

type Call = readonly ['trade' | 'control' | 'reject', ...unknown[]];

function recorder(): { calls: Call[]; sink: ParseSink } {
  const calls: Call[] = [];
  return {
    calls,
    sink: {
      trade: (...args) => void calls.push(['trade', ...args]),
      control: (...args) => void calls.push(['control', ...args]),
      reject: (...args) => void calls.push(['reject', ...args]),
    },
  };
}

/**
 * What `parseFrame` makes of `raw`, checked against `parseFrameGeneral` (same calls, arguments and key
 * order), and whether the fast path took it (declining leaves the sink untouched).
 */
function read(raw: string, timeUnit: BinanceTimeUnit): { calls: Call[]; fast: boolean } {
  const general = recorder();
  parseFrameGeneral(raw, RECEIVE_US, general.sink, instruments, timeUnit);
  const full = recorder();
  parseFrame(raw, RECEIVE_US, full.sink, instruments, timeUnit);
  expect(full.calls).toStrictEqual(general.calls);
  expect(JSON.stringify(full.calls)).toBe(JSON.stringify(general.calls));
  const alone = recorder();
  const fast = parseTradeFrameFast(raw, RECEIVE_US, alone.sink, instruments, timeUnit);
  expect(alone.calls).toStrictEqual(fast ? general.calls : []);
  return { calls: general.calls, fast };
}

const kindOf = (calls: readonly Call[]) => calls.map((c) => c[0]);

describe('fast path on the documented and generated frames', () => {
  it('takes the documented @trade sample on a millisecond connection, and gives the general path the same sample on a µs one', () => {
    const [trade] = fixtureLines('ws-doc-samples.ndjson');
    expect(read(trade!, 'ms')).toMatchObject({ fast: true, calls: [['trade', { id: '12345', price: '0.001', quantity: '100', side: 'sell', tradeTime: 1_672_515_782_136_000 }]] });
    // Milliseconds on a µs connection: declined, and the general path rejects it naming `T`.
    const onUs = read(trade!, 'us');
    expect(onUs.fast).toBe(false);
    expect(kindOf(onUs.calls)).toEqual(['reject']);
  });

  it('declines every other documented sample (they are not trades)', () => {
    for (const frame of fixtureLines('ws-doc-samples.ndjson').slice(1)) {
      expect(read(frame, 'us').fast).toBe(false);
    }
  });

  it('takes the generated trade frames of the venue shape and leaves the older and extended payloads to the general path', () => {
    const cases = fixtureJson<{ name: string; timeUnit: BinanceTimeUnit; frame: string }[]>('ws-generated-trades.json');
    const taken = cases.filter((c) => {
      const { calls, fast } = read(c.frame, c.timeUnit);
      expect(kindOf(calls)).toEqual(['trade']);
      return fast;
    });
    expect(taken.map((c) => c.name)).toEqual(['combined, taker buy', 'raw stream, integer values after canonicalization', 'extreme but valid decimals', 'millisecond connection']);
  });

  it('declines every generated invalid frame, so each keeps the general path’s rejection', () => {
    for (const c of fixtureJson<{ name: string; frame: string }[]>('ws-generated-invalid.json')) {
      const { calls, fast } = read(c.frame, 'us');
      expect(fast, c.name).toBe(false);
      expect(kindOf(calls), c.name).toEqual(['reject']);
    }
  });

  it('declines the recorded @aggTrade and @bookTicker frames', () => {
    const lines = fixtureLines('ws-recorded-aggtrade-bookticker.ndjson');
    expect(lines.length).toBeGreaterThan(0);
    for (const frame of lines) expect(read(frame, 'us')).toMatchObject({ fast: false, calls: [['control', { type: 'ignored' }]] });
  });
});

describe('fast path at its edges', () => {
  const data = (fields: Partial<Record<'E' | 's' | 't' | 'p' | 'q' | 'T' | 'm' | 'M', string>> = {}) => {
    const f = { E: '1767225600123466', s: '"BTCUSDT"', t: '5000000001', p: '"97123.45000000"', q: '"0.00100000"', T: '1767225600123456', m: 'false', M: 'true', ...fields };
    return `{"e":"trade","E":${f.E},"s":${f.s},"t":${f.t},"p":${f.p},"q":${f.q},"T":${f.T},"m":${f.m},"M":${f.M}}`;
  };
  const combined = (payload: string, stream = 'btcusdt@trade') => `{"stream":"${stream}","data":${payload}}`;

  it.each([
    ['raw', data()],
    ['combined', combined(data())],
    ['event time 0 (not read)', data({ E: '0' })],
    ['trade id 0', data({ t: '0' })],
    ['trade id 8999999999999999, the largest the scanner reads', data({ t: '8999999999999999' })],
    ['buyer is maker', data({ m: 'true' })],
    ['M false', data({ M: 'false' })],
    ['longest decimals', data({ p: `"${'9'.repeat(24)}.${'0'.repeat(23)}1"`, q: `"000${'1'.repeat(24)}.10000"` })],
    ['the latest plausible time', data({ T: '4102444800000000' })],
  ])('takes %s', (_name, raw) => {
    const { calls, fast } = read(raw, 'us');
    expect(fast).toBe(true);
    expect(kindOf(calls)).toEqual(['trade']);
  });

  it.each([
    // Valid trades all the same: the general path reads them.
    ['whitespace after a colon', data().replace('"t":', '"t": ')],
    ['a trailing newline', `${data()}\n`],
    ['an escaped character in the price', data({ p: '"97123.4\\u00350"' })],
    ['an escaped character in the symbol', data({ s: '"BTC\\u0055SDT"' })],
    ['the time with an exponent', data({ T: '1.767225600123456e15' })],
    ['the time with a fraction', data({ T: '1767225600123456.0' })],
    ['trade id 2^53 - 1 (beyond the scanner, still safe)', data({ t: '9007199254740991' })],
    ['keys in another order', data().replace('"p":"97123.45000000","q":"0.00100000"', '"q":"0.00100000","p":"97123.45000000"')],
    ['older payload with b/a', data().replace(/}$/, ',"b":88,"a":99}')],
    ['no M', data().replace(',"M":true', '')],
    ['an uppercase stream name', combined(data(), 'BTCUSDT@trade')],
    ['another symbol’s stream name', combined(data(), 'ethusdt@trade')],
    ['wrapper keys in another order', `{"data":${data()},"stream":"btcusdt@trade"}`],
  ])('declines %s, which the general path reads as a trade', (_name, raw) => {
    const { calls, fast } = read(raw, 'us');
    expect(fast).toBe(false);
    expect(kindOf(calls)).toEqual(['trade']);
  });

  it.each([
    ['an unknown symbol', data({ s: '"DOGEUSDT"' })],
    ['a zero price', data({ p: '"0.00000000"' })],
    ['too many fraction digits', data({ q: `"0.${'0'.repeat(24)}1"` })],
    ['a price ending in a dot', data({ p: '"97123."' })],
    ['a time before MIN_TIME_US', data({ T: '1230767999999999' })],
    ['a time after MAX_TIME_US', data({ T: '4102444800000001' })],
    ['trade id 2^53', data({ t: '9007199254740992' })],
    ['a negative trade id', data({ t: '-1' })],
    ['a leading zero (not JSON)', data({ t: '05000000001' })],
    ['m as a string', data({ m: '"false"' })],
    ['bytes after the frame', `${data()}x`],
    ['a missing closing brace', combined(data()).slice(0, -1)],
    ['a raw control character in the stream name', combined(data(), 'btcusd\u0001@trade')],
  ])('declines %s, which the general path rejects', (_name, raw) => {
    const { calls, fast } = read(raw, 'us');
    expect(fast).toBe(false);
    expect(kindOf(calls)).toEqual(['reject']);
  });

  it('declines a millisecond time on a µs connection and a µs time on a millisecond one', () => {
    expect(read(data({ T: '1767225600123' }), 'us').fast).toBe(false);
    expect(read(data(), 'ms').fast).toBe(false);
    expect(read(data({ T: '1767225600123' }), 'ms').fast).toBe(true);
  });

  it('reads the fields as JSON.parse does', () => {
    const scanned = scannedTradeFrame();
    expect(scanTradeFrame(combined(data({ m: 'true', p: '"00097123.45000000"', q: '"1.00000000"' })), scanned)).toBe(true);
    expect(scanned).toEqual({ symbol: 'BTCUSDT', id: '5000000001', price: '97123.45', quantity: '1', time: 1_767_225_600_123_456, buyerIsMaker: true });
  });
});

describe('fast path on the simulator’s frames', () => {
  let sim: BinanceSim;
  const BTC: InstrumentInfo = { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' };
  const ETH: InstrumentInfo = { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' };

  beforeAll(async () => {
    sim = await startBinanceSim({ symbols: ['BTCUSDT', 'ETHUSDT'], tradeIdStart: 5_000_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  /** Frames one connection to the simulator receives for `count` trades of each symbol. */
  async function framesFrom(path: string, timeUnit: BinanceTimeUnit, count: number): Promise<string[]> {
    const frames: string[] = [];
    const adapter: VenueAdapter = {
      ...binance,
      stream: { ...binance.stream, connect: (baseUrl) => ({ url: `${baseUrl}${path}`, subscribe: [] }) },
      createParser: (map): FrameParser => (raw, receiveTimeUs, sink) => {
        frames.push(raw);
        parseFrame(raw, receiveTimeUs, sink, map, timeUnit);
      },
    };
    const runner = new FeedRunner({ adapter, instruments: [BTC, ETH], wsUrl: sim.wsUrl, logger: silentLogger, options: { attemptBudget: null, connectionLifetimeMs: null } });
    const expected = path.includes('ethusdt') ? 2 * count : count;
    const live = new Promise<void>((resolve) => runner.on('state', ({ state }) => state === 'live' && resolve()));
    let received = 0;
    const all = new Promise<void>((resolve, reject) => {
      runner.on('trade', () => ++received === expected && resolve());
      runner.on('rejection', (r) => reject(new Error(`rejected: ${r.reason}: ${r.message}`)));
    });
    runner.start();
    try {
      await live;
      sim.market.generate('BTCUSDT', count);
      sim.market.generate('ETHUSDT', count);
      await all;
    } finally {
      await runner.stop();
    }
    return frames;
  }

  it.each([
    ['raw, ms', '/ws/btcusdt@trade', 'ms'],
    ['raw, µs', '/ws/btcusdt@trade?timeUnit=MICROSECOND', 'us'],
    ['combined, ms', '/stream?streams=btcusdt@trade/ethusdt@trade', 'ms'],
    ['combined, µs (what the adapter connects to)', '/stream?streams=btcusdt@trade/ethusdt@trade&timeUnit=MICROSECOND', 'us'],
  ] as const)('%s: every trade frame takes the fast path', async (_name, path, timeUnit) => {
    const frames = await framesFrom(path, timeUnit, 25);
    expect(frames.length).toBeGreaterThanOrEqual(25);
    for (const frame of frames) expect(read(frame, timeUnit)).toMatchObject({ fast: true, calls: [['trade', {}]] });
  });
});
