import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainEnv, runCli } from './helpers.js';

describe('help and usage errors', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: tickgate <command> \[options\]/);
    for (const command of ['gateway', 'sim', 'check-config', 'tail', 'replay', 'help']) expect(r.stdout).toContain(`  ${command} `);
    expect(r.stderr).toBe('');
  });

  it('tail --help prints the tail help with its flags', async () => {
    const r = await runCli(['tail', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tickgate tail [venue] [instrument] [options]');
    for (const flag of ['--servers', '--status', '--no-status', '--json', '--count']) expect(r.stdout).toContain(flag);
  });

  it('gateway --help adds the gateway’s own flags', async () => {
    const r = await runCli(['gateway', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tickgate gateway');
    expect(r.stdout).toContain("The gateway's own help:");
    expect(r.stdout).toContain('--check-config');
  });

  it('an unknown command is one error line plus the usage, exit 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, second, third] = r.stderr.split('\n');
    expect(first).toBe("tickgate: unknown command 'frobnicate'");
    expect(second).toBe('');
    expect(third).toBe('Usage: tickgate <command> [options]');
  });

  it('an unknown flag of a command names the command and shows its usage, exit 2', async () => {
    const r = await runCli(['tail', '--bogus']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe("tickgate tail: unknown option '--bogus'");
    expect(lines[2]).toBe('Usage: tickgate tail [venue] [instrument] [options]');
  });
});

describe('check-config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickgate-cli-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => {
    const e = plainEnv();
    for (const key of Object.keys(e)) if (key.startsWith('TICKGATE_')) delete e[key];
    return e;
  };

  it('accepts a good YAML file: ok line and a summary, exit 0', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      ['nats:', '  servers: [nats://127.0.0.1:4222]', 'feeds:', '  - venue: binance', '    instruments: [BTC-USDT, ETH-USDT]', ''].join('\n'),
    );
    const r = await runCli(['check-config', file], env());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`ok: ${file}\n1 feed, 2 instruments (binance: BTC-USDT, ETH-USDT) -> NATS nats://127.0.0.1:4222 (jetstream, stream MD)\n`);
    // the gateway's own --check-config prints the very same effective config
    const own = await runCli(['gateway', '--check-config', '--config', file], env());
    expect(own.code).toBe(0);
    expect(r.stdout).toBe(own.stdout);
    const effective = JSON.parse(r.stdout) as { feeds: Array<Record<string, unknown>> };
    expect(effective.feeds[0]).toMatchObject({ name: 'binance', wsUrl: 'wss://stream.binance.com:9443', restUrl: 'https://api.binance.com', rest: { weightLimit: 6000, windowMs: 60000 } });
    expect(effective.feeds[0]!['connection']).toMatchObject({ staleAfterMs: expect.any(Number), backoffBaseMs: 500, backoffCapMs: 30000, healthyAfterMs: 30000 });
  });

  it('rejects a misspelt venue as the gateway does, exit 2', async () => {
    const file = join(dir, 'venue.yaml');
    writeFileSync(file, ['feeds:', '  - venue: binanse', '    instruments: [BTC-USDT]', ''].join('\n'));
    const r = await runCli(['check-config', file], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tickgate: config error: feeds\.0\.venue: unknown venue "binanse" \(known: binance, bybit, coinbase, kraken, okx\)\n$/);
  });

  it('masks passwords and tokens, in keys, URLs and from the environment', async () => {
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, ['nats:', '  servers: [nats://gw:url-secret@127.0.0.1:4222]', '  user: gateway', 'feeds:', '  - venue: binance', '    instruments: [BTC-USDT]', ''].join('\n'));
    const r = await runCli(['check-config', file], { ...env(), TICKGATE_NATS_PASS: 'env-secret' });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/url-secret|env-secret/);
    const nats = (JSON.parse(r.stdout) as { nats: Record<string, unknown> }).nats;
    expect(nats).toMatchObject({ servers: ['nats://gw:***@127.0.0.1:4222'], user: 'gateway', pass: '***' });
  });

  it('rejects a bad file with the gateway’s one-line error naming the path, exit 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ['nats:', '  servers: [nats://127.0.0.1:4222]', 'feeds:', '  - venue: binance', '    instruments: [btcusdt]', ''].join('\n'));
    const r = await runCli(['check-config', file], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tickgate: config error: .*feeds\.0\.instruments\.0.*BASE-QUOTE.*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2); // one line
  });

  it('rejects an unknown key, exit 2', async () => {
    const file = join(dir, 'unknown-key.yaml');
    writeFileSync(file, ['nats:', '  bogus: 1', 'feeds:', '  - venue: binance', '    instruments: [BTC-USDT]', ''].join('\n'));
    const r = await runCli(['check-config', file], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tickgate: config error: nats.bogus: unknown key\n');
  });
});
