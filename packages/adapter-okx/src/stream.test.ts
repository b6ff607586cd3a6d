import type { InstrumentInfo } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../test/helpers.js';
import { okx } from './index.js';
import { ARGS_PER_REQUEST, buildConnectPlan, buildSubscribe, buildUnsubscribe, MAX_STREAMS_PER_CONNECTION, okxStream } from './stream.js';

describe('okxStream', () => {
  it('subscribes to trades with the documented message', () => {
    expect(okxStream.connect('wss://ws.okx.com:8443/ws/v5/public', INSTRUMENTS)).toEqual({
      url: 'wss://ws.okx.com:8443/ws/v5/public',
      subscribe: ['{"id":"1","op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"trades","instId":"ETH-USDT"}]}'],
    });
    expect(JSON.parse(buildSubscribe(['BTC-USDT'], '1512'))).toEqual({ id: '1512', op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] });
    expect(JSON.parse(buildUnsubscribe(['BTC-USDT']))).toEqual({ op: 'unsubscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] });
  });

  it('splits large subscriptions and refuses empty or oversized connections', () => {
    const many: InstrumentInfo[] = Array.from({ length: MAX_STREAMS_PER_CONNECTION + 1 }, (_, i) => ({ instrument: `A${i}-USDT`, symbol: `A${i}-USDT`, base: `A${i}`, quote: 'USDT' }));
    const plan = buildConnectPlan('wss://x/', many.slice(0, MAX_STREAMS_PER_CONNECTION));
    expect(plan.subscribe).toHaveLength(Math.ceil(MAX_STREAMS_PER_CONNECTION / ARGS_PER_REQUEST));
    expect(plan.subscribe.flatMap((m) => (JSON.parse(m) as { args: { instId: string }[] }).args.map((a) => a.instId))).toEqual(many.slice(0, MAX_STREAMS_PER_CONNECTION).map((i) => i.symbol));
    expect(() => buildConnectPlan('wss://x', many)).toThrowError(RangeError);
    expect(() => buildConnectPlan('wss://x', [])).toThrowError(RangeError);
  });

  it('keeps the connection alive with a text ping inside the 30 s idle limit', () => {
    expect(okxStream.heartbeat).toEqual({ kind: 'client-ping', intervalMs: 20_000, message: 'ping', timeoutMs: 10_000 });
    expect(okxStream).toMatchObject({ sequencing: 'consecutive', connectAttempts: { max: 3, windowMs: 1000 } });
    expect(okx).toMatchObject({ venue: 'okx', defaults: { wsUrl: 'wss://ws.okx.com:8443/ws/v5/public', restUrl: 'https://www.okx.com' } });
  });
});
