import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './helpers.js';

describe('gateway and sim run the apps in the foreground', () => {
  let cli: CliProcess | undefined;
  afterEach(async () => {
    await cli?.kill();
    cli = undefined;
  });

  it('sim: flags reach the simulator, SIGTERM is passed on, exit code 0 comes back', async () => {
    cli = new CliProcess(['sim', '--port', '0', '--rate', '0', '--symbols', 'ETHUSDT']);
    await cli.waitFor((p) => p.stdout.includes('binance-sim listening'), 'the simulator’s URL line');
    expect(cli.stdout).toMatch(/ws ws:\/\/127\.0\.0\.1:\d+\/ws\/ethusdt@trade .*symbols ETHUSDT, rate 0\/s/);
    const done = await cli.stop('SIGTERM');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('binance-sim: SIGTERM, closing');
  });

  it('sim: a bad flag is the simulator’s exit code 2', async () => {
    const r = await runCli(['sim', '--port', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port must be');
  });

  it('gateway: a bad config file is the gateway’s one error line and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickgate-cli-gw-'));
    try {
      const file = join(dir, 'gateway.yaml');
      writeFileSync(file, 'feeds: []\n');
      const r = await runCli(['gateway', '--config', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('tickgate: config error: feeds: at least one feed\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
