import { describe, expect, it } from 'vitest';
import { USAGE, parseCli } from '../cli.js';

// The command's --venue flag (the Binance defaults are covered by src/cli.test.ts).
describe('parseCli --venue', () => {
  it('picks a venue and its default symbol, keeping the venue-neutral flags', () => {
    expect(parseCli(['--venue', 'coinbase'])).toEqual({ help: false, venue: 'coinbase', options: { port: 9443, rate: 10, symbols: ['BTC-USD'] } });
    expect(parseCli(['--venue', 'kraken', '--port', '0'])).toMatchObject({ venue: 'kraken', options: { symbols: ['BTC/USD'], port: 0 } });
    expect(parseCli(['--venue', 'okx', '--symbols', 'BTC-USDT,ETH-USDT', '--skip-prob', '0.1'])).toMatchObject({
      venue: 'okx',
      options: { symbols: ['BTC-USDT', 'ETH-USDT'], chaos: { skipProbability: 0.1 } },
    });
    expect(parseCli(['--venue', 'bybit'])).toMatchObject({ venue: 'bybit', options: { symbols: ['BTCUSDT'] } });
    expect(parseCli(['--venue', 'binance'])).toEqual(parseCli([]));
  });

  it('refuses an unknown venue and Binance-only rule flags elsewhere', () => {
    expect(() => parseCli(['--venue', 'ftx'])).toThrow(/--venue must be one of/);
    expect(() => parseCli(['--venue', 'okx', '--ping-interval-ms', '100'])).toThrow(/binance only/);
    expect(USAGE).toContain('--venue');
  });
});
