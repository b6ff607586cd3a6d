/**
 * Micro-benchmark of the Binance simulator's trade path: CPU time of the simulator process per delivered
 * trade, the way the end-to-end benchmark drives it (`tools/bench/sim-worker.ts`): manual
 * `market.generate(symbol, n)` calls in batches of `--batch` trades spread over the symbols, every server
 * socket corked around each batch, the next batch only while each connection's backlog stays under 256 KiB.
 * The clients are separate processes (`count-client.ts`) that only count frames, so the figure is the
 * simulator's alone. Not a test: run by hand and compare figures measured in one sitting (the machine is
 * shared; `uptime` is printed before and after).
 *
 *   node --conditions=@tickgate/source --import tsx packages/exchange-sim/bench/trade-path.bench.ts \
 *     [--trades N] [--rounds R] [--symbols BTCUSDT,ETHUSDT] [--batch 400] [--clients 1] \
 *     [--history 20000] [--path '/stream?streams={streams}&timeUnit=MICROSECOND'] [--sim <module>] [--json out.json]
 *
 * `--path` is the connection URL's path; `{streams}` becomes the symbols' `@trade` streams joined with `/`
 * (the default is what the gateway opens; `/ws/{streams}` is a raw stream in milliseconds). `--clients 0`
 * measures the market and the fan-out with nobody subscribed. `--sim` imports `startBinanceSim` from another
 * module (e.g. a copy of an older tree) to compare two implementations in one sitting. Add `--cpu-prof` to
 * the node flags to see where the time goes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createBatchDriver, type BinanceSim, type BinanceSimOptions } from '../src/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const HIGH_WATER = 256 * 1024;

const { values: args } = parseArgs({
  options: {
    trades: { type: 'string', default: '500000' },
    rounds: { type: 'string', default: '5' },
    symbols: { type: 'string', default: 'BTCUSDT' },
    batch: { type: 'string', default: '400' },
    clients: { type: 'string', default: '1' },
    history: { type: 'string', default: '20000' },
    path: { type: 'string', default: '/stream?streams={streams}&timeUnit=MICROSECOND' },
    sim: { type: 'string' },
    json: { type: 'string' },
  },
});

const positive = (name: string, text: string, min = 1): number => {
  const n = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got ${text})`);
  return n;
};
const TRADES = positive('trades', args.trades);
const ROUNDS = positive('rounds', args.rounds);
const BATCH = positive('batch', args.batch);
const CLIENTS = positive('clients', args.clients, 0);
const HISTORY = positive('history', args.history);
const SYMBOLS = args.symbols.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');

const simModule = args.sim ? pathToFileURL(resolve(args.sim)).href : '../src/index.js';
const { startBinanceSim } = (await import(simModule)) as { startBinanceSim: (o: BinanceSimOptions) => Promise<BinanceSim> };
const sim = await startBinanceSim({ symbols: SYMBOLS, seed: 7, historySize: HISTORY });

function uptime(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

class Client {
  private waiting: ((total: number) => void) | undefined;
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { type: string; total: number }) => {
      if (m.type === 'reached') this.waiting?.(m.total);
    });
  }

  static async open(url: string): Promise<Client> {
    const child = fork(resolve(HERE, 'count-client.ts'), [url], { execArgv: ['--conditions=@tickgate/source', '--import', 'tsx'] });
    await new Promise<void>((ok, fail) => {
      child.once('exit', (code) => fail(new Error(`count-client exited with ${code}`)));
      child.on('message', (m: { type: string }) => {
        if (m.type === 'open') ok();
      });
    });
    return new Client(child);
  }

  until(total: number): Promise<number> {
    return new Promise((ok) => {
      this.waiting = ok;
      this.child.send({ type: 'expect', total });
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

const streams = SYMBOLS.map((s) => `${s.toLowerCase()}@trade`).join('/');
const url = `${sim.wsUrl}${args.path.replace('{streams}', streams)}`;
const clients: Client[] = [];
for (let i = 0; i < CLIENTS; i++) clients.push(await Client.open(url));
while (sim.connections.count < CLIENTS) await new Promise((r) => setTimeout(r, 5));

const { generate, backlog } = createBatchDriver(sim.market, SYMBOLS);

let delivered = 0;
async function round(): Promise<{ cpuUsPerTrade: number; userUsPerTrade: number; wallMs: number; waits: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let made = 0;
  let waits = 0;
  while (made < TRADES) {
    if (backlog() >= HIGH_WATER) {
      waits++;
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    const n = Math.min(BATCH, TRADES - made);
    generate(n);
    made += n;
    await new Promise((r) => setImmediate(r));
  }
  delivered += made;
  await Promise.all(clients.map((c) => c.until(delivered)));
  const cpu = process.cpuUsage(cpu0);
  return { cpuUsPerTrade: (cpu.user + cpu.system) / made, userUsPerTrade: cpu.user / made, wallMs: performance.now() - t0, waits };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const loadBefore = uptime();
console.log(`trade path: ${TRADES} trades per round, ${ROUNDS} rounds (+1 warm-up), batch ${BATCH}, symbols ${SYMBOLS.join(',')}, history ${HISTORY}, ${CLIENTS} client(s) on ${args.path}${args.sim ? `, sim ${args.sim}` : ''}`);
console.log(`load average before: ${loadBefore}`);
await round(); // warm-up: JIT, socket buffers
const rounds: Awaited<ReturnType<typeof round>>[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const result = await round();
  rounds.push(result);
  console.log(
    `  round ${r + 1}: ${result.cpuUsPerTrade.toFixed(3)} µs CPU/trade (user ${result.userUsPerTrade.toFixed(3)}), ` +
      `${((TRADES / result.wallMs) * 1000).toFixed(0)} trades/s wall, ${result.waits} backlog waits`,
  );
}
const summary = {
  trades: TRADES,
  rounds: ROUNDS,
  batch: BATCH,
  symbols: SYMBOLS,
  clients: CLIENTS,
  history: HISTORY,
  path: args.path,
  sim: args.sim ?? 'src',
  medianCpuUsPerTrade: median(rounds.map((r) => r.cpuUsPerTrade)),
  medianUserUsPerTrade: median(rounds.map((r) => r.userUsPerTrade)),
  medianTradesPerSecWall: median(rounds.map((r) => (TRADES / r.wallMs) * 1000)),
  loadBefore,
  loadAfter: uptime(),
};
console.log(
  `median: ${summary.medianCpuUsPerTrade.toFixed(3)} µs CPU/trade (user ${summary.medianUserUsPerTrade.toFixed(3)}), ` +
    `${summary.medianTradesPerSecWall.toFixed(0)} trades/s wall`,
);
console.log(`load average after: ${summary.loadAfter}`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(summary, null, 2)}\n`);

for (const c of clients) c.close();
await sim.close();
