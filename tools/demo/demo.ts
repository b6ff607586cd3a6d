/**
 * `npm run demo`: the whole pipeline on one machine, no internet needed — the Binance simulator, the
 * gateway (with its embedded nats-server) and a console consumer printing normalized ticks.
 * Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TickgateClient } from '@tickgate/client';
import { startBinanceSim } from '@tickgate/exchange-sim/binance';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rate = Number(process.env['DEMO_RATE'] ?? 5);

const sim = await startBinanceSim({ rate, seed: Date.now() % 100_000, symbols: ['BTCUSDT', 'ETHUSDT'] });
console.log(`simulator: ${sim.wsUrl} (WebSocket) and ${sim.restUrl} (REST), ${rate} trades/s per symbol`);

const dir = mkdtempSync(join(tmpdir(), 'tickgate-demo-'));
const config = join(dir, 'gateway.json');
writeFileSync(
  config,
  JSON.stringify({
    http: { port: 0 },
    log: { level: 'info', pretty: false },
    feeds: [{ venue: 'binance', instruments: ['BTC-USDT', 'ETH-USDT'], wsUrl: sim.wsUrl, restUrl: sim.restUrl }],
  }),
);
const gateway = spawn(process.execPath, ['--conditions=@tickgate/source', '--import', 'tsx', join(root, 'apps/gateway/src/main.ts'), '--config', config], {
  stdio: ['ignore', 'pipe', 'inherit'],
  cwd: root,
});

const natsUrl = await new Promise<string>((resolveUrl, reject) => {
  let buffer = '';
  gateway.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it was ready`)));
  gateway.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const log = JSON.parse(line) as { msg?: string; nats?: string; level?: number };
        if (log.msg === 'gateway running' && log.nats) resolveUrl(log.nats);
        else if ((log.level ?? 0) >= 40) console.log(`gateway: ${log.msg}`);
      } catch {
        /* not a log line */
      }
    }
  });
});
console.log(`gateway: publishing to ${natsUrl} (subjects md.trade.binance.*, JetStream stream MD)\n`);

const client = await TickgateClient.connect({ servers: natsUrl });
const ticks = client.trades({ venue: 'binance', includeStatus: true });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await ticks.close();
  await client.close();
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  await sim.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGHUP', () => void stop());
// However the demo ends, its gateway (and with it the embedded nats-server) must not outlive it.
process.on('exit', () => {
  if (gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGTERM');
});

for await (const value of ticks) {
  if (value.type === 'status') {
    console.log(`status  ${value.venue} ${value.instrument ?? ''} ${value.state}${value.reason ? ` (${value.reason})` : ''}`);
    continue;
  }
  const side = value.side === 'buy' ? 'BUY ' : 'SELL';
  const notional = value.notional().toFixed(2);
  console.log(`${value.instrument.padEnd(9)} ${side} ${value.quantity.padStart(10)} @ ${value.price.padStart(10)}  = ${notional.padStart(10)}  id ${value.id}  latency ${(value.latencyUs() / 1000).toFixed(2)} ms`);
}
