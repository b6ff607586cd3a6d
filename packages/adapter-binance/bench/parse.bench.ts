/**
 * Micro-benchmark of the Binance trade parser against `JSON.parse` alone and a naive normalizer.
 * Not a test: run by hand, on an otherwise idle machine, and compare ratios measured in one run.
 * `tickgate parser` is `parseFrame` as the gateway runs it (the byte-level fast path for `@trade` frames);
 * `tickgate general path` is the same parser without the fast path (`parseFrameGeneral`: one `JSON.parse`
 * and field reads), which is also what every frame the fast path declines costs.
 *
 *   node --conditions=@tickgate/source --import tsx packages/adapter-binance/bench/parse.bench.ts \
 *     [--frames N] [--rounds R] [--shape raw-ms|combined-us] [--json out.json]
 *
 * Shapes: `raw-ms` (default) is a `/ws/btcusdt@trade` frame with millisecond times, ~133 bytes;
 * `combined-us` is what the gateway really receives (combined stream, `timeUnit=MICROSECOND`), ~173 bytes.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Decimal } from 'decimal.js';
import { instrumentMap, type ParseSink } from '@tickgate/core';
import { TradeSchema, type Trade } from '@tickgate/schema';
import { createParser, type BinanceTimeUnit } from '../src/index.js';
import { parseFrameGeneral } from '../src/parse.js';

type Shape = 'raw-ms' | 'combined-us';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '5' },
    shape: { type: 'string', default: 'raw-ms' },
    json: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});

const FRAMES = Number.parseInt(args.frames, 10);
const ROUNDS = Number.parseInt(args.rounds, 10);
const SHAPE = args.shape as Shape;
if (!Number.isSafeInteger(FRAMES) || FRAMES < 1) throw new Error(`--frames must be a positive integer (got ${args.frames})`);
if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer (got ${args.rounds})`);
if (SHAPE !== 'raw-ms' && SHAPE !== 'combined-us') throw new Error(`--shape must be raw-ms or combined-us (got ${args.shape})`);
const TIME_UNIT: BinanceTimeUnit = SHAPE === 'raw-ms' ? 'ms' : 'us';

/** mulberry32: small seeded PRNG, so every run measures the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Eight-decimal fixed text from an integer count of 1e-8 units, without floats on the value. */
function eightDecimals(units: bigint): string {
  const text = units.toString().padStart(9, '0');
  return `${text.slice(0, -8)}.${text.slice(-8)}`;
}

function makeCorpus(n: number, seed: number): string[] {
  const rand = prng(seed);
  const corpus: string[] = new Array<string>(n);
  let id = 5_000_000_000;
  let timeMs = 1_767_225_600_000;
  let priceCents = 9_712_345;
  for (let i = 0; i < n; i++) {
    id += 1;
    timeMs += Math.floor(rand() * 3);
    priceCents += Math.floor(rand() * 5) - 2;
    const price = eightDecimals(BigInt(priceCents) * 1_000_000n);
    const qty = eightDecimals(BigInt(1 + Math.floor(rand() * 200_000_000)));
    const m = rand() < 0.5;
    const t = TIME_UNIT === 'ms' ? timeMs : timeMs * 1000 + Math.floor(rand() * 1000);
    const data = `{"e":"trade","E":${t + 1},"s":"BTCUSDT","t":${id},"p":"${price}","q":"${qty}","T":${t},"m":${m},"M":true}`;
    corpus[i] = SHAPE === 'raw-ms' ? data : `{"stream":"btcusdt@trade","data":${data}}`;
  }
  return corpus;
}

const RECEIVE_US = 1_767_225_601_000_000;
const instruments = instrumentMap([{ instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' }]);

// Results are kept in module-level variables so that no approach can be optimized away.
let lastValue: unknown;
let lastTrade: Trade | undefined;
let trades = 0;
let rejected = 0;

const sink: ParseSink = {
  trade(t) {
    lastTrade = t;
    trades++;
  },
  control() {
    rejected++;
  },
  reject() {
    rejected++;
  },
};

type Payload = { e: string; s: string; t: number; p: string; q: string; T: number; m: boolean };

function naiveNormalize(raw: string): Trade {
  const msg = JSON.parse(raw) as Payload | { stream: string; data: Payload };
  const d = 'data' in msg ? msg.data : msg;
  const price = new Decimal(d.p);
  const quantity = new Decimal(d.q);
  return TradeSchema.parse({
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: d.s,
    id: String(d.t),
    price: price.toFixed(),
    quantity: quantity.toFixed(),
    side: d.m ? 'sell' : 'buy',
    tradeTime: TIME_UNIT === 'ms' ? d.T * 1000 : d.T,
    receiveTime: RECEIVE_US,
    source: 'ws',
  });
}

interface Approach {
  readonly name: string;
  run(corpus: readonly string[]): void;
}

const parser = createParser(instruments, { timeUnit: TIME_UNIT });
const approaches: Approach[] = [
  {
    name: 'JSON.parse alone',
    run(corpus) {
      for (let i = 0; i < corpus.length; i++) lastValue = JSON.parse(corpus[i] as string);
    },
  },
  {
    name: 'tickgate parser',
    run(corpus) {
      for (let i = 0; i < corpus.length; i++) parser(corpus[i] as string, RECEIVE_US, sink);
    },
  },
  {
    name: 'naive: JSON.parse + 2 Decimal + toFixed + zod',
    run(corpus) {
      for (let i = 0; i < corpus.length; i++) lastValue = naiveNormalize(corpus[i] as string);
    },
  },
  // Last, so that the rows above keep their places in the JSON report.
  {
    name: 'tickgate general path (JSON.parse)',
    run(corpus) {
      for (let i = 0; i < corpus.length; i++) parseFrameGeneral(corpus[i] as string, RECEIVE_US, sink, instruments, TIME_UNIT);
    },
  },
];

/**
 * CPU time (user + system, all of the process's threads, GC included) and wall time of `fn`, in ns.
 * CPU time is the figure to trust on a shared machine: wall time also counts the time spent waiting for
 * a core.
 */
function timeNs(fn: () => void): { cpu: number; wall: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - wall0);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) * 1000, wall };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const seed = Number.parseInt(args.seed, 10);
const corpus = makeCorpus(FRAMES, seed);
const avgBytes = corpus.reduce((sum, f) => sum + f.length, 0) / corpus.length;

// Correctness before speed: the tickgate parser must read every frame as a trade, equal to the naive one
// and to its own general path.
for (let i = 0; i < Math.min(corpus.length, 1000); i++) {
  parser(corpus[i] as string, RECEIVE_US, sink);
  const fast = JSON.stringify(lastTrade);
  parseFrameGeneral(corpus[i] as string, RECEIVE_US, sink, instruments, TIME_UNIT);
  const general = JSON.stringify(lastTrade);
  const naive = naiveNormalize(corpus[i] as string);
  if (fast !== JSON.stringify(naive) || general !== fast) throw new Error(`parsers disagree on frame ${i}: ${corpus[i]}`);
}
if (rejected > 0) throw new Error(`the tickgate parser rejected ${rejected} generated frames`);

// Warm-up: let every approach reach optimized code before anything is measured.
const warm = corpus.slice(0, Math.min(corpus.length, 100_000));
for (let r = 0; r < 3; r++) for (const a of approaches) a.run(warm);

// Rounds interleave the approaches in chunks of frames, rotating the order, so that the load of a shared,
// noisy machine falls on every approach alike; each round's total per approach is one sample.
const CHUNK = 10_000;
const chunks: string[][] = [];
for (let i = 0; i < corpus.length; i += CHUNK) chunks.push(corpus.slice(i, i + CHUNK));
const samples = new Map<string, { cpu: number[]; wall: number[] }>(approaches.map((a) => [a.name, { cpu: [], wall: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  const cpu = approaches.map(() => 0);
  const wall = approaches.map(() => 0);
  chunks.forEach((chunk, c) => {
    for (let k = 0; k < approaches.length; k++) {
      const index = (round + c + k) % approaches.length;
      const t = timeNs(() => (approaches[index] as Approach).run(chunk));
      cpu[index] = (cpu[index] as number) + t.cpu;
      wall[index] = (wall[index] as number) + t.wall;
    }
  });
  approaches.forEach((a, index) => {
    samples.get(a.name)?.cpu.push((cpu[index] as number) / corpus.length);
    samples.get(a.name)?.wall.push((wall[index] as number) / corpus.length);
  });
}
trades = 0;
parser(corpus[0] as string, RECEIVE_US, sink);
if (trades !== 1 || lastTrade === undefined || rejected > 0) throw new Error('the tickgate parser stopped emitting trades');

const baseline = samples.get((approaches[0] as Approach).name) ?? { cpu: [], wall: [] };
const baseCpu = median(baseline.cpu);
const baseWall = median(baseline.wall);
const results = approaches.map((a) => {
  const s = samples.get(a.name) ?? { cpu: [], wall: [] };
  const ns = median(s.cpu);
  const wallNs = median(s.wall);
  return {
    name: a.name,
    nsPerMsg: Math.round(ns),
    msgsPerSec: Math.round(1e9 / ns),
    ratio: Number((ns / baseCpu).toFixed(2)),
    wallNsPerMsg: Math.round(wallNs),
    wallRatio: Number((wallNs / baseWall).toFixed(2)),
    samplesCpuNs: s.cpu.map(Math.round),
    samplesWallNs: s.wall.map(Math.round),
  };
});

console.log(`Binance @trade frames: ${FRAMES} (${SHAPE}, avg ${avgBytes.toFixed(0)} bytes), ${ROUNDS} rounds, median; node ${process.version}`);
console.log('ns/msg, msgs/s and the ratio are from CPU time; the wall-clock columns also count waiting for a core.');
console.log(`${'approach'.padEnd(48)} ${'ns/msg'.padStart(8)} ${'msgs/s'.padStart(11)} ${'vs JSON.parse'.padStart(14)} ${'wall ns'.padStart(9)} ${'wall ratio'.padStart(11)}`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(48)} ${String(r.nsPerMsg).padStart(8)} ${r.msgsPerSec.toLocaleString('en-US').padStart(11)} ${`${r.ratio.toFixed(2)}x`.padStart(14)} ${String(r.wallNsPerMsg).padStart(9)} ${`${r.wallRatio.toFixed(2)}x`.padStart(11)}`,
  );
}
if (args.json !== undefined) {
  const report = { benchmark: 'adapter-binance parse', node: process.version, frames: FRAMES, shape: SHAPE, avgBytes: Math.round(avgBytes), rounds: ROUNDS, chunk: CHUNK, seed, timer: 'process.cpuUsage (user+system)', results };
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
void lastValue;
