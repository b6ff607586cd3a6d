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
import { CHUNK, eightDecimals, measure, printResults, prng, type Approach } from './harness.js';

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

const results = measure(approaches, corpus, ROUNDS);
trades = 0;
parser(corpus[0] as string, RECEIVE_US, sink);
if (trades !== 1 || lastTrade === undefined || rejected > 0) throw new Error('the tickgate parser stopped emitting trades');

printResults(`Binance @trade frames: ${FRAMES} (${SHAPE}, avg ${avgBytes.toFixed(0)} bytes), ${ROUNDS} rounds, median; node ${process.version}`, results);
if (args.json !== undefined) {
  const report = { benchmark: 'adapter-binance parse', node: process.version, frames: FRAMES, shape: SHAPE, avgBytes: Math.round(avgBytes), rounds: ROUNDS, chunk: CHUNK, seed, timer: 'process.cpuUsage (user+system)', results };
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
void lastValue;
