import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './cli.js';
import type { Io } from './io.js';

/** Run the command line in this process with captured output. */
async function runHere(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => ({ isTTY: false, write: (chunk: string) => (append(chunk), true) }) as unknown as NodeJS.WriteStream;
  const io: Io = { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), env };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('usage errors (exit 2: one line, a blank line, the usage)', () => {
  const cases: Array<[string[], string, string]> = [
    [[], 'tickgate: missing command', 'Usage: tickgate <command>'],
    [['--frob'], "tickgate: unknown option '--frob'", 'Usage: tickgate <command>'],
    [['help', 'nope'], "tickgate: unknown command 'nope'", 'Usage: tickgate <command>'],
    [['help', 'tail', 'more'], "tickgate help: unexpected argument 'more'", 'Usage: tickgate help'],
    [['tail', 'binance', 'BTC-USDT', 'extra'], "tickgate tail: unexpected argument 'extra' (expected [venue] [instrument])", 'Usage: tickgate tail'],
    [['tail', 'Bin@nce'], "tickgate tail: invalid venue 'Bin@nce' (a venue id such as 'binance', or '*')", 'Usage: tickgate tail'],
    [['tail', 'binance', 'BTCUSDT'], "tickgate tail: invalid instrument 'BTCUSDT' (BASE-QUOTE such as 'BTC-USDT', or '*')", 'Usage: tickgate tail'],
    [['tail', '--count', '0'], "tickgate tail: --count must be a positive whole number, got '0'", 'Usage: tickgate tail'],
    [['tail', '--json=yes'], "tickgate tail: option '--json' does not take an argument", 'Usage: tickgate tail'],
    [['replay', 'binance'], 'tickgate replay: missing --since <when> or --seq <n> (where the replay starts)', 'Usage: tickgate replay'],
    [['replay', '--seq', '1', '--since', '10m'], 'tickgate replay: give either --since or --seq, not both', 'Usage: tickgate replay'],
    [['replay', '--seq', '1', '--until', '1m', '--until-seq', '3'], 'tickgate replay: give either --until or --until-seq, not both', 'Usage: tickgate replay'],
    [['replay', '--seq', '-1'], "tickgate replay: option '--seq' needs a value (write --seq=<value> for one that starts with '-')", 'Usage: tickgate replay'],
    [['replay', '--seq=-1'], "tickgate replay: --seq must be a positive whole number, got '-1'", 'Usage: tickgate replay'],
    [['replay', '--seq', '1.5'], "tickgate replay: --seq must be a positive whole number, got '1.5'", 'Usage: tickgate replay'],
    [['replay', '--since', 'yesterday'], "tickgate replay: --since must be a duration such as 10m, 2h, 1d, 1h30m or an ISO time such as 2024-05-01T12:00:00Z, got 'yesterday'", 'Usage: tickgate replay'],
    [['replay', '--seq', '1', '--stream', 'a.b'], "tickgate replay: invalid stream name 'a.b'", 'Usage: tickgate replay'],
    [['check-config'], 'tickgate check-config: missing config file', 'Usage: tickgate check-config'],
    [['check-config', 'a.yaml', 'b.yaml'], "tickgate check-config: unexpected argument 'b.yaml'", 'Usage: tickgate check-config'],
  ];
  it.each(cases)('%j', async (argv, message, usage) => {
    const r = await runHere(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(message);
    expect(lines[1]).toBe('');
    expect(lines[2]?.startsWith(usage)).toBe(true);
  });
});

describe('help', () => {
  it('every command has help with its flags', async () => {
    const expected: Record<string, string[]> = {
      tail: ['--servers', '--status', '--no-status', '--json', '--count', '--no-color'],
      replay: ['--since', '--seq', '--until', '--until-seq', '--follow', '--status', '--json', '--servers', '--stream'],
      'check-config': ['ok: <file>', 'exit 2'],
      help: ['tickgate help [command]'],
    };
    for (const [command, flags] of Object.entries(expected)) {
      const viaHelp = await runHere(['help', command]);
      const viaFlag = await runHere([command, '--help']);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toContain(`Usage: tickgate ${command}`);
      for (const flag of flags) expect(viaHelp.stdout, `${command} ${flag}`).toContain(flag);
      expect(viaFlag.stdout).toBe(viaHelp.stdout);
    }
  });

  it('help, -h and --version', async () => {
    const [help, short, version] = [await runHere(['help']), await runHere(['-h']), await runHere(['--version'])];
    expect(help.code).toBe(0);
    expect(short.stdout).toBe(help.stdout);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

// These start the built apps as children (the test target builds them first); the command itself runs here.
describe('commands that ask the apps', () => {
  const env = (): NodeJS.ProcessEnv => {
    const e = { ...process.env };
    for (const key of ['TICKGATE_NATS_SERVERS', 'TICKGATE_LOG_LEVEL', 'TICKGATE_HTTP_PORT', 'TICKGATE_NATS_MODE']) delete e[key];
    return e;
  };

  it('help sim adds the simulator’s own flags', async () => {
    const r = await runHere(['help', 'sim'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tickgate sim');
    expect(r.stdout).toContain('--rate <n>');
  });

  it('check-config summarizes a JSON file with an embedded server and several feeds, and names a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickgate-cli-config-'));
    try {
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
      const good = await runHere(['check-config', file], env());
      expect(good.code).toBe(0);
      expect(good.stderr).toBe(`ok: ${file}\n2 feeds, 3 instruments (binance: BTC-USDT; binance: ETH-USDT, SOL-USDT) -> an embedded nats-server (core, stream TICKS)\n`);
      expect((JSON.parse(good.stdout) as { feeds: Array<{ name: string }> }).feeds.map((f) => f.name)).toEqual(['binance-1', 'binance-2']);
      const missing = await runHere(['check-config', join(dir, 'nope.yaml')], env());
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`tickgate: config error: config file not found: ${join(dir, 'nope.yaml')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
