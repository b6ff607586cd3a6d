import type { InstrumentInfo } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../test/helpers.js';
import { binanceStream, buildConnectUrl, buildListSubscriptions, buildSubscribe, buildUnsubscribe, MAX_STREAMS_PER_CONNECTION, tradeStreamName } from './stream.js';

describe('binanceStream', () => {
  it('connects to a combined-stream URL with lowercase trade streams and microsecond times, no subscribe messages', () => {
    const plan = binanceStream.connect('wss://stream.binance.com:9443', INSTRUMENTS.slice(0, 2));
    expect(plan).toEqual({ url: 'wss://stream.binance.com:9443/stream?streams=btcusdt@trade/ethusdt@trade&timeUnit=MICROSECOND', subscribe: [] });
    expect(new URL(plan.url).searchParams.get('streams')).toBe('btcusdt@trade/ethusdt@trade');
  });

  it('tolerates a trailing slash on the base URL', () => {
    expect(buildConnectUrl('ws://127.0.0.1:9000/', INSTRUMENTS.slice(0, 1))).toBe('ws://127.0.0.1:9000/stream?streams=btcusdt@trade&timeUnit=MICROSECOND');
  });

  it('refuses more streams than one connection may carry', () => {
    const many: InstrumentInfo[] = Array.from({ length: MAX_STREAMS_PER_CONNECTION + 1 }, (_, i) => ({ instrument: `A${i}-USDT`, symbol: `A${i}USDT`, base: `A${i}`, quote: 'USDT' }));
    expect(() => buildConnectUrl('wss://x', many)).toThrowError(RangeError);
    expect(buildConnectUrl('wss://x', many.slice(0, MAX_STREAMS_PER_CONNECTION)).split('@trade').length - 1).toBe(MAX_STREAMS_PER_CONNECTION);
  });

  it('states the documented limits and heartbeat rule', () => {
    expect(binanceStream).toMatchObject({
      maxStreamsPerConnection: 1024,
      connectionLifetimeMs: 86_400_000,
      maxClientMessagesPerSecond: 5,
      connectAttempts: { max: 300, windowMs: 300_000 },
      heartbeat: { kind: 'server-ping', intervalMs: 20_000, pongDeadlineMs: 60_000 },
      sequencing: 'consecutive',
    });
  });

  it('names trade streams in lowercase', () => {
    expect(tradeStreamName('BTCUSDT')).toBe('btcusdt@trade');
  });
});

describe('control messages', () => {
  it('match the documented requests', () => {
    expect(JSON.parse(buildSubscribe(['btcusdt@trade'], 1))).toEqual({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 });
    expect(buildSubscribe(['btcusdt@trade'], 1)).toBe('{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}');
    expect(buildUnsubscribe(['btcusdt@trade', 'ethusdt@trade'], 'abc123')).toBe('{"method":"UNSUBSCRIBE","params":["btcusdt@trade","ethusdt@trade"],"id":"abc123"}');
    expect(buildListSubscriptions(3)).toBe('{"method":"LIST_SUBSCRIPTIONS","id":3}');
    expect(buildListSubscriptions(null)).toBe('{"method":"LIST_SUBSCRIPTIONS","id":null}');
  });

  it.each([1.5, 'has space', 'x'.repeat(37), '', Number.NaN])('refuses the request id %j', (id) => {
    expect(() => buildSubscribe(['btcusdt@trade'], id)).toThrowError(RangeError);
  });
});
