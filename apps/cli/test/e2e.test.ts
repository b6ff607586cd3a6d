import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { canonicalDecimal, type Trade } from '@tickgate/schema';
import { freePort, NatsServer } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './helpers.js';

/** The built gateway (the test target builds its dependencies first). Spawned, never imported. */
const GATEWAY_MAIN = fileURLToPath(new URL('../../gateway/dist/main.js', import.meta.url));

describe('end to end: simulator → gateway process → nats-server → tickgate tail', () => {
  let nats: NatsServer | undefined;
  let sim: BinanceSim | undefined;
  let gateway: ChildProcess | undefined;
  let tail: CliProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await tail?.kill();
    if (gateway && gateway.exitCode === null && gateway.signalCode === null) {
      const exited = new Promise((resolve) => gateway!.once('exit', resolve));
      gateway.kill('SIGKILL');
      await exited;
    }
    await sim?.close();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    tail = gateway = sim = nats = dir = undefined;
  });

  it('tail binance BTC-USDT prints the simulator’s trades (ids, prices, sides) and replay finds them stored', async () => {
    nats = await NatsServer.start();
    sim = await startBinanceSim({ seed: 11 }); // manual mode: trades only when generated
    dir = mkdtempSync(join(tmpdir(), 'tickgate-cli-e2e-'));
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      JSON.stringify({
        nats: { servers: [nats.url] },
        http: { port: await freePort(), host: '127.0.0.1' },
        log: { level: 'info', pretty: false },
        feeds: [
          {
            venue: 'binance',
            instruments: ['BTC-USDT'],
            wsUrl: sim.wsUrl,
            restUrl: sim.restUrl,
            reconcile: { priceCheckIntervalMs: 0 },
            connection: { backoffBaseMs: 50, backoffCapMs: 200 },
          },
        ],
      }),
    );

    // The gateway as a process; its JSON log says when the feed is live.
    const gw = spawn(process.execPath, [GATEWAY_MAIN, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    gateway = gw;
    let gwOut = '';
    let gwErr = '';
    gw.stderr!.setEncoding('utf8').on('data', (chunk: string) => (gwErr += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway not live within 20 s\nstdout:\n${gwOut}\nstderr:\n${gwErr}`)), 20_000);
      gw.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        gwOut += chunk;
        if (gwOut.split('\n').some((line) => line.includes('"msg":"feed live"'))) {
          clearTimeout(timer);
          resolve();
        }
      });
      gw.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with ${code}\nstdout:\n${gwOut}\nstderr:\n${gwErr}`));
      });
    });

    tail = new CliProcess(['tail', 'binance', 'BTC-USDT', '--servers', nats.url]);
    await tail.waitFor((p) => p.stderr.includes('tail: listening on'), 'tail listening');

    const made = sim.market.generate('BTCUSDT', 8);
    const lineOf = (id: number) => tail!.lines().find((l) => new RegExp(` id ${id} `).test(l));
    await tail.waitFor(() => made.every((t) => lineOf(t.id) !== undefined), 'a line for each simulator trade');
    for (const t of made) {
      const line = lineOf(t.id)!;
      expect(line).toMatch(/ binance +BTC-USDT +(BUY|SELL) /);
      expect(line).toContain(` ${t.buyerIsMaker ? 'SELL' : 'BUY'} `);
      expect(line).toMatch(new RegExp(` ${canonicalDecimal(t.price).replace('.', '\\.')} +${canonicalDecimal(t.qty).replace('.', '\\.')} +ws +id ${t.id} `));
    }
    // In order, each once.
    const ids = tail.lines().flatMap((l) => / id (\d+) /.exec(l)?.[1] ?? []);
    expect(ids).toEqual(made.map((t) => String(t.id)));
    const done = await tail.stop('SIGINT');
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('tail: 8 trades');

    // The same trades are in the JetStream stream the gateway created.
    const replay = await runCli(['replay', 'binance', 'BTC-USDT', '--seq', '1', '--json', '--servers', nats.url]);
    expect(replay.code).toBe(0);
    const stored = replay.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Trade);
    expect(stored.map((t) => [t.id, t.price])).toEqual(made.map((t) => [String(t.id), canonicalDecimal(t.price)]));
  });
});
