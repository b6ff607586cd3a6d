import type { StatusEvent } from '@tickgate/client';
import { TradeTick } from '@tickgate/client';
import { describe, expect, it } from 'vitest';
import { createPainter } from './color.js';
import { clockTimeUs, formatStatus, formatTrade, isoTimeUs, msFromUs, wireJson } from './format.js';
import { parseSelection, resolveServers, UsageError } from './args.js';
import { parseWhen } from './commands/replay.js';
import { summarizeConfig } from './commands/check-config.js';

const plain = createPainter(false);
const trade = new TradeTick(
  {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    id: '42',
    price: '97123.45',
    quantity: '0.001',
    side: 'buy',
    tradeTime: 1_714_564_800_000_007,
    receiveTime: 1_714_564_800_001_257,
    source: 'ws',
  },
  'md.trade.binance.BTC-USDT',
);

describe('formatting', () => {
  it('keeps microseconds in times', () => {
    expect(isoTimeUs(1_714_564_800_123_456)).toBe('2024-05-01T12:00:00.123456Z');
    expect(isoTimeUs(1_714_564_800_000_007)).toBe('2024-05-01T12:00:00.000007Z');
    expect(clockTimeUs(1_714_564_800_123_456)).toBe('12:00:00.123456');
    expect(msFromUs(1250)).toBe('1.25');
  });

  it('writes a trade line with the decimal strings untouched', () => {
    expect(formatTrade(trade, plain, { recvToNowUs: 3_000 })).toBe(
      '12:00:00.000007  binance   BTC-USDT    BUY         97123.45         0.001  ws    id 42  recv→now 3.00 ms  exch→recv 1.25 ms',
    );
    expect(formatTrade(trade, plain, { fullTime: true })).toMatch(/^2024-05-01T12:00:00\.000007Z .* exch→recv 1\.25 ms$/);
    expect(formatTrade(trade, createPainter(true))).toContain('\u001b[32mBUY ');
  });

  it('writes status lines with a marker and the range', () => {
    const status = { v: 1, type: 'status', venue: 'binance', state: 'fallback', time: 1_714_564_800_000_000, reason: 'ws-down', subject: 'md.status.binance', seq: 9 } as StatusEvent;
    expect(formatStatus(status, plain)).toBe('12:00:00.000000  binance   *           ! FALLBACK  reason ws-down  seq 9');
    expect(wireJson(status)).toBe('{"v":1,"type":"status","venue":"binance","state":"fallback","time":1714564800000000,"reason":"ws-down"}');
    expect(JSON.parse(wireJson(trade))).toEqual(trade.wire);
  });
});

describe('arguments', () => {
  it('reads venue and instrument positionals', () => {
    expect(parseSelection('tail', [])).toEqual({});
    expect(parseSelection('tail', ['binance'])).toEqual({ venue: 'binance' });
    expect(parseSelection('tail', ['BTC-USDT'])).toEqual({ instrument: 'BTC-USDT' });
    expect(parseSelection('tail', ['*', 'eth-usdt'])).toEqual({ instrument: 'ETH-USDT' });
    expect(parseSelection('tail', ['Binance', 'BTC-USDT'])).toEqual({ venue: 'binance', instrument: 'BTC-USDT' });
    expect(() => parseSelection('tail', ['binance', 'BTCUSDT'])).toThrow(UsageError);
  });

  it('finds NATS servers in the flag, then NATS_URL, then the default', () => {
    expect(resolveServers(['nats://a:1,nats://b:2', 'nats://c:3'], { NATS_URL: 'nats://x:4' })).toEqual(['nats://a:1', 'nats://b:2', 'nats://c:3']);
    expect(resolveServers(undefined, { NATS_URL: 'nats://x:4' })).toEqual(['nats://x:4']);
    expect(resolveServers(undefined, {})).toEqual(['nats://127.0.0.1:4222']);
  });

  it('reads --since as a duration or an ISO time', () => {
    const now = Date.UTC(2024, 4, 1, 12);
    expect(parseWhen('--since', '10m', now).toISOString()).toBe('2024-05-01T11:50:00.000Z');
    expect(parseWhen('--since', '1h30m', now).toISOString()).toBe('2024-05-01T10:30:00.000Z');
    expect(parseWhen('--since', '2024-04-30T08:00:00Z', now).toISOString()).toBe('2024-04-30T08:00:00.000Z');
    expect(() => parseWhen('--since', '2024-13-45T00:00:00Z', now)).toThrow(UsageError);
    expect(() => parseWhen('--since', '-5m', now)).toThrow(UsageError);
  });

  it('summarizes a checked config', () => {
    expect(summarizeConfig({ nats: { servers: [], mode: 'jetstream', stream: 'MD' }, feeds: [{ venue: 'binance', instruments: ['BTC-USDT'] }] })).toBe(
      '1 feed, 1 instrument (binance: BTC-USDT) -> an embedded nats-server (jetstream, stream MD)',
    );
  });
});
