import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEQUENCER_DEFAULTS } from '@tickgate/core';
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../test/config-error.js';
import { loadConfig, validateConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'tickgate-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const documented = {
  nats: { servers: ['nats://127.0.0.1:4222'], stream: 'MD' },
  http: { port: 9464 },
  feeds: [{ venue: 'binance', instruments: ['BTC-USDT'], wsUrl: 'wss://stream.binance.com:9443', restUrl: 'https://api.binance.com' }],
};


describe('gateway config', () => {
  it('accepts the documented keys exactly as shown, from JSON and YAML, with defaults filled in', () => {
    const fromJson = loadConfig(file('a.json', JSON.stringify(documented)), {});
    const fromYaml = loadConfig(
      file('a.yaml', 'nats:\n  servers: [nats://127.0.0.1:4222]\n  stream: MD\nhttp:\n  port: 9464\nfeeds:\n  - venue: binance\n    instruments: [BTC-USDT]\n    wsUrl: wss://stream.binance.com:9443\n    restUrl: https://api.binance.com\n'),
      {},
    );
    expect(fromYaml).toEqual(fromJson);
    expect(fromJson.nats).toMatchObject({ servers: ['nats://127.0.0.1:4222'], stream: 'MD', mode: 'jetstream', window: 1_000, maxBuffered: 4_000 });
    expect(fromJson.feeds[0]).toMatchObject({ venue: 'binance', instruments: ['BTC-USDT'], wsUrl: 'wss://stream.binance.com:9443' });
    expect(fromJson.feeds[0]!.reconcile.backfill).toBe(true);
  });

  it('defaults to Binance BTC-USDT with an embedded NATS server when no file is given', () => {
    const config = loadConfig(undefined, {});
    expect(config.feeds).toHaveLength(1);
    expect(config.feeds[0]).toMatchObject({ venue: 'binance', instruments: ['BTC-USDT'] });
    expect(config.nats.servers).toEqual([]);
  });

  it("takes the sequencer bounds' defaults from core, so that there is one set of them", () => {
    const { reconcile } = loadConfig(file('bounds.json', JSON.stringify(documented)), {}).feeds[0]!;
    expect(reconcile).toMatchObject({ holdTimeoutMs: SEQUENCER_DEFAULTS.holdTimeoutMs, maxHeld: SEQUENCER_DEFAULTS.maxHeld });
    // The values docs/configuration.md states.
    expect(reconcile).toMatchObject({ holdTimeoutMs: 30_000, maxHeld: 100_000 });
  });

  it('bounds the resume after a restart by reconcile.resumeLookbackMs: one hour by default, a positive whole number of ms', () => {
    const feed = (reconcile: Record<string, unknown>) => ({ ...documented, feeds: [{ ...documented.feeds[0], reconcile }] });
    expect(validateConfig(documented).feeds[0]!.reconcile.resumeLookbackMs).toBe(3_600_000);
    expect(validateConfig(feed({ resumeLookbackMs: 90_000 })).feeds[0]!.reconcile).toMatchObject({ resumeLookbackMs: 90_000, backfill: true });
    expect(errorOf(() => validateConfig(feed({ resumeLookbackMs: 0 }))).message).toMatch(/^feeds\.0\.reconcile\.resumeLookbackMs: /);
    expect(errorOf(() => validateConfig(feed({ resumeLookbackMs: -5 }))).message).toMatch(/^feeds\.0\.reconcile\.resumeLookbackMs: /);
    expect(errorOf(() => validateConfig(feed({ resumeLookbackMs: 1.5 }))).message).toMatch(/^feeds\.0\.reconcile\.resumeLookbackMs: /);
    expect(errorOf(() => validateConfig(feed({ resumeLookbackMs: '1h' }))).message).toMatch(/^feeds\.0\.reconcile\.resumeLookbackMs: expected number, received string$/);
    expect(errorOf(() => validateConfig(feed({ resumeLookBackMs: 1 }))).message).toMatch(/^feeds\.0\.reconcile\.resumeLookBackMs: unknown key$/);
  });

  it('applies environment overrides', () => {
    const config = loadConfig(file('b.json', JSON.stringify(documented)), {
      TICKGATE_NATS_SERVERS: 'nats://10.0.0.1:4222, nats://10.0.0.2:4222',
      TICKGATE_LOG_LEVEL: 'debug',
      TICKGATE_HTTP_PORT: '0',
      TICKGATE_NATS_MODE: 'core',
    });
    expect(config.nats.servers).toEqual(['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222']);
    expect(config.log.level).toBe('debug');
    expect(config.http.port).toBe(0);
    expect(config.nats.mode).toBe('core');
    expect(errorOf(() => loadConfig(undefined, { TICKGATE_HTTP_PORT: 'abc' })).message).toMatch(/^http\.port: TICKGATE_HTTP_PORT must be a port number/);
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown key', { ...documented, extra: 1 }, /^extra: unknown key$/],
    ['an unknown nested key', { ...documented, nats: { ...documented.nats, sever: 'x' } }, /^nats\.sever: unknown key$/],
    ['a wrong type', { ...documented, http: { port: '9464' } }, /^http\.port: expected number, received string$/],
    ['a bad WebSocket URL', { ...documented, feeds: [{ ...documented.feeds[0], wsUrl: 'https://x' }] }, /^feeds\.0\.wsUrl: not a WebSocket URL/],
    ['a bad REST URL', { ...documented, feeds: [{ ...documented.feeds[0], restUrl: 'not a url' }] }, /^feeds\.0\.restUrl: not a HTTP URL/],
    ['a bad NATS URL', { ...documented, nats: { servers: ['127.0.0.1:4222'] } }, /^nats\.servers\.0: not a NATS URL/],
    ['a bad instrument', { ...documented, feeds: [{ venue: 'binance', instruments: ['BTCUSDT'] }] }, /^feeds\.0\.instruments\.0: not a BASE-QUOTE instrument/],
    ['no feeds', { nats: {}, feeds: [] }, /^feeds: at least one feed$/],
    ['a buffer smaller than the window', { ...documented, nats: { window: 500, maxBuffered: 100 } }, /^nats\.maxBuffered: maxBuffered must be at least window/],
    ['missing feeds', { nats: {} }, /^feeds: expected array, received undefined$/],
    ['not an object', [1], /^\(root\): expected object/],
  ])('rejects %s with one line naming the path', (_name, raw, message) => {
    const error = errorOf(() => validateConfig(raw));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.code).toBe('TICKGATE_CONFIG');
  });

  it('names a missing file and a file that does not parse', () => {
    expect(errorOf(() => loadConfig(join(dir, 'nope.yaml'), {})).message).toMatch(/^config file not found: .*nope\.yaml$/);
    expect(errorOf(() => loadConfig(file('bad.json', '{"feeds": ['), {})).message).toMatch(/is not valid JSON/);
    expect(errorOf(() => loadConfig(file('bad.yaml', 'feeds: [\n  - venue: binance\n   bad'), {})).message).toMatch(/is not valid YAML/);
  });
});
