import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DEFAULT_RATE, USAGE, listenFailure, parseCli } from './cli.js';

describe('parseCli', () => {
  it('uses the command defaults', () => {
    expect(parseCli([])).toEqual({ help: false, options: { port: DEFAULT_PORT, rate: DEFAULT_RATE, symbols: ['BTCUSDT'] } });
    expect(parseCli(['--help'])).toEqual({ help: true });
  });

  it('reads market, rule and fault flags', () => {
    const result = parseCli([
      '--port', '0', '--seed', '42', '--rate', '50', '--symbols', 'BTCUSDT, ETHUSDT',
      '--burst-size', '20', '--burst-every-ms', '1000', '--trade-id-start', '1000',
      '--ping-interval-ms', '100', '--pong-timeout-ms', '300', '--max-streams', '10',
      '--weight-limit', '100', '--ban-ms', '5000',
      '--skip-prob', '0.01', '--malformed-prob', '0.5', '--drop-every-ms', '30000', '--rest-latency-ms', '20',
    ]);
    expect(result).toEqual({
      help: false,
      options: {
        seed: 42,
        tradeIdStart: 1000,
        port: 0,
        rate: 50,
        symbols: ['BTCUSDT', 'ETHUSDT'],
        burst: { size: 20, everyMs: 1000 },
        ws: { pingIntervalMs: 100, pongTimeoutMs: 300, maxStreams: 10 },
        rest: { weightLimit: 100, banMs: 5000 },
        chaos: { skipProbability: 0.01, malformedProbability: 0.5, dropEveryMs: 30000, restLatencyMs: 20 },
      },
    });
  });

  it('reads the book flags, for the venues with books only', () => {
    expect(parseCli(['--books'])).toMatchObject({ options: { books: true } });
    expect(parseCli(['--venue', 'okx', '--books', '--book-interval-ms', '50'])).toMatchObject({ venue: 'okx', options: { books: { intervalMs: 50 } } });
    expect(parseCli([])).not.toHaveProperty('options.books');
    expect(() => parseCli(['--book-interval-ms', '50'])).toThrow(/--books/);
    expect(() => parseCli(['--venue', 'kraken', '--books'])).toThrow(/--books/);
    expect(USAGE).toContain('--books');
  });

  it('names the bad flag', () => {
    expect(() => parseCli(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseCli(['--skip-prob', '2'])).toThrow(/--skip-prob/);
    expect(() => parseCli(['--burst-size', '3'])).toThrow(/--burst-every-ms/);
    expect(() => parseCli(['--bogus'])).toThrow(/bogus/);
  });

  it('documents every flag in the usage text', () => {
    for (const flag of ['--port', '--seed', '--rate', '--symbols', '--ping-interval-ms', '--skip-prob', '--rest-error-prob']) {
      expect(USAGE).toContain(flag);
    }
  });
});

describe('listenFailure', () => {
  const listenError = (code: string, extra: object = {}) => Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen', ...extra });

  it('names the flag to change when the port or address cannot be had', () => {
    expect(listenFailure(listenError('EADDRINUSE', { address: '127.0.0.1', port: 9443 }))).toBe('port 9443 is already in use (set --port)');
    expect(listenFailure(listenError('EACCES', { address: '127.0.0.1', port: 80 }))).toBe('port 80 needs privileges this process does not have (set --port)');
    expect(listenFailure(listenError('EADDRNOTAVAIL', { address: '10.9.9.9', port: 9443 }))).toBe('address 10.9.9.9 is not on this machine (set --host)');
  });

  it('leaves every other error alone', () => {
    expect(listenFailure(listenError('EMFILE'))).toBeUndefined();
    expect(listenFailure(Object.assign(new Error('x'), { code: 'EADDRINUSE', syscall: 'connect' }))).toBeUndefined();
    expect(listenFailure(new Error('invalid symbol "x"'))).toBeUndefined();
    expect(listenFailure(null)).toBeUndefined();
    expect(listenFailure('text')).toBeUndefined();
  });
});
