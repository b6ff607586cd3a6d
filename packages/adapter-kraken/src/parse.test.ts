import { describeRejectionCases, parseCollect, parseOneEvent, type RejectionFixture } from '@tickgate/adapter-conformance';
import { rfc3339ToMicros as coreRfc3339ToMicros } from '@tickgate/core';
import { TradeSchema, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { collectingSink, fixtureJson, fixtureLines, instruments, RECEIVE_US } from '../test/helpers.js';
import { kraken } from './index.js';
import { createParser, exactDecimalOf, instrumentOfSymbol, rfc3339ToMicros, symbolOfInstrument } from './parse.js';
import { JsonNumber } from './json.js';

function parse(raw: string) {
  return parseCollect(createParser(instruments), raw, RECEIVE_US);
}

function parseOne(raw: string) {
  return parseOneEvent(createParser(instruments), raw, RECEIVE_US);
}

describe('documented sample frames', () => {
  const [snapshot, subscribed, heartbeat, pong] = fixtureLines('ws-doc-samples.ndjson');

  it('reads the snapshot sample: two trades, exact digits from JSON numbers', () => {
    const { trades, rejections, spans } = parse(snapshot!);
    expect(rejections).toEqual([]);
    const base = { v: 1, type: 'trade', venue: 'kraken', instrument: 'MATIC-USD', symbol: 'MATIC/USD', price: '0.5147', side: 'buy', receiveTime: RECEIVE_US, source: 'ws' } as const;
    expect(trades).toEqual<Trade[]>([
      { ...base, id: '4665846', quantity: '6423.46326', tradeTime: 1_695_628_116_925_533 },
      { ...base, id: '4665847', quantity: '1136.19677815', tradeTime: 1_695_628_176_925_603 },
    ]);
    expect(spans).toEqual([1, 1]);
    for (const t of trades) expect(TradeSchema.parse(t)).toEqual(t);
  });

  it('reads the control answers', () => {
    expect(parseOne(subscribed!).controls).toEqual([{ type: 'subscribed', detail: 'trade:BTC/USD' }]);
    expect(parseOne(heartbeat!).controls).toEqual([{ type: 'heartbeat' }]);
    expect(parseOne(pong!).controls).toEqual([{ type: 'pong' }]);
  });

  it('reads failed subscribes, unsubscribe acks and status messages', () => {
    expect(parseOne('{"method":"subscribe","error":"Currency pair not supported XYZ/USD","success":false,"req_id":7,"time_in":"x","time_out":"y"}').controls).toEqual([
      { type: 'error', message: 'subscribe: Currency pair not supported XYZ/USD', requestId: 7 },
    ]);
    expect(parseOne('{"method":"subscribe","success":false}').controls[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/without a message/) });
    expect(parseOne('{"method":"subscribe","result":{"channel":"trade","symbol":"ETH/USD"},"success":true,"req_id":1}').controls).toEqual([{ type: 'subscribed', requestId: 1, detail: 'trade:ETH/USD' }]);
    expect(parseOne('{"method":"unsubscribe","success":true}').controls).toEqual([{ type: 'ignored', what: 'unsubscribed' }]);
    expect(parseOne('{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":12393906104898154338,"system":"online","version":"2.0.0"}]}').controls).toEqual([{ type: 'ignored', what: 'status' }]);
  });
});

describe('generated valid trade frames', () => {
  const cases = fixtureJson<{ name: string; frame: string; expect: Partial<Trade>[] }[]>('ws-generated-trades.json');

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { trades, rejections, controls } = parse(c.frame);
    expect(rejections).toEqual([]);
    expect(controls).toEqual([]);
    expect(trades).toHaveLength(c.expect.length);
    c.expect.forEach((e, i) => {
      expect(trades[i]).toMatchObject({ v: 1, type: 'trade', venue: 'kraken', receiveTime: RECEIVE_US, source: 'ws', ...e });
      expect(TradeSchema.parse(trades[i])).toEqual(trades[i]);
    });
  });
});

describeRejectionCases(fixtureJson<RejectionFixture[]>('ws-generated-invalid.json'), parseOne, () => {
  it('rejects a bad trade on its own and still publishes the rest of the frame', () => {
    const frame = '{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":5,"timestamp":"2026-01-01T00:00:00.000001Z"},{"symbol":"BTC/USD","side":"buy","price":-1,"qty":1,"trade_id":6,"timestamp":"2026-01-01T00:00:00.000001Z"},{"symbol":"BTC/USD","side":"sell","price":2,"qty":1,"trade_id":7,"timestamp":"2026-01-01T00:00:00.000001Z"}]}';
    const { trades, rejections } = parse(frame);
    expect(trades.map((t) => t.id)).toEqual(['5', '7']);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ reason: 'invalid-field', instrument: 'BTC-USD', tradeId: '6', message: expect.stringMatching(/^data\[1\]\.price: /) });
  });
});

describe('exact decimals from JSON numbers', () => {
  it.each([
    ['0.1', '0.1'],
    ['6423.46326', '6423.46326'],
    ['1136.19677815', '1136.19677815'],
    ['100', '100'],
    ['100.000', '100'],
    ['1e-7', '0.0000001'],
    ['1e-05', '0.00001'],
    ['2.5E3', '2500'],
    ['0.30000000000000004', '0.30000000000000004'],
  ])('%s → %s', (literal, canonical) => {
    expect(exactDecimalOf(new JsonNumber(literal))).toBe(canonical);
  });

  it('rejects negative, zero and out-of-schema values', () => {
    for (const literal of ['-1', '0', '0.000', '0e3', '1e300', '1e-25', `1${'0'.repeat(24)}`]) expect(exactDecimalOf(new JsonNumber(literal)), literal).toBeUndefined();
    expect(exactDecimalOf(true)).toBeUndefined();
    expect(exactDecimalOf(null)).toBeUndefined();
  });
});

describe('symbols and times', () => {
  it('maps v2 symbols to instruments and back', () => {
    expect(instrumentOfSymbol('BTC/USD')).toBe('BTC-USD');
    expect(symbolOfInstrument('BTC-USD')).toBe('BTC/USD');
  });

  it('reads RFC 3339 with the shared reader of @tickgate/core (its cases live in parse-kit.test.ts)', () => {
    expect(rfc3339ToMicros).toBe(coreRfc3339ToMicros);
    expect(rfc3339ToMicros('2023-09-25T07:48:36.925533Z')).toBe(1_695_628_116_925_533);
  });

  it('the adapter object uses this parser', () => {
    const sink = collectingSink();
    kraken.createParser(instruments)('{"channel":"heartbeat"}', RECEIVE_US, sink);
    expect(sink.controls).toEqual([{ type: 'heartbeat' }]);
  });
});
