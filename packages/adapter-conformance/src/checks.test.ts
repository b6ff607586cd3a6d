import { instrumentMap, type FrameParser, type InstrumentInfo, type VenueAdapter } from '@tickgate/core';
import { startBinanceSim } from '@tickgate/exchange-sim/binance';
import { canonicalDecimalOrUndefined, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { fieldMutations, genericBadFrames } from './bad-frames.js';
import { checkAdapterObject, checkParsed, checkRejection, checkRestRequest, checkTrade, collect, RECEIVE_TIME_US } from './checks.js';
import { readTradeFixtures } from './fixtures.js';
import { compareWithSim, coveredIds, runSimScenario } from './sim-check.js';
import { fromVenueSim } from './venue-sim.js';

// The kit must be able to fail: these tests feed it broken adapters and check what it says.

const BTC: InstrumentInfo = { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' };
const map = instrumentMap([BTC]);
const ctx = { venue: 'demo', instruments: map, receiveTimeUs: RECEIVE_TIME_US, source: 'ws' as const };

/** A tiny adapter for frames `{"s":…,"t":…,"p":…,"q":…,"T":…,"m":…}` (Binance `@trade` payloads, optionally wrapped). */
function tinyParser(options: { invertSide?: boolean; venue?: string } = {}): FrameParser {
  return (raw, receiveTimeUs, sink) => {
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      sink.reject({ reason: 'malformed-json', message: 'not JSON', raw: raw.slice(0, 200) });
      return;
    }
    const d = (typeof msg === 'object' && msg !== null && 'data' in msg ? (msg as { data: unknown }).data : msg) as Record<string, unknown> | null;
    const price = typeof d?.['p'] === 'string' ? canonicalDecimalOrUndefined(d['p']) : undefined;
    const quantity = typeof d?.['q'] === 'string' ? canonicalDecimalOrUndefined(d['q']) : undefined;
    if (!d || typeof d['t'] !== 'number' || !price || !quantity || typeof d['T'] !== 'number' || typeof d['m'] !== 'boolean') {
      sink.reject({ reason: 'unknown-message', message: 'not a trade', raw: raw.slice(0, 200) });
      return;
    }
    const sells = options.invertSide ? !d['m'] : d['m'];
    sink.trade({ v: 1, type: 'trade', venue: options.venue ?? 'demo', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id: String(d['t']), price, quantity, side: sells ? 'sell' : 'buy', tradeTime: d['T'], receiveTime: receiveTimeUs, source: 'ws' });
  };
}

function tinyAdapter(overrides: Partial<VenueAdapter> = {}, parser: FrameParser = tinyParser()): VenueAdapter {
  return {
    venue: 'demo',
    defaults: { wsUrl: 'wss://example.test', restUrl: 'https://example.test' },
    stream: {
      maxStreamsPerConnection: 10,
      heartbeat: { kind: 'server-ping', intervalMs: 20_000, pongDeadlineMs: 60_000 },
      sequencing: 'consecutive',
      connect: (base, instruments) => ({ url: `${base}/stream?streams=${instruments.map((i) => `${i.symbol.toLowerCase()}@trade`).join('/')}&timeUnit=MICROSECOND`, subscribe: [] }),
    },
    createParser: () => parser,
    rest: {
      limits: { weightPerMinute: 6000, maxTradesPerPage: 1000 },
      instruments: () => ({ path: '/i', weight: 1, parse: () => [] }),
      recentTrades: () => ({ path: '/t', weight: 1, parse: () => [] }),
      lastPrice: () => ({ path: '/p', weight: 1, parse: () => '1' }),
    },
    ...overrides,
  };
}

describe('checkAdapterObject', () => {
  it('passes a complete adapter', () => {
    expect(checkAdapterObject(tinyAdapter(), [BTC])).toEqual([]);
  });

  it('names every missing or insane rule', () => {
    const broken = tinyAdapter({
      venue: 'Demo Venue',
      defaults: { wsUrl: 'http://example.test', restUrl: 'ftp://x' },
      stream: {
        maxStreamsPerConnection: 0,
        heartbeat: { kind: 'client-ping', intervalMs: 0, message: '', timeoutMs: 5 },
        sequencing: 'sometimes' as 'none',
        connect: () => ({ url: 'https://example.test', subscribe: ['{"op":"subscribe"', ''] }),
      },
    });
    const problems = checkAdapterObject(broken, [BTC]).join('\n');
    expect(problems).toContain('venue: "Demo Venue" is not a venue id');
    expect(problems).toContain('defaults.wsUrl: must use ws: or wss:');
    expect(problems).toContain('defaults.restUrl: must use http: or https:');
    expect(problems).toContain('stream.maxStreamsPerConnection: must be a positive integer');
    expect(problems).toContain('intervalMs and timeoutMs must be > 0');
    expect(problems).toContain('message must be the text to send');
    expect(problems).toContain('stream.sequencing: must be "consecutive"');
    expect(problems).toContain('subscribe[0]: looks like JSON but does not parse');
    expect(problems).toContain('subscribe[1]: must be a non-empty text message');
    expect(problems).toContain('names "BTCUSDT", so its trades would never arrive');
  });
});

describe('checkTrade and checkRejection', () => {
  const good: Trade = { v: 1, type: 'trade', venue: 'demo', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id: '1', price: '97000.5', quantity: '0.001', side: 'buy', tradeTime: 1_767_225_600_123_456, receiveTime: RECEIVE_TIME_US, source: 'ws' };

  it('accepts a valid trade', () => {
    expect(checkTrade(good, 1, ctx)).toEqual([]);
  });

  it('explains a non-canonical price, millisecond time, wrong venue and symbol, unknown side and a clock receive time', () => {
    const bad = { ...good, venue: 'binance', symbol: 'btcusdt', price: '97000.50', tradeTime: 1_767_225_600_123, side: 'unknown' as const, receiveTime: RECEIVE_TIME_US + 1 };
    const problems = checkTrade(bad, 0, ctx).join('\n');
    expect(problems).toContain('price: not in canonical form (expected "97000.5")');
    expect(problems).toContain('tradeTime: not microseconds since the Unix epoch (too small: milliseconds?)');
    expect(problems).toContain(`venue: must be the adapter's venue "demo"`);
    expect(problems).toContain('symbol: must be the venue symbol of BTC-USDT, "BTCUSDT"');
    expect(problems).toContain('side: "unknown"');
    expect(problems).toContain('receiveTime: must be the receiveTimeUs passed in');
    expect(problems).toContain('span: must be a positive integer');
  });

  it('explains a rejection that is not one line or does not keep the start of the frame', () => {
    const problems = checkRejection({ reason: 'bad' as 'invalid-field', message: 'a\nb', raw: 'xyz' }, '{"a":1}', map).join('\n');
    expect(problems).toContain('reason: must be one of');
    expect(problems).toContain('message: must be one line');
    expect(problems).toContain('raw: must be the start of the frame');
  });

  it('records a parser that throws instead of letting it escape', () => {
    const parsed = collect(() => {
      throw new TypeError('boom');
    }, '{}');
    expect(checkParsed(parsed, '{}', ctx)[0]).toContain('the parser threw TypeError: boom');
  });

  it('rejects REST requests with absolute paths or no weight', () => {
    const problems = checkRestRequest({ path: 'https://api.example.test/x', weight: 0, parse: () => 1 }, 'recentTrades').join('\n');
    expect(problems).toContain('recentTrades.path: must be a path relative to the REST base URL');
    expect(problems).toContain('recentTrades.weight: must be > 0');
  });
});

describe('bad frames', () => {
  it('a parser that turns everything into trades fails the generic bad frames', () => {
    const gullible: FrameParser = (raw, t, sink) => sink.trade({ v: 1, type: 'trade', venue: 'demo', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id: '1', price: '1', quantity: '1', side: 'buy', tradeTime: 1_767_225_600_000_000, receiveTime: t, source: 'ws' });
    for (const bad of genericBadFrames()) expect(collect(gullible, bad.frame).rejections).toHaveLength(0);
    expect(genericBadFrames().some((b) => b.reasons.includes('malformed-json'))).toBe(true);
  });

  it('finds the id, price, quantity and time leaves of a trade frame by value', () => {
    const frame = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1767225600123466,"s":"BTCUSDT","t":7,"p":"97000.50","q":"0.00100000","T":1767225600123456,"m":true}}';
    const mutations = fieldMutations([{ name: 'f', frame, expect: [{ id: '7', price: '97000.5', quantity: '0.001', tradeTime: 1_767_225_600_123_456 }] }], 'consecutive');
    const names = mutations.map((m) => m.name);
    expect(names).toContain('f: price → "-1"');
    expect(names).toContain('f: quantity → null');
    expect(names).toContain('f: tradeTime → 0');
    expect(names).toContain('f: id → "abc"');
    const priceNull = mutations.find((m) => m.name === 'f: price → null')!;
    expect(JSON.parse(priceNull.frame).data.p).toBeNull();
    // The tiny parser rejects a null price: one trade fewer.
    expect(collect(tinyParser(), priceNull.frame).trades).toHaveLength(0);
  });

  it('reads fixture lists in every shape the adapters use', () => {
    const file = new URL('../test/trade-shapes.json', import.meta.url);
    const fixtures = readTradeFixtures(file);
    expect(fixtures.map((f) => f.expect)).toEqual([[{ id: '1' }], [{ id: '2' }, { id: '3' }], [{ id: '5', span: 3 }]]);
  });
});

describe('against a simulator', () => {
  it('coveredIds expands an aggregated trade', () => {
    expect(coveredIds({ id: '10' } as Trade, 3)).toEqual(['8', '9', '10']);
  });

  it('compareWithSim catches an inverted side', () => {
    const sims = new Map([['1', { id: '1', price: '5', quantity: '1', side: 'buy' as const }]]);
    expect(compareWithSim({ id: '1', price: '5', quantity: '1', side: 'sell' } as Trade, 1, sims).join()).toContain('is the side inverted?');
  });

  it('runs a feed against the Binance simulator: a correct adapter gets every trade and the gap filled; an inverted side is caught', async () => {
    const tradesFrom = (instrument: InstrumentInfo, fromId: string, limit: number) => ({
      path: `/api/v3/historicalTrades?symbol=${instrument.symbol}&fromId=${fromId}&limit=${limit}`,
      weight: 25,
      headers: { 'X-MBX-TIME-UNIT': 'MICROSECOND' },
      parse: (body: string, receiveTimeUs: number): Trade[] =>
        (JSON.parse(body) as { id: number; price: string; qty: string; time: number; isBuyerMaker: boolean }[]).map((t) => ({
          v: 1, type: 'trade', venue: 'demo', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id: String(t.id), price: canonicalDecimalOrUndefined(t.price)!, quantity: canonicalDecimalOrUndefined(t.qty)!,
          side: t.isBuyerMaker ? 'sell' : 'buy', tradeTime: t.time, receiveTime: receiveTimeUs, source: 'rest',
        })),
    });
    const base = tinyAdapter();
    const good = tinyAdapter({ rest: { ...base.rest, tradesFrom } });
    const report = await runSimScenario({ adapter: good, sim: fromVenueSim(await startBinanceSim(), { instrument: BTC }), backfill: true, stepTimeoutMs: 10_000, counts: { live: 5, missed: 3, after: 2 } });
    expect(report.failure).toBeUndefined();
    expect(report.released.map((t) => t.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(report.released.filter((t) => t.source === 'rest').map((t) => t.id)).toEqual(['6', '7', '8']);
    expect(report.backfills.flatMap((c) => c.ids ?? [])).toEqual(['6', '7', '8']);

    const inverted = tinyAdapter({}, tinyParser({ invertSide: true }));
    const bad = await runSimScenario({ adapter: inverted, sim: fromVenueSim(await startBinanceSim(), { instrument: BTC }), backfill: false, stepTimeoutMs: 10_000, counts: { live: 5, missed: 1, after: 1 } });
    const byId = new Map(bad.phase1.map((t) => [t.id, t]));
    expect(bad.before.flatMap(({ trade, span }) => compareWithSim(trade, span, byId)).join('\n')).toContain('is the side inverted?');
  });

  it('reports where a feed that never goes live failed, with the loss', async () => {
    const report = await runSimScenario({
      adapter: tinyAdapter(),
      sim: fromVenueSim(await startBinanceSim(), { instrument: BTC, wsPath: '/no-such-path' }),
      backfill: false,
      stepTimeoutMs: 1_500,
    });
    expect(report.failedStep).toBe('live');
    expect(report.failure).toContain('the feed never went live on the simulator');
    expect(report.failure).toContain('check stream.connect()');
  });
});
