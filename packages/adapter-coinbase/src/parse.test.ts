import { describeRejectionCases, parseOneEvent, type RejectionFixture } from '@tickgate/adapter-conformance';
import { rfc3339ToMicros as coreRfc3339ToMicros } from '@tickgate/core';
import { TradeSchema, type Trade } from '@tickgate/schema';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { collectingSink, fixtureJson, fixtureLines, instruments, RECEIVE_US } from '../test/helpers.js';
import { coinbase } from './index.js';
import { createParser, rfc3339ToMicros, takerSideOf } from './parse.js';

/** Every frame produces exactly one event of some kind. */
function parseOne(raw: string) {
  return parseOneEvent(createParser(instruments), raw, RECEIVE_US);
}

/** Independent reading of an RFC 3339 UTC time: `Date` for the milliseconds, the µs digits by hand. */
function referenceMicros(time: string): number {
  const m = /^(.*\.\d{3})(\d{3})Z$/.exec(time);
  if (m === null) throw new Error(`unexpected time ${time}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number(m[2]);
}

describe('documented sample frames', () => {
  const [match, heartbeat, error] = fixtureLines('ws-doc-samples.ndjson');

  it('reads the match sample: the maker sold, so the taker bought; time exact to the µs', () => {
    const { trades } = parseOne(match!);
    expect(trades).toEqual<Trade[]>([
      {
        v: 1,
        type: 'trade',
        venue: 'coinbase',
        instrument: 'BTC-USD',
        symbol: 'BTC-USD',
        id: '10',
        price: '400.23',
        quantity: '5.23512',
        side: 'buy',
        tradeTime: 1_415_348_367_028_459,
        receiveTime: RECEIVE_US,
        source: 'ws',
      },
    ]);
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });

  it('turns the heartbeat into a heartbeat control with the last trade id', () => {
    expect(parseOne(heartbeat!).controls).toEqual([{ type: 'heartbeat', instrument: 'BTC-USD', lastTradeId: '20' }]);
  });

  it('turns an error into an error control', () => {
    expect(parseOne(error!).controls).toEqual([{ type: 'error', message: '...' }]);
    expect(parseOne('{"type":"error","message":"Failed to subscribe","reason":"BTC-XYZ is not a valid product"}').controls).toEqual([
      { type: 'error', message: 'Failed to subscribe: BTC-XYZ is not a valid product' },
    ]);
    expect(parseOne('{"type":"error"}').controls[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/without a message/) });
  });

  it('heartbeats of a product that never traded carry no id', () => {
    expect(parseOne('{"type":"heartbeat","sequence":1,"last_trade_id":0,"product_id":"ETH-USD","time":"2026-01-01T00:00:00.000000Z"}').controls).toEqual([{ type: 'heartbeat', instrument: 'ETH-USD' }]);
    expect(parseOne('{"type":"heartbeat","sequence":1,"product_id":"ETH-USD"}').controls).toEqual([{ type: 'heartbeat', instrument: 'ETH-USD' }]);
  });

  it('ignores other documented channels', () => {
    expect(parseOne('{"type":"ticker","product_id":"BTC-USD","price":"1"}').controls).toEqual([{ type: 'ignored', what: 'ticker' }]);
    expect(parseOne('{"type":"l2update","product_id":"BTC-USD","changes":[]}').controls).toEqual([{ type: 'ignored', what: 'l2update' }]);
  });
});

describe('recorded frames', () => {
  const lines = fixtureLines('ws-recorded-matches.ndjson');

  it('has every recorded frame', () => {
    expect(lines.length).toBe(110);
  });

  it.each(lines.map((line, i) => [i, line] as const))('frame %i', (_i, line) => {
    const frame = JSON.parse(line) as { type: string; [k: string]: unknown };
    const sink = parseOne(line);
    if (frame.type === 'subscriptions') {
      expect(sink.controls).toHaveLength(1);
      expect(sink.controls[0]).toMatchObject({ type: 'subscribed', detail: expect.stringMatching(/^(level2|ticker|matches):10/) });
      return;
    }
    const trade = sink.trades[0]!;
    expect(TradeSchema.parse(trade)).toEqual(trade);
    expect(trade).toEqual<Trade>({
      v: 1,
      type: 'trade',
      venue: 'coinbase',
      instrument: frame['product_id'] as string,
      symbol: frame['product_id'] as string,
      id: String(frame['trade_id']),
      price: new Decimal(frame['price'] as string).toFixed(),
      quantity: new Decimal(frame['size'] as string).toFixed(),
      side: frame['side'] === 'sell' ? 'buy' : 'sell',
      tradeTime: referenceMicros(frame['time'] as string),
      receiveTime: RECEIVE_US,
      source: 'ws',
    });
  });

  it('match ids of one product are consecutive in the recording', () => {
    const sink = collectingSink();
    const parser = coinbase.createParser(instruments);
    for (const line of lines) if (line.includes('"type":"match"')) parser(line, RECEIVE_US, sink);
    const skl = sink.trades.filter((t) => t.instrument === 'SKL-USD').map((t) => BigInt(t.id));
    expect(skl.length).toBeGreaterThan(10);
    for (let i = 1; i < skl.length; i++) expect(skl[i]! - skl[i - 1]!).toBe(1n);
  });
});

describe('generated valid trade frames', () => {
  const cases = fixtureJson<{ name: string; frame: string; expect: Partial<Trade> }[]>('ws-generated-trades.json');

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { trades, spans } = parseOne(c.frame);
    expect(trades).toHaveLength(1);
    expect(spans).toEqual([1]);
    expect(trades[0]).toMatchObject({ v: 1, type: 'trade', venue: 'coinbase', receiveTime: RECEIVE_US, source: 'ws', ...c.expect });
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });
});

describeRejectionCases(fixtureJson<RejectionFixture[]>('ws-generated-invalid.json'), parseOne, () => {
  it('keeps at most 200 characters of the raw frame', () => {
    const { rejections } = parseOne(`{"type":"nope","pad":"${'z'.repeat(500)}"}`);
    expect(rejections[0]!.raw).toHaveLength(200);
  });
});

describe('rfc3339ToMicros', () => {
  it('is the shared reader of @tickgate/core (its cases live in parse-kit.test.ts), exact on a Coinbase time', () => {
    expect(rfc3339ToMicros).toBe(coreRfc3339ToMicros);
    expect(rfc3339ToMicros('2014-11-07T08:19:27.028459Z')).toBe(1_415_348_367_028_459);
  });
});

describe('takerSideOf', () => {
  it('inverts the maker side', () => {
    expect(takerSideOf('sell')).toBe('buy');
    expect(takerSideOf('buy')).toBe('sell');
    expect(takerSideOf('Buy')).toBeUndefined();
  });
});
