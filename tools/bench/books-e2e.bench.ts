/**
 * Book updates end to end: the Binance simulator (in this process, books on, `symbols` instruments)
 * → the gateway process (channels trades + book, depth 20, JetStream mode) → nats-server → a core
 * subscriber on `md.book.>` (in this process). Drives `changeBook` over every symbol as fast as the
 * loop allows for `--seconds`, then checks nothing was lost: per instrument, `seq` rises by one and the
 * last book message is at the simulator's last update id. Reports book messages per second received,
 * and gateway CPU µs per book message; as baseline, the same CPU with the book channel off (trades only,
 * no book traffic) over an equal window.
 *
 *   node --conditions=@tickgate/source --import tsx tools/bench/books-e2e.bench.ts [--symbols N] [--seconds S] [--json out.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { startBinanceSim } from '@tickgate/exchange-sim/binance';
import { childTail, freePort, procStats, ROOT, sleep, spawnTracked, stopChild, TS_NODE_FLAGS, waitForPort } from './common.js';

const { values: args } = parseArgs({ options: { symbols: { type: 'string', default: '20' }, seconds: { type: 'string', default: '10' }, json: { type: 'string' }, 'nats-server': { type: 'string', default: '/usr/sbin/nats-server' } } });
const SYMBOLS = Array.from({ length: Number(args.symbols) }, (_, i) => `B${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}USDT`);
const WINDOW_MS = Number(args.seconds) * 1000;
const dirs: string[] = [];
const temp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

async function run(withBooks: boolean): Promise<{ received: number; perSec: number; gatewayCpuUsPerMsg: number; gatewayCpuMs: number; seqJumps: number; behind: number }> {
  const port = await freePort();
  const nats = spawnTracked(args['nats-server'], ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', temp('tickgate-bench-books-nats-')]);
  await waitForPort(port, 15_000);
  const url = `nats://127.0.0.1:${port}`;
  const sim = await startBinanceSim({ seed: 9, books: true, rate: 0, symbols: SYMBOLS });
  const config = join(temp('tickgate-bench-books-gw-'), 'gateway.json');
  const instruments = SYMBOLS.map((s) => `${s.slice(0, -4)}-USDT`);
  writeFileSync(config, JSON.stringify({ nats: { servers: [url] }, http: { port: 0 }, log: { level: 'warn', pretty: false }, feeds: [{ venue: 'binance', instruments, wsUrl: sim.wsUrl, restUrl: sim.restUrl, channels: withBooks ? ['trades', 'book'] : ['trades'], book: { depth: 20 }, reconcile: { priceCheckIntervalMs: 0 } }] }));
  const gateway = spawnTracked(process.execPath, [...TS_NODE_FLAGS, resolve(ROOT, 'apps/gateway/src/main.ts'), '--config', config]);
  const nc = await connect({ servers: url });
  const last = new Map<string, { seq: number; updateId: string }>();
  let received = 0;
  let seqJumps = 0;
  nc.subscribe('md.book.>', {
    callback: (_e, m) => {
      const b = JSON.parse(m.string()) as { instrument: string; seq: number; updateId: string };
      const prev = last.get(b.instrument);
      if (prev && b.seq !== prev.seq + 1) seqJumps++;
      last.set(b.instrument, { seq: b.seq, updateId: b.updateId });
      received++;
    },
  });
  try {
    // connected: every symbol's streams are subscribed
    const deadline = Date.now() + 60_000;
    while (sim.connections.list().every((c) => c.streams.length < SYMBOLS.length * (withBooks ? 2 : 1))) {
      if (gateway.exitCode !== null || Date.now() > deadline) throw new Error(`the gateway did not connect: ${childTail(gateway)}`);
      await sleep(100);
    }
    for (const s of SYMBOLS) sim.market.changeBook(s, 2); // first deltas: the books are built
    await sleep(2_000);
    received = 0;
    const cpu0 = procStats(gateway.pid!).cpuMs;
    const started = Date.now();
    while (Date.now() - started < WINDOW_MS) {
      for (const s of SYMBOLS) sim.market.changeBook(s, 3);
      await sleep(1);
    }
    // drain: every book at the simulator's last id
    const drainBy = Date.now() + 20_000;
    const behindCount = () => (withBooks ? SYMBOLS.filter((s, i) => last.get(instruments[i]!)?.updateId !== String(sim.market.orderBook(s).updateId)).length : 0);
    while (behindCount() > 0 && Date.now() < drainBy) await sleep(100);
    const elapsed = Date.now() - started;
    const cpuMs = procStats(gateway.pid!).cpuMs - cpu0;
    return { received, perSec: Math.round((received * 1000) / elapsed), gatewayCpuUsPerMsg: received > 0 ? Math.round((cpuMs * 1000) / received) : 0, gatewayCpuMs: Math.round(cpuMs), seqJumps, behind: behindCount() };
  } finally {
    await nc.close();
    await stopChild(gateway);
    await sim.close();
    await stopChild(nats);
  }
}

try {
  const books = await run(true);
  const baseline = await run(false);
  const report = { symbols: SYMBOLS.length, windowSeconds: WINDOW_MS / 1000, books, baselineTradesOnlyGatewayCpuMs: baseline.gatewayCpuMs };
  console.log(`book messages received ${books.received} (${books.perSec}/s), seq jumps ${books.seqJumps}, books behind after drain ${books.behind}`);
  console.log(`gateway CPU ${books.gatewayCpuMs} ms (${books.gatewayCpuUsPerMsg} µs per book message); trades-only baseline over the same window ${baseline.gatewayCpuMs} ms`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report)}\n`);
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
