import type { InstrumentInfo } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../test/helpers.js';
import { bybit } from './index.js';
import { ARGS_PER_REQUEST, buildConnectPlan, buildSubscribe, buildUnsubscribe, bybitStream, MAX_STREAMS_PER_CONNECTION, PING_MESSAGE } from './stream.js';

describe('bybitStream', () => {
  it('subscribes to publicTrade topics with the documented message', () => {
    expect(bybitStream.connect('wss://stream.bybit.com/v5/public/spot', INSTRUMENTS)).toEqual({
      url: 'wss://stream.bybit.com/v5/public/spot',
      subscribe: ['{"req_id":"sub-1","op":"subscribe","args":["publicTrade.BTCUSDT","publicTrade.ETHUSDT"]}'],
    });
    expect(JSON.parse(buildSubscribe(['BTCUSDT'], 'test'))).toEqual({ req_id: 'test', op: 'subscribe', args: ['publicTrade.BTCUSDT'] });
    expect(JSON.parse(buildUnsubscribe(['BTCUSDT']))).toEqual({ op: 'unsubscribe', args: ['publicTrade.BTCUSDT'] });
  });

  it('splits subscriptions into requests of 10 topics and refuses empty or oversized connections', () => {
    const many: InstrumentInfo[] = Array.from({ length: MAX_STREAMS_PER_CONNECTION + 1 }, (_, i) => ({ instrument: `A${i}-USDT`, symbol: `A${i}USDT`, base: `A${i}`, quote: 'USDT' }));
    const plan = buildConnectPlan('wss://x', many.slice(0, 25));
    expect(plan.subscribe).toHaveLength(3);
    for (const m of plan.subscribe) expect((JSON.parse(m) as { args: string[] }).args.length).toBeLessThanOrEqual(ARGS_PER_REQUEST);
    expect(() => buildConnectPlan('wss://x', many)).toThrowError(RangeError);
    expect(() => buildConnectPlan('wss://x', [])).toThrowError(RangeError);
  });

  it('pings with op ping every 20 s; ids are not consecutive', () => {
    expect(JSON.parse(PING_MESSAGE)).toEqual({ req_id: 'tickgate-ping', op: 'ping' });
    expect(bybitStream.heartbeat).toEqual({ kind: 'client-ping', intervalMs: 20_000, message: PING_MESSAGE, timeoutMs: 10_000 });
    expect(bybitStream).toMatchObject({ sequencing: 'none', connectAttempts: { max: 500, windowMs: 300_000 } });
    expect(bybit).toMatchObject({ venue: 'bybit', defaults: { wsUrl: 'wss://stream.bybit.com/v5/public/spot', restUrl: 'https://api.bybit.com' } });
  });
});
