import type { InstrumentInfo } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../test/helpers.js';
import { coinbase } from './index.js';
import { buildConnectPlan, buildSubscribe, buildUnsubscribe, coinbaseStream, MAX_STREAMS_PER_CONNECTION } from './stream.js';

describe('coinbaseStream', () => {
  it('connects to the base URL and subscribes to matches and heartbeat in one message', () => {
    const plan = coinbaseStream.connect('wss://ws-feed.exchange.coinbase.com/', INSTRUMENTS.slice(0, 2));
    expect(plan).toEqual({ url: 'wss://ws-feed.exchange.coinbase.com', subscribe: ['{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["matches","heartbeat"]}'] });
  });

  it('matches the documented subscribe message', () => {
    expect(JSON.parse(buildSubscribe(['BTC-USD']))).toEqual({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['matches', 'heartbeat'] });
    expect(JSON.parse(buildUnsubscribe(['BTC-USD']))).toEqual({ type: 'unsubscribe', product_ids: ['BTC-USD'], channels: ['matches', 'heartbeat'] });
  });

  it('refuses an empty connection and more products than one connection carries', () => {
    const many: InstrumentInfo[] = Array.from({ length: MAX_STREAMS_PER_CONNECTION + 1 }, (_, i) => ({ instrument: `A${i}-USD`, symbol: `A${i}-USD`, base: `A${i}`, quote: 'USD' }));
    expect(() => buildConnectPlan('wss://x', [])).toThrowError(RangeError);
    expect(() => buildConnectPlan('wss://x', many)).toThrowError(RangeError);
    expect(buildConnectPlan('wss://x', many.slice(1)).subscribe).toHaveLength(1);
  });

  it('states the heartbeat rule, sequencing and limits', () => {
    expect(coinbaseStream).toMatchObject({
      maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
      connectAttempts: { max: 8, windowMs: 1000 },
      heartbeat: { kind: 'server-message', intervalMs: 1000 },
      sequencing: 'consecutive',
    });
  });

  it('is the adapter object', () => {
    expect(coinbase.venue).toBe('coinbase');
    expect(coinbase.defaults).toEqual({ wsUrl: 'wss://ws-feed.exchange.coinbase.com', restUrl: 'https://api.exchange.coinbase.com' });
    expect(coinbase.stream).toBe(coinbaseStream);
  });
});
