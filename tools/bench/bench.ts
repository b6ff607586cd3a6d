/**
 * `npm run bench`: tickgate's benchmarks, each in separate processes, printed as a table and written as
 * JSON (`bench-results/bench-<date>.json`). Every figure is a median over repeated runs, with a ratio
 * against a baseline measured in the same run; the load averages are recorded with every section.
 *
 *   npm run bench -- [--quick] [--only norm,e2e,latency,memory] [--soak <seconds>] [--soak-rate <trades/s>]
 *                    [--runs <n>] [--window <seconds>] [--modes core,jetstream] [--js-window <n>] [--dist] [--cpu-prof <dir>]
 *                    [--gateway-node-args=<node flags>] [--out <file>]
 *
 * 1. norm     Binance trade-frame normalization, single core (packages/adapter-binance/bench/parse.bench.ts).
 * 2. e2e      simulator → gateway → NATS subscriber, saturated, in core and acknowledged (JetStream) mode,
 *             nothing lost; baselines: the NATS ceiling (plain publisher → subscriber) and the WebSocket
 *             ceiling (simulator → a client that only counts frames).
 * 3. latency  receive → subscriber p50/p99/p999 at 1k, 10k and 50k trades/s, both modes.
 * 3b. books   Binance depth deltas: parser, and parser + BookSync, against JSON.parse of the same frames.
 * 4. memory   gateway RSS with 200 instruments, and its growth over a soak (default 300 s; --quick 20 s).
 * 5. stall    gateway RSS before, during and after a NATS stall (nats-server stopped with SIGSTOP; default
 *             60 s, --quick 15 s, --stall <seconds>) at --soak-rate trades/s, with the default `nats.maxPending`
 *             against a baseline that holds everything (maxPending 10,000,000) in the same run.
 *
 * `--quick` runs every benchmark briefly (about two minutes). `--dist` runs the built gateway
 * (`apps/gateway/dist/main.js`; build it first) instead of its sources. `--cpu-prof <dir>` writes a
 * V8 CPU profile of each gateway process into `dir` (open it in Chrome DevTools).
 * `--gateway-node-args=<flags>` passes flags to the gateway's `node` (e.g. `--gateway-node-args=--max-semi-space-size=32`).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCH_DIR,
  ROOT,
  TS_NODE_FLAGS,
  childTail,
  freePort,
  load,
  median,
  procStats,
  request,
  round,
  sleep,
  spawnTracked,
  spawnTsWorker,
  stopChild,
  waitForPort,
} from './common.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'norm,books,e2e,latency,memory,stall' },
    stall: { type: 'string' },
    soak: { type: 'string' },
    'soak-rate': { type: 'string', default: '5000' },
    runs: { type: 'string' },
    window: { type: 'string' },
    dist: { type: 'boolean', default: false },
    out: { type: 'string' },
    modes: { type: 'string', default: 'core,jetstream' },
    'js-window': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'gateway-node-args': { type: 'string', default: '' },
    'nats-server': { type: 'string', default: process.env['NATS_SERVER'] ?? '/usr/sbin/nats-server' },
  },
});

const QUICK = args.quick;
const ONLY = new Set(args.only.split(',').map((s) => s.trim()));
const RUNS = Number(args.runs ?? (QUICK ? 2 : 5));
const WINDOW_MS = Number(args.window ?? (QUICK ? 3 : 8)) * 1000;
const SOAK_MS = Number(args.soak ?? (QUICK ? 20 : 300)) * 1000;
const SOAK_RATE = Number(args['soak-rate']);
const STALL_MS = Number(args.stall ?? (QUICK ? 15 : 60)) * 1000;
const NATS_SERVER = args['nats-server'];
const LATENCY_RATES = [1_000, 10_000, 50_000];
const MODES = args.modes.split(',').filter((m): m is 'core' | 'jetstream' => m === 'core' || m === 'jetstream');
const E2E_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT'];

const instrumentOf = (symbol: string) => `${symbol.slice(0, -4)}-${symbol.slice(-4)}`;

// ---------------------------------------------------------------------------------------------- stack

interface SubscriberReport {
  total: number;
  gaps: number;
  duplicates: number;
  malformed: number;
  lastIds: Record<string, number>;
  window: { count: number; spanMs: number; ratePerSec: number; latencyUs?: { p50: number; p99: number; p999: number; max: number } };
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

async function startNats(jetstream: boolean): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const store = tempDir('tickgate-bench-nats-');
  const child = spawnTracked(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), ...(jetstream ? ['-js', '-sd', store] : [])]);
  await waitForPort(port, 15_000);
  return { url: `nats://127.0.0.1:${port}`, child };
}

async function startWorker(file: string, workerArgs: readonly string[]): Promise<ChildProcess> {
  const child = spawnTsWorker(file, workerArgs);
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 60 s: ${childTail(child)}`)), 60_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolveStart();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${String(code)}): ${childTail(child)}`));
    });
  });
  return child;
}

/** nats-server, simulator, gateway and subscriber, each its own process. */
class Stack {
  private constructor(
    readonly nats: { url: string; child: ChildProcess },
    readonly sim: ChildProcess,
    readonly gateway: ChildProcess,
    readonly subscriber: ChildProcess,
    readonly symbols: readonly string[],
  ) {}

  static async start(mode: 'core' | 'jetstream', symbols: readonly string[], natsExtra: Record<string, unknown> = {}): Promise<Stack> {
    const nats = await startNats(true);
    const sim = await startWorker('sim-worker.ts', [JSON.stringify({ symbols })]);
    const { wsUrl, restUrl } = await request<{ wsUrl: string; restUrl: string }>(sim, { type: 'ready' }, 'ready', 10_000);
    const dir = tempDir('tickgate-bench-gw-');
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      JSON.stringify({
        nats: { servers: [nats.url], mode, ...(args['js-window'] ? { window: Number(args['js-window']) } : {}), ...natsExtra },
        http: { port: 0 },
        log: { level: 'warn', pretty: false },
        feeds: [{ venue: 'binance', instruments: symbols.map(instrumentOf), wsUrl, restUrl, reconcile: { priceCheckIntervalMs: 0 } }],
      }),
    );
    const gatewayArgs = args.dist ? [resolve(ROOT, 'apps/gateway/dist/main.js')] : [...TS_NODE_FLAGS, resolve(ROOT, 'apps/gateway/src/main.ts')];
    const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`] : [];
    const nodeArgs = args['gateway-node-args'].split(/\s+/).filter(Boolean);
    const gateway = spawnTracked(process.execPath, [...nodeArgs, ...profile, ...gatewayArgs, '--config', config]);
    const subscriber = await startWorker('subscriber.ts', [nats.url]);
    const stack = new Stack(nats, sim, gateway, subscriber, symbols);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (gateway.exitCode !== null) throw new Error(`the gateway exited (${gateway.exitCode}): ${childTail(gateway)}`);
      const { streams } = await request<{ streams: number[] }>(sim, { type: 'connections' }, 'connections', 10_000);
      if (streams.some((n) => n >= symbols.length)) break;
      if (Date.now() > deadline) throw new Error(`the gateway did not subscribe within 90 s: ${childTail(gateway)}`);
      await sleep(200);
    }
    await sleep(500);
    return stack;
  }

  /** Drive the simulator (`rate` 0: saturate), wait until the subscriber has every trade, report. */
  async window(rate: number, durationMs: number): Promise<{ offeredPerSec: number; generated: number; report: SubscriberReport; missing: number; gatewayCpuMs: number; cpuMs: Record<string, number> }> {
    await request(this.subscriber, { type: 'reset' }, 'reset', 10_000);
    const cpu0 = this.cpuMs();
    const driven = await request<{ generated: number; elapsedMs: number; lastIds: Record<string, number> }>(
      this.sim,
      { type: 'drive', rate, durationMs },
      'driven',
      durationMs + 60_000,
    );
    const deadline = Date.now() + 30_000;
    let report: SubscriberReport;
    let missing: number;
    for (;;) {
      report = await request<SubscriberReport>(this.subscriber, { type: 'report' }, 'report', 10_000);
      missing = 0;
      for (const [symbol, last] of Object.entries(driven.lastIds)) missing += Math.max(0, last - (report.lastIds[instrumentOf(symbol)] ?? 0));
      if (missing === 0 || Date.now() > deadline) break;
      await sleep(100);
    }
    const cpu1 = this.cpuMs();
    const cpuMs = Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, v - (cpu0[k] ?? 0)]));
    return { offeredPerSec: (driven.generated * 1000) / driven.elapsedMs, generated: driven.generated, report, missing, gatewayCpuMs: cpuMs['gateway'] ?? 0, cpuMs };
  }

  /** CPU time (ms) used so far by each process of the stack. */
  cpuMs(): Record<string, number> {
    return {
      sim: procStats(this.sim.pid!).cpuMs,
      gateway: procStats(this.gateway.pid!).cpuMs,
      nats: procStats(this.nats.child.pid!).cpuMs,
      subscriber: procStats(this.subscriber.pid!).cpuMs,
    };
  }

  rssBytes(): number {
    return procStats(this.gateway.pid!).rssBytes;
  }

  async close(): Promise<void> {
    await stopChild(this.sim);
    await stopChild(this.gateway);
    await stopChild(this.subscriber);
    await stopChild(this.nats.child);
  }
}

// ------------------------------------------------------------------------------------------ benchmarks

const results: Record<string, unknown> = {};
const loads: Array<ReturnType<typeof load> & { section: string }> = [];
const table: string[][] = [];
const targets: Array<{ target: string; value: string; met: boolean | null }> = [];

function mark(section: string): void {
  const l = load();
  loads.push({ section, ...l });
  console.log(`… ${section} (load ${l.load1}/${l.load5}/${l.load15})`);
}

async function benchNormalization(): Promise<void> {
  mark('norm');
  const processes = QUICK ? 1 : 3;
  const frames = QUICK ? 200_000 : 1_000_000;
  const rounds = QUICK ? 3 : 5;
  const shapes: Array<{ shape: string; runs: Array<{ name: string; nsPerMsg: number; ratio: number }[]> }> = [];
  for (const shape of ['combined-us', 'raw-ms']) {
    const runs: Array<{ name: string; nsPerMsg: number; ratio: number }[]> = [];
    for (let p = 0; p < processes; p++) {
      const out = join(tempDir('tickgate-bench-norm-'), 'parse.json');
      const child = spawnTracked(process.execPath, [
        ...TS_NODE_FLAGS,
        resolve(ROOT, 'packages/adapter-binance/bench/parse.bench.ts'),
        '--frames',
        String(frames),
        '--rounds',
        String(rounds),
        '--shape',
        shape,
        '--json',
        out,
      ]);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      if (code !== 0) throw new Error(`parse.bench.ts failed (${String(code)}): ${childTail(child)}`);
      runs.push((JSON.parse(readFileSync(out, 'utf8')) as { results: { name: string; nsPerMsg: number; ratio: number }[] }).results);
    }
    shapes.push({ shape, runs });
  }
  const summary = shapes.map(({ shape, runs }) => ({
    shape,
    processes,
    frames,
    rounds,
    approaches: runs[0]!.map((a, i) => ({
      name: a.name,
      nsPerMsg: round(median(runs.map((r) => r[i]!.nsPerMsg))),
      ratioVsJsonParse: round(median(runs.map((r) => r[i]!.ratio)), 2),
    })),
  }));
  results['normalization'] = summary;
  for (const s of summary) {
    for (const a of s.approaches) table.push([`norm ${s.shape}`, a.name, `${a.nsPerMsg} ns/msg`, `${(1e9 / a.nsPerMsg / 1e6).toFixed(2)} M/s`, `${a.ratioVsJsonParse.toFixed(2)}x JSON.parse`]);
  }
  const tick = summary.find((s) => s.shape === 'combined-us')?.approaches.find((a) => a.name === 'tickgate parser');
  if (tick) targets.push({ target: 'normalization ≤ 1.3× JSON.parse (combined-us frames)', value: `${tick.ratioVsJsonParse.toFixed(2)}×`, met: tick.ratioVsJsonParse <= 1.3 });
  mark('norm end');
}

async function natsCeiling(): Promise<number[]> {
  const nats = await startNats(false);
  const subscriber = await startWorker('subscriber.ts', [nats.url]);
  const count = QUICK ? 300_000 : 1_000_000;
  const rates: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      await request(subscriber, { type: 'reset' }, 'reset', 10_000);
      const publisher = spawnTracked(process.execPath, [...TS_NODE_FLAGS, resolve(ROOT, 'tools/bench/nats-publisher.ts'), nats.url, String(run * count + 1), String(count)]);
      const code = await new Promise<number | null>((r) => publisher.once('exit', r));
      if (code !== 0) throw new Error(`nats-publisher failed: ${childTail(publisher)}`);
      const deadline = Date.now() + 20_000;
      let report: SubscriberReport;
      do {
        await sleep(100);
        report = await request<SubscriberReport>(subscriber, { type: 'report' }, 'report', 10_000);
      } while (report.window.count < count && Date.now() < deadline);
      rates.push(report.window.ratePerSec);
      if (report.window.count < count) console.log(`  nats ceiling run ${run}: subscriber got ${report.window.count}/${count} (slow consumer?)`);
    }
  } finally {
    await stopChild(subscriber);
    await stopChild(nats.child);
  }
  return rates;
}

async function wsCeiling(): Promise<number[]> {
  const sim = await startWorker('sim-worker.ts', [JSON.stringify({ symbols: E2E_SYMBOLS })]);
  const rates: number[] = [];
  try {
    const { wsUrl } = await request<{ wsUrl: string }>(sim, { type: 'ready' }, 'ready', 10_000);
    const streams = E2E_SYMBOLS.map((s) => `${s.toLowerCase()}@trade`).join('/');
    const counter = await startWorker('ws-counter.ts', [`${wsUrl}/stream?streams=${streams}&timeUnit=MICROSECOND`]);
    try {
      for (let run = 0; run < RUNS; run++) {
        await request(counter, { type: 'report' }, 'report', 10_000);
        await request(sim, { type: 'drive', rate: 0, durationMs: QUICK ? 2000 : 5000 }, 'driven', 70_000);
        await sleep(300);
        rates.push((await request<{ ratePerSec: number }>(counter, { type: 'report' }, 'report', 10_000)).ratePerSec);
      }
    } finally {
      await stopChild(counter);
    }
  } finally {
    await stopChild(sim);
  }
  return rates;
}

/** Book deltas: the Binance depth parser, and parser + BookSync, against JSON.parse of the same frames. */
async function benchBooks(): Promise<void> {
  mark('books');
  const processes = QUICK ? 1 : 3;
  const frames = QUICK ? 50_000 : 200_000;
  const rounds = QUICK ? 2 : 5;
  const runs: Array<Array<{ name: string; nsPerMsg: number; ratio: number }>> = [];
  for (let p = 0; p < processes; p++) {
    const out = join(tempDir('tickgate-bench-books-'), 'books.json');
    const child = spawnTracked(process.execPath, [...TS_NODE_FLAGS, resolve(ROOT, 'packages/adapter-binance/bench/books.bench.ts'), '--frames', String(frames), '--rounds', String(rounds), '--json', out]);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`books.bench.ts failed (${String(code)}): ${childTail(child)}`);
    runs.push((JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ name: string; nsPerMsg: number; ratio: number }> }).results);
  }
  const approaches = runs[0]!.map((a, i) => ({
    name: a.name,
    nsPerMsg: round(median(runs.map((r) => r[i]!.nsPerMsg))),
    ratioVsJsonParse: round(median(runs.map((r) => r[i]!.ratio)), 2),
  }));
  results['books'] = { processes, frames, rounds, approaches };
  for (const a of approaches) table.push(['books depthUpdate', a.name, `${a.nsPerMsg} ns/msg`, `${(1e9 / a.nsPerMsg / 1e3).toFixed(1)} k/s`, `${a.ratioVsJsonParse.toFixed(2)}x JSON.parse`]);
  // the consumer's side: client.books() decoding and applying each message
  const clientRuns: Array<Array<{ name: string; nsPerMsg: number; ratio: number }>> = [];
  for (let p = 0; p < processes; p++) {
    const out = join(tempDir('tickgate-bench-client-books-'), 'client-books.json');
    const child = spawnTracked(process.execPath, [...TS_NODE_FLAGS, resolve(BENCH_DIR, 'client-books.bench.ts'), '--messages', String(frames), '--rounds', String(rounds), '--json', out]);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`client-books.bench.ts failed (${String(code)}): ${childTail(child)}`);
    clientRuns.push((JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ name: string; nsPerMsg: number; ratio: number }> }).results);
  }
  const client = clientRuns[0]!.map((a, i) => ({ name: a.name, nsPerMsg: round(median(clientRuns.map((r) => r[i]!.nsPerMsg))), ratioVsJsonParse: round(median(clientRuns.map((r) => r[i]!.ratio)), 2) }));
  (results['books'] as Record<string, unknown>)['client'] = client;
  for (const a of client) table.push(['books client', a.name, `${a.nsPerMsg} ns/msg`, `${(1e9 / a.nsPerMsg / 1e3).toFixed(1)} k/s`, `${a.ratioVsJsonParse.toFixed(2)}x JSON.parse`]);
  // end to end: simulator -> gateway -> NATS -> subscriber, nothing lost
  {
    const out = join(tempDir('tickgate-bench-books-e2e-'), 'books-e2e.json');
    const child = spawnTracked(process.execPath, [...TS_NODE_FLAGS, resolve(BENCH_DIR, 'books-e2e.bench.ts'), '--symbols', '20', '--seconds', QUICK ? '5' : '15', '--json', out, '--nats-server', NATS_SERVER]);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`books-e2e.bench.ts failed (${String(code)}): ${childTail(child)}`);
    const e2e = JSON.parse(readFileSync(out, 'utf8')) as { books: { perSec: number; gatewayCpuUsPerMsg: number; seqJumps: number; behind: number; received: number }; baselineTradesOnlyGatewayCpuMs: number };
    (results['books'] as Record<string, unknown>)['endToEnd'] = e2e;
    table.push(['books e2e', '20 instruments, depth 20, gateway under tsx', `${e2e.books.perSec} book msgs/s`, `gateway ${e2e.books.gatewayCpuUsPerMsg} µs CPU/msg`, `lost: ${e2e.books.seqJumps} seq jumps, ${e2e.books.behind} books behind`]);
    targets.push({ target: 'book updates end to end with nothing lost', value: `${e2e.books.perSec}/s, ${e2e.books.seqJumps} jumps, ${e2e.books.behind} behind`, met: e2e.books.seqJumps === 0 && e2e.books.behind === 0 && e2e.books.received > 0 });
  }
  const parser = approaches.find((a) => a.name.startsWith('tickgate depth parser'));
  if (parser) targets.push({ target: 'book-delta normalization ≤ 1.0× JSON.parse', value: `${parser.ratioVsJsonParse.toFixed(2)}×`, met: parser.ratioVsJsonParse <= 1.0 });
  mark('books end');
}

async function benchEndToEnd(withThroughput: boolean, withLatency: boolean): Promise<void> {
  const e2e: Record<string, unknown> = {};
  const latency: Record<string, unknown> = {};
  let natsMedian = Number.NaN;
  let wsMedian = Number.NaN;
  if (withThroughput) {
    mark('ceilings');
    const natsRates = await natsCeiling();
    natsMedian = median(natsRates);
    const wsRates = await wsCeiling();
    wsMedian = median(wsRates);
    e2e['natsCeiling'] = { medianPerSec: round(natsMedian), runs: natsRates.map((r) => round(r)) };
    e2e['wsCeiling'] = { medianPerSec: round(wsMedian), runs: wsRates.map((r) => round(r)) };
    table.push(['ceiling', 'NATS publisher → subscriber (~210 B)', `${round(natsMedian).toLocaleString('en-US')}/s`, '', '1.00x NATS']);
    table.push(['ceiling', 'WebSocket sim → counting client', `${round(wsMedian).toLocaleString('en-US')}/s`, '', `${(wsMedian / natsMedian).toFixed(2)}x NATS`]);
  }
  for (const mode of MODES) {
    mark(`e2e ${mode}`);
    const stack = await Stack.start(mode, E2E_SYMBOLS);
    try {
      if (withThroughput) {
        const runs: Array<{ deliveredPerSec: number; offeredPerSec: number; trades: number; missing: number; gatewayCpuUsPerTrade: number; cpuUsPerTrade: Record<string, number> }> = [];
        for (let run = 0; run < RUNS; run++) {
          const w = await stack.window(0, WINDOW_MS);
          runs.push({
            deliveredPerSec: round(w.report.window.ratePerSec),
            offeredPerSec: round(w.offeredPerSec),
            trades: w.report.window.count,
            missing: w.missing,
            gatewayCpuUsPerTrade: round((w.gatewayCpuMs * 1000) / Math.max(1, w.report.window.count), 2),
            cpuUsPerTrade: Object.fromEntries(Object.entries(w.cpuMs).map(([k, v]) => [k, round((v * 1000) / Math.max(1, w.report.window.count), 2)])),
          });
        }
        const report = await request<SubscriberReport>(stack.subscriber, { type: 'report' }, 'report', 10_000);
        const rate = median(runs.map((r) => r.deliveredPerSec));
        const cpu = round(median(runs.map((r) => r.gatewayCpuUsPerTrade)), 2);
        const lost = runs.reduce((s, r) => s + r.missing, 0) + report.gaps;
        const perProcess = Object.fromEntries(Object.keys(runs[0]?.cpuUsPerTrade ?? {}).map((k) => [k, round(median(runs.map((r) => r.cpuUsPerTrade[k] ?? 0)), 2)]));
        const pipelineUs = Object.values(perProcess).reduce((a, b) => a + b, 0);
        // What the same CPU costs would allow with the machine's two cores to ourselves: no process
        // faster than one core, all of them together no faster than two.
        const idleEstimate = Math.min(1e6 / Math.max(...Object.values(perProcess)), 2e6 / pipelineUs);
        e2e[mode] = {
          medianPerSec: round(rate),
          ratioVsNatsCeiling: round(rate / natsMedian, 3),
          ratioVsWsCeiling: round(rate / wsMedian, 3),
          gatewayCpuUsPerTrade: cpu,
          singleCoreCapacityPerSec: round(1e6 / cpu),
          cpuUsPerTrade: perProcess,
          idleTwoCoreEstimatePerSec: round(idleEstimate),
          totalTrades: report.total,
          lost,
          duplicates: report.duplicates,
          runs,
        };
        table.push([`e2e ${mode}`, 'sim → gateway → subscriber, saturated', `${round(rate).toLocaleString('en-US')}/s`, `gw ${cpu} µs CPU/trade`, `${(rate / natsMedian).toFixed(2)}x NATS, lost/undelivered ${lost}, dup ${report.duplicates}`]);
        table.push([`e2e ${mode}`, 'CPU µs/trade: ' + Object.entries(perProcess).map(([k, v]) => `${k} ${v}`).join(', '), `idle est. ${round(idleEstimate).toLocaleString('en-US')}/s`, `gw 1-core ${round(1e6 / cpu).toLocaleString('en-US')}/s`, '']);
        const goal = mode === 'core' ? 200_000 : 35_000;
        targets.push({ target: `end to end ≥ ${goal / 1000}k trades/s, ${mode} mode, nothing lost`, value: `${round(rate).toLocaleString('en-US')}/s, lost ${lost}, dup ${report.duplicates}`, met: rate >= goal && lost === 0 && report.duplicates === 0 });
      }
      if (withLatency) {
        const byRate: Record<string, unknown> = {};
        for (const rate of LATENCY_RATES) {
          const runs = [];
          for (let run = 0; run < Math.max(1, Math.ceil(RUNS / 2)); run++) {
            const w = await stack.window(rate, WINDOW_MS);
            const l = w.report.window.latencyUs;
            if (l) runs.push({ ...l, trades: w.report.window.count, missing: w.missing, deliveredPerSec: round(w.report.window.ratePerSec) });
          }
          const summary = {
            p50Us: round(median(runs.map((r) => r.p50))),
            p99Us: round(median(runs.map((r) => r.p99))),
            p999Us: round(median(runs.map((r) => r.p999))),
            maxUs: round(median(runs.map((r) => r.max))),
            runs: runs.map((r) => ({ ...r, p50: round(r.p50), p99: round(r.p99), p999: round(r.p999), max: round(r.max) })),
          };
          byRate[String(rate)] = summary;
          table.push([`latency ${mode}`, `receive → subscriber at ${rate / 1000}k/s`, `p50 ${summary.p50Us} µs`, `p99 ${summary.p99Us} µs`, `p999 ${summary.p999Us} µs`]);
          if (rate === 10_000) targets.push({ target: `p99 receive → subscriber < 1 ms at 10k/s (${mode})`, value: `${summary.p99Us} µs`, met: summary.p99Us < 1000 });
        }
        latency[mode] = byRate;
      }
    } finally {
      await stack.close();
    }
  }
  if (withThroughput) results['endToEnd'] = e2e;
  if (withLatency) results['latency'] = latency;
  mark('e2e end');
}

async function benchMemory(): Promise<void> {
  mark('memory');
  const bases: string[] = [];
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let i = 0; bases.length < 200; i++) bases.push(`Q${letters[Math.floor(i / 26) % 26]}${letters[i % 26]}`);
  const symbols = bases.map((b) => `${b}USDT`);
  const stack = await Stack.start('jetstream', symbols);
  try {
    const idleRss = stack.rssBytes();
    const samples: Array<{ tMs: number; rssBytes: number }> = [];
    const started = Date.now();
    const every = Math.max(1000, Math.floor(SOAK_MS / 60));
    const sampler = setInterval(() => samples.push({ tMs: Date.now() - started, rssBytes: stack.rssBytes() }), every);
    let w;
    try {
      w = await stack.window(SOAK_RATE, SOAK_MS);
    } finally {
      clearInterval(sampler);
    }
    const endRss = stack.rssBytes();
    const mb = (b: number) => round(b / 1048576, 1);
    const warm = samples.filter((s) => s.tMs >= SOAK_MS * 0.2);
    const afterWarmup = warm[0]?.rssBytes ?? idleRss;
    const maxRss = Math.max(idleRss, endRss, ...samples.map((s) => s.rssBytes));
    // Least-squares slope of RSS over the soak after warm-up, in MB per minute.
    let slope = 0;
    if (warm.length >= 2) {
      const n = warm.length;
      const mx = warm.reduce((s, p) => s + p.tMs, 0) / n;
      const my = warm.reduce((s, p) => s + p.rssBytes, 0) / n;
      const num = warm.reduce((s, p) => s + (p.tMs - mx) * (p.rssBytes - my), 0);
      const den = warm.reduce((s, p) => s + (p.tMs - mx) ** 2, 0);
      slope = den > 0 ? (num / den) * 60_000 : 0;
    }
    results['memory'] = {
      instruments: symbols.length,
      soakSeconds: SOAK_MS / 1000,
      rateTotalPerSec: SOAK_RATE,
      trades: w.report.window.count,
      missing: w.missing,
      gaps: w.report.gaps,
      duplicates: w.report.duplicates,
      rssMb: { idle: mb(idleRss), afterWarmup: mb(afterWarmup), end: mb(endRss), max: mb(maxRss) },
      growthMbAfterWarmup: mb(endRss - afterWarmup),
      slopeMbPerMinute: round(slope / 1048576, 2),
      samples: samples.map((s) => ({ tS: round(s.tMs / 1000, 1), rssMb: mb(s.rssBytes) })),
    };
    table.push(['memory', `gateway, ${symbols.length} instruments, ${SOAK_RATE}/s for ${SOAK_MS / 1000} s`, `RSS ${mb(idleRss)} → ${mb(endRss)} MB`, `max ${mb(maxRss)} MB`, `slope ${round(slope / 1048576, 2)} MB/min, gaps ${w.report.gaps}, undelivered after drain ${w.missing}`]);
    targets.push({ target: '< 150 MB RSS with 200 instruments', value: `max ${mb(maxRss)} MB`, met: maxRss < 150 * 1048576 });
    targets.push({
      target: `flat over the soak (${SOAK_MS / 1000} s)`,
      value: `${mb(afterWarmup)} → ${mb(endRss)} MB, slope ${round(slope / 1048576, 2)} MB/min`,
      met: SOAK_MS >= 300_000 ? Math.abs(slope / 1048576) < 0.5 : null,
    });
  } finally {
    await stack.close();
  }
  mark('memory end');
}

/** One stall run: RSS sampled every 500 ms before, during and after nats-server is stopped for `STALL_MS`. */
async function stallRun(maxPending: number | undefined) {
  const stack = await Stack.start('jetstream', E2E_SYMBOLS, maxPending === undefined ? {} : { maxPending });
  const beforeMs = 10_000;
  const afterMs = 20_000;
  const samples: Array<{ tMs: number; rssBytes: number; phase: 'before' | 'during' | 'after' }> = [];
  let phase: 'before' | 'during' | 'after' = 'before';
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ tMs: Date.now() - started, rssBytes: stack.rssBytes(), phase }), 500);
  const freeze = setTimeout(() => {
    process.kill(stack.nats.child.pid!, 'SIGSTOP');
    phase = 'during';
  }, beforeMs);
  const thaw = setTimeout(() => {
    process.kill(stack.nats.child.pid!, 'SIGCONT');
    phase = 'after';
  }, beforeMs + STALL_MS);
  try {
    const w = await stack.window(SOAK_RATE, beforeMs + STALL_MS + afterMs);
    const of = (p: string) => samples.filter((x) => x.phase === p).map((x) => x.rssBytes);
    const mb = (b: number) => round(b / 1048576, 1);
    return {
      maxPending: maxPending ?? 'default',
      rssMb: { beforeMedian: mb(median(of('before'))), duringMax: mb(Math.max(...of('during'))), afterMedian: mb(median(of('after'))), endOfRun: mb(stack.rssBytes()) },
      generated: w.generated,
      undeliveredAfterDrain: w.missing,
      subscriberGaps: w.report.gaps,
      subscriberDuplicates: w.report.duplicates,
    };
  } finally {
    clearTimeout(freeze);
    clearTimeout(thaw);
    clearInterval(sampler);
    process.kill(stack.nats.child.pid!, 'SIGCONT');
    await stack.close();
  }
}

async function benchStall(): Promise<void> {
  mark('stall');
  const baseline = await stallRun(10_000_000);
  const bounded = await stallRun(undefined);
  results['stall'] = { stallSeconds: STALL_MS / 1000, ratePerSec: SOAK_RATE, instruments: E2E_SYMBOLS.length, baseline, bounded };
  const ratio = round(bounded.rssMb.duringMax / baseline.rssMb.duringMax, 2);
  table.push([
    'stall',
    `NATS stopped ${STALL_MS / 1000} s at ${SOAK_RATE}/s, ${E2E_SYMBOLS.length} instruments`,
    `RSS ${bounded.rssMb.beforeMedian} / ${bounded.rssMb.duringMax} / ${bounded.rssMb.afterMedian} MB (before/during max/after)`,
    `holding everything: ${baseline.rssMb.beforeMedian} / ${baseline.rssMb.duringMax} / ${baseline.rssMb.afterMedian} MB`,
    `during-max ratio ${ratio}; undelivered after drain ${bounded.undeliveredAfterDrain} (baseline ${baseline.undeliveredAfterDrain})`,
  ]);
  targets.push({ target: 'RSS during a stall no higher than before + 64 MB (default maxPending)', value: `${bounded.rssMb.beforeMedian} → max ${bounded.rssMb.duringMax} MB`, met: bounded.rssMb.duringMax - bounded.rssMb.beforeMedian < 64 });
  mark('stall end');
}

// ----------------------------------------------------------------------------------------------- main

const started = new Date();
console.log(`tickgate bench${QUICK ? ' (quick)' : ''}: ${[...ONLY].join(', ')}; node ${process.version}; load ${JSON.stringify(load())}`);
let failed: unknown;
try {
  if (ONLY.has('norm')) await benchNormalization();
  if (ONLY.has('books')) await benchBooks();
  if (ONLY.has('e2e') || ONLY.has('latency')) await benchEndToEnd(ONLY.has('e2e'), ONLY.has('latency'));
  if (ONLY.has('memory')) await benchMemory();
  if (ONLY.has('stall')) await benchStall();
} catch (error) {
  failed = error;
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...table.map((r) => (r[c] ?? '').length), 4));
console.log('');
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log('\ntargets:');
for (const t of targets) console.log(`  ${t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS'}  ${t.target}: ${t.value}`);
console.log(`load: ${loads.map((l) => `${l.section} ${l.load1}/${l.load5}/${l.load15}`).join('; ')}`);

const report = {
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  quick: QUICK,
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  gateway: args.dist ? 'apps/gateway/dist/main.js' : 'apps/gateway/src/main.ts (tsx)',
  settings: { runs: RUNS, windowSeconds: WINDOW_MS / 1000, soakSeconds: SOAK_MS / 1000, soakRate: SOAK_RATE, stallSeconds: STALL_MS / 1000, e2eSymbols: E2E_SYMBOLS },
  load: loads,
  targets,
  ...results,
  ...(failed ? { error: failed instanceof Error ? failed.message : String(failed) } : {}),
};
const out = args.out ?? join(ROOT, 'bench-results', `bench-${started.toISOString().replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${out}`);
process.exit(failed ? 1 : 0);
