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

  it('help <command>, <command> --help and -h print the same text', async () => {
    const [a, b, c] = await Promise.all([runCli(['help', 'tail']), runCli(['tail', '--help']), runCli(['tail', 'binance', '-h'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Usage: tickgate tail [venue] [instrument] [options]');
    for (const flag of ['--servers', '--status', '--no-status', '--json', '--count']) expect(a.stdout).toContain(flag);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
  });

  it('replay and check-config have their own help', async () => {
    const [replay, check] = await Promise.all([runCli(['replay', '--help']), runCli(['help', 'check-config'])]);
    expect(replay.code).toBe(0);
    for (const flag of ['--since', '--seq', '--until', '--until-seq', '--stream', '--status', '--json', '--follow']) expect(replay.stdout).toContain(flag);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Usage: tickgate check-config <file>');
  });

  it('gateway --help and help sim add the apps’ own flags', async () => {
    const [gateway, sim] = await Promise.all([runCli(['gateway', '--help']), runCli(['help', 'sim'])]);
    expect(gateway.code).toBe(0);
    expect(gateway.stdout).toContain('Usage: tickgate gateway');
    expect(gateway.stdout).toContain('--check-config');
    expect(sim.code).toBe(0);
    expect(sim.stdout).toContain('Usage: tickgate sim');
    expect(sim.stdout).toContain('--rate <n>');
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
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

  it('no command, an unknown top-level flag, and help for an unknown command exit 2', async () => {
    const [none, flag, help] = await Promise.all([runCli([]), runCli(['--frob']), runCli(['help', 'nope'])]);
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n')[0]).toBe('tickgate: missing command');
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')[0]).toBe("tickgate: unknown option '--frob'");
    expect(help.code).toBe(2);
    expect(help.stderr.split('\n')[0]).toBe("tickgate: unknown command 'nope'");
  });

  it('unknown flags and bad values of a command name the command and show its usage, exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['tail', '--bogus'], "tickgate tail: unknown option '--bogus'"],
      [['tail', 'binance', 'BTC-USDT', 'extra'], "tickgate tail: unexpected argument 'extra' (expected [venue] [instrument])"],
      [['tail', 'Bin@nce'], "tickgate tail: invalid venue 'Bin@nce' (a venue id such as 'binance', or '*')"],
      [['tail', '--count', '0'], "tickgate tail: --count must be a positive whole number, got '0'"],
      [['replay', 'binance'], 'tickgate replay: missing --since <when> or --seq <n> (where the replay starts)'],
      [['replay', '--seq', '1', '--since', '10m'], 'tickgate replay: give either --since or --seq, not both'],
      [['replay', '--since', 'yesterday'], "tickgate replay: --since must be a duration such as 10m, 2h, 1d, 1h30m or an ISO time such as 2024-05-01T12:00:00Z, got 'yesterday'"],
      [['check-config'], 'tickgate check-config: missing config file'],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.split('\n');
      expect(lines[0], args.join(' ')).toBe(message);
      expect(lines[2], args.join(' ')).toMatch(new RegExp(`^Usage: tickgate ${args[0]} `));
    });
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
    for (const key of ['TICKGATE_NATS_SERVERS', 'TICKGATE_LOG_LEVEL', 'TICKGATE_HTTP_PORT', 'TICKGATE_NATS_MODE']) delete e[key];
    return e;
  };

  it('accepts a good YAML file: ok line and a summary, exit 0', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      ['nats:', '  servers: [nats://127.0.0.1:4222]', 'feeds:', '  - venue: binance', '    instruments: [BTC-USDT, ETH-USDT]', ''].join('\n'),
    );
    const r = await runCli(['check-config', file], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: ${file}\n1 feed, 2 instruments (binance: BTC-USDT, ETH-USDT) -> NATS nats://127.0.0.1:4222 (jetstream, stream MD)\n`);
  });

  it('summarizes a JSON file with an embedded server and several feeds', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(
      file,
      JSON.stringify({
        nats: { mode: 'core', stream: 'TICKS' },
        feeds: [
          { venue: 'binance', instruments: ['BTC-USDT'] },
          { venue: 'binance', instruments: ['ETH-USDT', 'SOL-USDT'], name: 'binance-2' },
        ],
      }),
    );
    const r = await runCli(['check-config', file], env());
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('2 feeds, 3 instruments (binance: BTC-USDT; binance: ETH-USDT, SOL-USDT) -> an embedded nats-server (core, stream TICKS)');
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

  it('rejects an unknown key and a missing file, exit 2', async () => {
    const file = join(dir, 'unknown-key.yaml');
    writeFileSync(file, ['nats:', '  bogus: 1', 'feeds:', '  - venue: binance', '    instruments: [BTC-USDT]', ''].join('\n'));
    const [unknown, missing] = await Promise.all([runCli(['check-config', file], env()), runCli(['check-config', join(dir, 'nope.yaml')], env())]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('tickgate: config error: nats.bogus: unknown key\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`tickgate: config error: config file not found: ${join(dir, 'nope.yaml')}\n`);
  });
});
