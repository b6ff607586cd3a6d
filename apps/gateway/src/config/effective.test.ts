import { defaultStaleAfterMs } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/config-error.js';
import { VENUES } from '../venues.js';
import { effectiveConfig, maskedConfig } from './effective.js';
import { applyEnv, validateConfig } from './load.js';

const effective = (raw: unknown) => effectiveConfig(validateConfig(raw), VENUES);


describe('effectiveConfig', () => {
  it('fills in every default from the venue: names, URLs, REST budget, connection timings', () => {
    const config = effective({ feeds: [{ venue: 'binance', instruments: ['BTC-USDT'] }, { venue: 'kraken', instruments: ['BTC-USD'] }, { venue: 'kraken', instruments: ['ETH-USD'] }] });
    const [binance, kraken1, kraken2] = config.feeds;
    expect(binance).toMatchObject({
      name: 'binance',
      wsUrl: VENUES['binance']!.defaults.wsUrl,
      restUrl: VENUES['binance']!.defaults.restUrl,
      rest: { weightLimit: VENUES['binance']!.rest.limits.weightPerMinute, windowMs: 60_000, safetyFraction: 0.8 },
      connection: {
        lifetimeMs: VENUES['binance']!.stream.connectionLifetimeMs,
        staleAfterMs: defaultStaleAfterMs(VENUES['binance']!.stream.heartbeat),
        backoffBaseMs: 500,
        backoffCapMs: 30_000,
        healthyAfterMs: 30_000,
      },
    });
    expect([kraken1!.name, kraken2!.name]).toEqual(['kraken-1', 'kraken-2']);
    // running with the printed config is running with the same config
    expect(effective(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it('fills the book settings and refuses channels a venue does not have', () => {
    const [trades] = effective({ feeds: [{ venue: 'binance', instruments: ['BTC-USDT'] }] }).feeds;
    expect(trades).toMatchObject({ channels: ['trades'], book: { depth: 20, snapshotDepth: 1000, snapshotIntervalMs: 30_000 } });
    const [okxBook] = effective({ feeds: [{ venue: 'okx', instruments: ['BTC-USDT'], channels: ['trades', 'book'], book: { depth: 50 } }] }).feeds;
    expect(okxBook!.book).toEqual({ depth: 50, snapshotDepth: 400, snapshotIntervalMs: 30_000 });
    expect(errorOf(() => effective({ feeds: [{ venue: 'kraken', instruments: ['BTC-USD'], channels: ['trades', 'book'] }] })).message).toMatch(/^feeds\.0\.channels: kraken has no book or bbo channels yet/);
    expect(errorOf(() => effective({ feeds: [{ venue: 'okx', instruments: ['BTC-USDT'], channels: ['trades', 'book'], book: { depth: 500 } }] })).message).toMatch(/^feeds\.0\.book\.depth: okx serves at most 400 levels/);
    expect(errorOf(() => effective({ feeds: [{ venue: 'binance', instruments: ['BTC-USDT'], channels: ['book'] }] })).message).toMatch(/^feeds\.0\.channels: a feed carries trades/);
    expect(errorOf(() => effective({ feeds: [{ venue: 'binance', instruments: ['BTC-USDT'], channels: ['trades', 'trades'] }] })).message).toMatch(/listed twice/);
  });

  it('keeps what the file sets', () => {
    const [feed] = effective({ feeds: [{ venue: 'okx', instruments: ['BTC-USDT'], name: 'main', rest: { weightLimit: 10 }, connection: { staleAfterMs: 1234 } }] }).feeds;
    expect(feed).toMatchObject({ name: 'main', rest: { weightLimit: 10 }, connection: { staleAfterMs: 1234 } });
  });

  it('names an unknown venue, a repeated feed name and an unreadable NATS file by their keys', () => {
    expect(errorOf(() => effective({ feeds: [{ venue: 'binanse', instruments: ['BTC-USDT'] }] })).message).toBe(
      'feeds.0.venue: unknown venue "binanse" (known: binance, bybit, coinbase, kraken, okx)',
    );
    expect(errorOf(() => effective({ feeds: [{ venue: 'okx', instruments: ['BTC-USDT'], name: 'x' }, { venue: 'bybit', instruments: ['BTC-USDT'], name: 'x' }] })).message).toMatch(
      /^feeds\.1\.name: feed name "x" is already the name of feeds\.0/,
    );
    expect(errorOf(() => effective({ nats: { credsFile: '/nonexistent/gw.creds' }, feeds: [{ venue: 'okx', instruments: ['BTC-USDT'] }] })).message).toMatch(
      /^nats: cannot read the NATS creds file \/nonexistent\/gw\.creds: no such file/,
    );
  });
});

describe('NATS login keys', () => {
  const feeds = [{ venue: 'binance', instruments: ['BTC-USDT'] }];

  it('accept credentials in URLs, and refuse two ways of logging in or a user without a password', () => {
    expect(validateConfig({ nats: { servers: ['nats://gw:pw@127.0.0.1:4222'] }, feeds }).nats.servers).toEqual(['nats://gw:pw@127.0.0.1:4222']);
    expect(errorOf(() => validateConfig({ nats: { user: 'gw', pass: 'pw', token: 't' }, feeds })).message).toMatch(/one way of logging in/);
    expect(errorOf(() => validateConfig({ nats: { user: 'gw' }, feeds })).message).toMatch(/^nats\.pass: a user needs a password/);
    expect(errorOf(() => validateConfig({ nats: { tls: { keyFile: '/k.pem' } }, feeds })).message).toMatch(/^nats\.tls: a client certificate needs both/);
  });

  it('take TICKGATE_NATS_USER, _PASS, _TOKEN and _CREDS from the environment', () => {
    const raw = applyEnv({ feeds }, { TICKGATE_NATS_USER: 'gw', TICKGATE_NATS_PASS: 'pw' });
    expect(validateConfig(raw).nats).toMatchObject({ user: 'gw', pass: 'pw' });
    expect(validateConfig(applyEnv({ feeds }, { TICKGATE_NATS_TOKEN: 'tok' })).nats.token).toBe('tok');
    expect(validateConfig(applyEnv({ feeds }, { TICKGATE_NATS_CREDS: '/etc/gw.creds' })).nats.credsFile).toBe('/etc/gw.creds');
  });

  it('are masked when the config is printed', () => {
    const printed = JSON.stringify(maskedConfig(validateConfig({ nats: { servers: ['nats://gw:urlpw@h:4222', 'nats://tok3n@h2:4222'], user: 'gw', pass: 'pw' }, feeds })));
    expect(printed).not.toMatch(/urlpw|tok3n|"pw"/);
    expect(printed).toContain('"servers":["nats://gw:***@h:4222","nats://***@h2:4222"]');
    expect(printed).toContain('"pass":"***"');
    expect(JSON.stringify(maskedConfig(validateConfig({ nats: { token: 'abc' }, feeds })))).toContain('"token":"***"');
  });
});
