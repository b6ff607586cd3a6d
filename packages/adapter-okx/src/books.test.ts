import { instrumentMap, type BookDelta, type BookSnapshot, type ParseSink, type Rejection } from '@tickgate/core';
import type { Bbo } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { booksRequest, okxBooks } from './books.js';
import { parseFrame } from './parse.js';
import { buildConnectPlan } from './stream.js';

// Documented / captured samples (shared/protocols/books.md §2.3, §2.7), verbatim.
const DOC_SNAPSHOT =
  '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["8476.98","415","0","13"],["8477","7","0","2"]],"bids":[["8476.97","256","0","12"],["8475.55","101","0","1"]],"ts":"1597026383085","checksum":-855196043,"prevSeqId":-1,"seqId":123456}]}';
const DOC_UPDATE =
  '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["8476.98","0","0","0"]],"bids":[["8476.97","250","0","11"]],"ts":"1597026383185","checksum":0,"prevSeqId":123456,"seqId":123457}]}';
const CAPTURED_BBO =
  '{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["105252.6","0.16271274","0","5"]],"bids":[["105252.5","1.1133491","0","19"]],"ts":"1749044565306","seqId":55729075884}]}';
const DOC_REST_WITH_SEQ = '{"code":"0","msg":"","data":[{"asks":[["41006.8","0.60038921","0","1"]],"bids":[["41006.3","0.30178218","0","2"]],"ts":"1629966436396","seqId":9001}]}';
const DOC_REST = '{"code":"0","msg":"","data":[{"asks":[["41006.8","0.60038921","0","1"]],"bids":[["41006.3","0.30178218","0","2"]],"ts":"1629966436396"}]}';
const RECV = 1_700_000_000_000_000;
const INFO = { instrument: 'BTC-USDT', symbol: 'BTC-USDT', base: 'BTC', quote: 'USDT' };

function collect(raw: string) {
  const deltas: BookDelta[] = [];
  const snapshots: BookSnapshot[] = [];
  const bbos: Bbo[] = [];
  const rejected: Rejection[] = [];
  const sink: ParseSink = {
    trade: () => undefined,
    control: () => undefined,
    reject: (r) => void rejected.push(r),
    bookDelta: (_i, d) => void deltas.push(d),
    bookSnapshot: (_i, s) => void snapshots.push(s),
    bbo: (b) => void bbos.push(b),
  };
  parseFrame(raw, RECV, sink, instrumentMap([INFO]));
  return { deltas, snapshots, bbos, rejected };
}

describe('OKX book pushes', () => {
  it('reads the legacy snapshot in band and an update chained by prevSeqId; the checksum is not read', () => {
    expect(collect(DOC_SNAPSHOT).snapshots).toEqual([
      { source: 'ws', updateId: '123456', bids: [['8476.97', '256'], ['8475.55', '101']], asks: [['8476.98', '415'], ['8477', '7']], depth: 400, exchangeTime: 1597026383085000, receiveTime: RECV },
    ]);
    expect(collect(DOC_UPDATE).deltas).toEqual([{ prevUpdateId: '123456', updateId: '123457', bids: [['8476.97', '250']], asks: [['8476.98', '0']], exchangeTime: 1597026383185000, receiveTime: RECV }]);
  });

  it('reads the captured bbo-tbt push', () => {
    expect(collect(CAPTURED_BBO).bbos).toEqual([
      { v: 1, type: 'bbo', venue: 'okx', instrument: 'BTC-USDT', symbol: 'BTC-USDT', updateId: '55729075884', bidPrice: '105252.5', bidSize: '1.1133491', askPrice: '105252.6', askSize: '0.16271274', exchangeTime: 1749044565306000, receiveTime: RECV },
    ]);
  });

  it('rejects a snapshot whose prevSeqId is not -1, an update without one, and bad levels', () => {
    for (const [raw, message] of [
      [DOC_SNAPSHOT.replace('"prevSeqId":-1', '"prevSeqId":5'), /^prevSeqId: not -1 on a snapshot/],
      [DOC_UPDATE.replace('"prevSeqId":123456,', ''), /^prevSeqId: not a non-negative integer/],
      [DOC_UPDATE.replace('["8476.97","250","0","11"]', '[8476.97,"250"]'), /^bids: 0: price is not a plain positive decimal/],
      [DOC_SNAPSHOT.replace('["8477","7","0","2"]', '["8477","0","0","0"]'), /^asks: 1: size is not a plain positive decimal/],
    ] as const) {
      const r = collect(raw);
      expect(r.deltas.length + r.snapshots.length).toBe(0);
      expect(r.rejected.map((x) => x.message)).toEqual([expect.stringMatching(message)]);
    }
  });
});

describe('OKX book REST and subscriptions', () => {
  it('reads a REST snapshot with seqId and refuses one without it', () => {
    const request = booksRequest(INFO, 400);
    expect(request.path).toBe('/api/v5/market/books?instId=BTC-USDT&sz=400');
    expect(request.parse(DOC_REST_WITH_SEQ, RECV)).toMatchObject({ source: 'rest', updateId: '9001', bids: [['41006.3', '0.30178218']], asks: [['41006.8', '0.60038921']], depth: 400 });
    expect(() => request.parse(DOC_REST, RECV)).toThrowError(/seqId: missing/);
    expect(okxBooks.rule.kind).toBe('chain');
  });

  it('subscribes each channel', () => {
    const plan = buildConnectPlan('wss://x', [INFO], ['trades', 'book', 'bbo']);
    expect(plan.subscribe.map((m) => (JSON.parse(m) as { args: Array<{ channel: string }> }).args[0]!.channel)).toEqual(['trades', 'books', 'bbo-tbt']);
  });
});
