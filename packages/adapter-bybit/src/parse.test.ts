import { describeRejectionCases, parseCollect, parseOneEvent, type RejectionFixture } from '@tickgate/adapter-conformance';
import { TradeSchema, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { fixtureJson, fixtureLines, instruments, RECEIVE_US } from '../test/helpers.js';
import { bybit } from './index.js';
import { createParser } from './parse.js';

function parse(raw: string) {
  return parseCollect(createParser(instruments), raw, RECEIVE_US);
}

function parseOne(raw: string) {
  return parseOneEvent(createParser(instruments), raw, RECEIVE_US);
}

describe('documented sample frames', () => {
  const [push, pong] = fixtureLines('ws-doc-samples.ndjson');

  it('reads the publicTrade push: S is the taker side, v the quantity, i the id', () => {
    const { trades } = parseOne(push!);
    expect(trades).toEqual<Trade[]>([
      { v: 1, type: 'trade', venue: 'bybit', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id: '20f43950-d8dd-5b31-9112-a178eb6023af', price: '16578.5', quantity: '0.001', side: 'buy', tradeTime: 1_672_304_486_865_000, receiveTime: RECEIVE_US, source: 'ws' },
    ]);
    expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
  });

  it('reads the spot pong and the other markets\' pong shape', () => {
    expect(parseOne(pong!).controls).toEqual([{ type: 'pong' }]);
    expect(parseOne('{"req_id":"100001","op":"pong","args":["1675418560633"],"conn_id":"x"}').controls).toEqual([{ type: 'pong' }]);
  });

  it('reads subscribe answers', () => {
    expect(parseOne('{"success":true,"ret_msg":"","conn_id":"x","req_id":"test","op":"subscribe"}').controls).toEqual([{ type: 'subscribed', requestId: 'test' }]);
    expect(parseOne('{"success":true,"ret_msg":"","conn_id":"x","op":"subscribe"}').controls).toEqual([{ type: 'subscribed' }]);
    expect(parseOne('{"success":false,"ret_msg":"error:handler not found,topic:publicTrade.NOPE","conn_id":"x","req_id":"sub-1","op":"subscribe"}').controls).toEqual([
      { type: 'error', message: 'subscribe: error:handler not found,topic:publicTrade.NOPE', requestId: 'sub-1' },
    ]);
    expect(parseOne('{"success":false,"op":"ping"}').controls[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/^ping: failed without a message/) });
    expect(parseOne('{"success":true,"ret_msg":"","op":"unsubscribe"}').controls).toEqual([{ type: 'ignored', what: 'unsubscribed' }]);
  });
});

describe('generated valid trade frames', () => {
  const cases = fixtureJson<{ name: string; frame: string; expect: Partial<Trade>[] }[]>('ws-generated-trades.json');

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { trades, spans, rejections } = parse(c.frame);
    expect(rejections).toEqual([]);
    expect(trades).toHaveLength(c.expect.length);
    expect(spans.every((s) => s === 1)).toBe(true);
    c.expect.forEach((e, i) => {
      expect(trades[i]).toMatchObject({ v: 1, type: 'trade', venue: 'bybit', receiveTime: RECEIVE_US, source: 'ws', ...e });
      expect(TradeSchema.parse(trades[i])).toEqual(trades[i]);
    });
  });

  it('non-consecutive ids are published as they come, with no ordering assumed', () => {
    const { trades } = parse(cases.find((c) => c.name.startsWith('ids out of order'))!.frame);
    expect(trades.map((t) => t.id)).toEqual(['2290000000061666330', '2290000000061666328']);
    expect(bybit.stream.sequencing).toBe('none');
  });
});

describeRejectionCases(fixtureJson<RejectionFixture[]>('ws-generated-invalid.json'), parseOne);
