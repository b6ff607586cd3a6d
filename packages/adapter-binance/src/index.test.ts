import { describe, expect, it } from 'vitest';
import { binance, BINANCE_REST_URL, BINANCE_WS_URL, binanceRest, binanceStream } from './index.js';

describe('binance adapter', () => {
  it('is the venue binance with the default public endpoints', () => {
    expect(binance.venue).toBe('binance');
    expect(binance.defaults).toEqual({ wsUrl: 'wss://stream.binance.com:9443', restUrl: 'https://api.binance.com' });
    expect([BINANCE_WS_URL, BINANCE_REST_URL]).toEqual([binance.defaults.wsUrl, binance.defaults.restUrl]);
    expect(binance.stream).toBe(binanceStream);
    expect(binance.rest).toBe(binanceRest);
    expect(typeof binance.createParser).toBe('function');
  });
});
