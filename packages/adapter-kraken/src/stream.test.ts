import type { InstrumentInfo } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../test/helpers.js';
import { kraken } from './index.js';
import { buildConnectPlan, buildPing, buildSubscribe, buildUnsubscribe, krakenStream, MAX_STREAMS_PER_CONNECTION } from './stream.js';

describe('krakenStream', () => {
  it('connects to the v2 URL and subscribes to trades with an explicit snapshot', () => {
    expect(krakenStream.connect('wss://ws.kraken.com/v2/', INSTRUMENTS.slice(0, 2))).toEqual({
      url: 'wss://ws.kraken.com/v2',
      subscribe: ['{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","ETH/USD"],"snapshot":true},"req_id":1}'],
    });
  });

  it('matches the documented request shapes', () => {
    expect(JSON.parse(buildSubscribe(['BTC/USD']))).toEqual({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: true } });
    expect(JSON.parse(buildSubscribe(['BTC/USD'], 3, false))).toEqual({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false }, req_id: 3 });
    expect(JSON.parse(buildUnsubscribe(['BTC/USD'], 4))).toEqual({ method: 'unsubscribe', params: { channel: 'trade', symbol: ['BTC/USD'] }, req_id: 4 });
    expect(buildPing(101)).toBe('{"method":"ping","req_id":101}');
    expect(buildPing()).toBe('{"method":"ping"}');
  });

  it('refuses empty and oversized connections', () => {
    const many: InstrumentInfo[] = Array.from({ length: MAX_STREAMS_PER_CONNECTION + 1 }, (_, i) => ({ instrument: `A${i}-USD`, symbol: `A${i}/USD`, base: `A${i}`, quote: 'USD' }));
    expect(() => buildConnectPlan('wss://x', [])).toThrowError(RangeError);
    expect(() => buildConnectPlan('wss://x', many)).toThrowError(RangeError);
  });

  it('states the heartbeat rule and sequencing', () => {
    expect(krakenStream).toMatchObject({ heartbeat: { kind: 'server-message', intervalMs: 1000 }, sequencing: 'consecutive', maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION });
    expect(kraken).toMatchObject({ venue: 'kraken', defaults: { wsUrl: 'wss://ws.kraken.com/v2', restUrl: 'https://api.kraken.com' } });
  });
});
