import { describeRejectionCases, parseCollect, parseOneEvent, type RejectionFixture } from '@tickgate/adapter-conformance';
import { TradeSchema, type Trade } from '@tickgate/schema';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { collectingSink, fixtureJson, fixtureLines, instruments, RECEIVE_US } from '../test/helpers.js';
import { okx } from './index.js';
import { createParser, spanOf } from './parse.js';

function parse(raw: string) {
  return parseCollect(createParser(instruments), raw, RECEIVE_US);
}

function parseOne(raw: string) {
  return parseOneEvent(createParser(instruments), raw, RECEIVE_US);
}

describe('documented sample frames', () => {
  const [subscribed, error, push, pong] = fixtureLines('ws-doc-samples.ndjson');

  it('reads the push: tradeId is the last id, count the span', () => {
    const { trades, spans } = parseOne(push!);
    expect(trades).toEqual<Trade[]>([
      { v: 1, type: 'trade', venue: 'okx', instrument: 'BTC-USDT', symbol: 'BTC-USDT', id: '130639474', price: '42219.9', quantity: '0.12060306', side: 'buy', tradeTime: 1_630_048_897_897_000, receiveTime: RECEIVE_US, source: 'ws' },
    ]);
    expect(spans).toEqual([3]);
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });

  it('reads the subscribe and error answers and the text pong', () => {
    expect(parseOne(subscribed!).controls).toEqual([{ type: 'subscribed', requestId: '1512', detail: 'trades:BTC-USDT' }]);
    expect(parseOne(error!).controls).toEqual([{ type: 'error', code: '60012', message: 'Invalid request: ...', requestId: '1512' }]);
    expect(parseOne(pong!).controls).toEqual([{ type: 'pong' }]);
  });

  it('reads notices and other events', () => {
    expect(parseOne('{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"}').controls).toEqual([{ type: 'shutdown-notice' }]);
    expect(parseOne('{"event":"unsubscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"x"}').controls).toEqual([{ type: 'ignored', what: 'unsubscribe' }]);
    expect(parseOne('{"event":"channel-conn-count","channel":"trades","connCount":"2","connId":"x"}').controls).toEqual([{ type: 'ignored', what: 'channel-conn-count' }]);
    expect(parseOne('{"event":"error","code":"60018"}').controls[0]).toMatchObject({ type: 'error', code: '60018', message: expect.stringMatching(/without a message/) });
    expect(parseOne('{"event":"subscribe"}').controls).toEqual([{ type: 'subscribed' }]);
  });
});

describe('recorded frames', () => {
  const lines = fixtureLines('ws-recorded-trades.ndjson');

  it('has every recorded frame', () => {
    expect(lines.length).toBe(74);
  });

  it.each(lines.map((line, i) => [i, line] as const))('frame %i', (_i, line) => {
    const frame = JSON.parse(line) as { data: Record<string, string>[] };
    const d = frame.data[0]!;
    const sink = parseOne(line);
    if (d['instId'] !== 'BTC-USDT') {
      // Futures and swaps of the recording are not spot instruments of this feed.
      expect(sink.rejections[0]).toMatchObject({ reason: 'unknown-instrument', tradeId: d['tradeId'] });
      return;
    }
    // Older frames carry no `count`: one id each.
    expect(sink.spans).toEqual([1]);
    const trade = sink.trades[0]!;
    expect(TradeSchema.parse(trade)).toEqual(trade);
    expect(trade).toEqual<Trade>({
      v: 1,
      type: 'trade',
      venue: 'okx',
      instrument: 'BTC-USDT',
      symbol: 'BTC-USDT',
      id: d['tradeId']!,
      price: new Decimal(d['px']!).toFixed(),
      quantity: new Decimal(d['sz']!).toFixed(),
      side: d['side'] as 'buy' | 'sell',
      tradeTime: Number(d['ts']) * 1000,
      receiveTime: RECEIVE_US,
      source: 'ws',
    });
  });

  it('BTC-USDT ids of the recording are consecutive', () => {
    const sink = collectingSink();
    const parser = okx.createParser(instruments);
    for (const line of lines) parser(line, RECEIVE_US, sink);
    const ids = sink.trades.map((t) => BigInt(t.id));
    expect(ids.length).toBe(69);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! - ids[i - 1]!).toBe(1n);
  });
});

describe('generated valid trade frames', () => {
  const cases = fixtureJson<{ name: string; frame: string; expect: { trade: Partial<Trade>; span: number }[] }[]>('ws-generated-trades.json');

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { trades, spans, rejections } = parse(c.frame);
    expect(rejections).toEqual([]);
    expect(trades).toHaveLength(c.expect.length);
    expect(spans).toEqual(c.expect.map((e) => e.span));
    c.expect.forEach((e, i) => {
      expect(trades[i]).toMatchObject({ v: 1, type: 'trade', venue: 'okx', receiveTime: RECEIVE_US, source: 'ws', ...e.trade });
      expect(TradeSchema.parse(trades[i])).toEqual(trades[i]);
    });
  });
});

describeRejectionCases(fixtureJson<RejectionFixture[]>('ws-generated-invalid.json'), parseOne);

describe('spanOf', () => {
  it('reads count, 1 when absent, and refuses spans below id 0', () => {
    expect(spanOf(undefined, '5')).toBe(1);
    expect(spanOf('3', '123')).toBe(3);
    expect(spanOf(6, '5')).toBe(6);
    expect(spanOf(7, '5')).toBeUndefined();
    expect(spanOf('0', '5')).toBeUndefined();
    expect(spanOf('-1', '5')).toBeUndefined();
    expect(spanOf(null, '5')).toBeUndefined();
  });
});
