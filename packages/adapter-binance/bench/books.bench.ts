/**
 * Micro-benchmark of Binance book deltas: the adapter's `depthUpdate` reading (into a `bookDelta`) and
 * that plus the `BookSync` engine applying it to a 1000-level book and publishing the exact change of the
 * top 20, against `JSON.parse` alone of the same frames (the baseline). Not a test.
 *
 *   node --conditions=@tickgate/source --import tsx packages/adapter-binance/bench/books.bench.ts \
 *     [--frames N] [--rounds R] [--json out.json]
 *
 * Frames are combined-stream `@depth@100ms` events as Binance sends them (prices and sizes padded to 8
 * decimals), 1–20 changed levels per side near the top, about 10% of them removals.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BookSync, instrumentMap, type BookDelta, type ParseSink } from '@tickgate/core';
import { canonicalDecimal, type Book } from '@tickgate/schema';
import { binanceBooks, createParser } from '../src/index.js';
import { eightDecimals, measure, printResults, prng, type Approach } from './harness.js';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
});
const FRAMES = Number.parseInt(args.frames, 10);
const ROUNDS = Number.parseInt(args.rounds, 10);
if (!Number.isSafeInteger(FRAMES) || FRAMES < 1) throw new Error(`--frames must be a positive integer (got ${args.frames})`);
if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer (got ${args.rounds})`);

const MID = 9_712_345n; // cents
const LEVELS = 1000;
const FIRST_ID = 1_000_000;

function priceText(cents: bigint): string {
  return eightDecimals(cents * 1_000_000n);
}

/** The frames, and the snapshot they start from (ids FIRST_ID + 1 …). */
function makeCorpus(n: number, seed: number): { frames: string[]; snapshot: { bids: [string, string][]; asks: [string, string][] } } {
  const rand = prng(seed);
  const size = () => eightDecimals(BigInt(1 + Math.floor(rand() * 500_000_000)));
  const snapshot = {
    bids: Array.from({ length: LEVELS }, (_, i) => [priceText(MID - BigInt(i)), size()] as [string, string]),
    asks: Array.from({ length: LEVELS }, (_, i) => [priceText(MID + 1n + BigInt(i)), size()] as [string, string]),
  };
  const frames: string[] = new Array<string>(n);
  let id = FIRST_ID;
  let timeUs = 1_767_225_600_000_000;
  for (let i = 0; i < n; i++) {
    const side = (below: boolean) => {
      const k = 1 + Math.floor(rand() * 20);
      const rows: string[] = [];
      for (let j = 0; j < k; j++) {
        const offset = BigInt(Math.floor(rand() * 60));
        const price = below ? MID - offset : MID + 1n + offset;
        rows.push(`["${priceText(price)}","${rand() < 0.1 ? '0.00000000' : size()}"]`);
      }
      return rows.join(',');
    };
    const count = 2 + Math.floor(rand() * 30);
    const first = id + 1;
    id += count;
    timeUs += 100_000;
    frames[i] = `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${timeUs},"s":"BTCUSDT","U":${first},"u":${id},"b":[${side(true)}],"a":[${side(false)}]}}`;
  }
  return { frames, snapshot };
}

const RECEIVE_US = 1_767_225_601_000_000;
const instruments = instrumentMap([{ instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' }]);
const seed = Number.parseInt(args.seed, 10);
const { frames: corpus, snapshot } = makeCorpus(FRAMES, seed);
const avgBytes = corpus.reduce((sum, f) => sum + f.length, 0) / corpus.length;
const parse = createParser(instruments, { timeUnit: 'us' });

let lastValue: unknown;
let deltas = 0;
let rejected = 0;
let published = 0;
let lastBook: Book | undefined;

const parseOnly: ParseSink = {
  trade: () => undefined,
  control: () => void rejected++,
  reject: () => void rejected++,
  bookDelta: (_i: string, d: BookDelta) => {
    lastValue = d;
    deltas++;
  },
};

/** A fresh engine in sync on the snapshot, before the corpus' first frame. */
function engine(): BookSync {
  const sync = new BookSync({
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    rule: binanceBooks.rule,
    depth: 20,
    listener: {
      publish: (b) => {
        lastBook = b;
        published++;
      },
      snapshotNeeded: () => undefined,
    },
  });
  const canonical = (levels: [string, string][]) => levels.map(([p, q]) => [canonicalDecimal(p), canonicalDecimal(q)] as [string, string]);
  sync.snapshot({ source: 'rest', updateId: String(FIRST_ID), bids: canonical(snapshot.bids), asks: canonical(snapshot.asks), depth: LEVELS, receiveTime: RECEIVE_US });
  return sync;
}

// Each chunk replays frames of the corpus, whose ids run on from chunk to chunk; an engine that met a
// frame before its turn (warm-up, earlier rounds) is replaced by a fresh one at the corpus' start.
let sync = engine();
let expectedNext = FIRST_ID + 1;
const withEngine: ParseSink = {
  ...parseOnly,
  bookDelta: (_i: string, d: BookDelta) => {
    if (Number(d.firstUpdateId) !== expectedNext) {
      sync = engine();
      if (Number(d.firstUpdateId) !== FIRST_ID + 1) throw new Error('chunks must start at the corpus start or follow on');
    }
    expectedNext = Number(d.updateId) + 1;
    sync.delta(d);
  },
};

const approaches: Approach[] = [
  {
    name: 'JSON.parse alone',
    run(frames) {
      for (let i = 0; i < frames.length; i++) lastValue = JSON.parse(frames[i] as string);
    },
  },
  {
    name: 'tickgate depth parser (bookDelta)',
    run(frames) {
      for (let i = 0; i < frames.length; i++) parse(frames[i] as string, RECEIVE_US, parseOnly);
    },
  },
];
// The engine needs frames in id order: measure it over the whole corpus, in order, round after round.
const engineApproach: Approach = {
  name: 'parser + BookSync (1000 levels, top-20 deltas)',
  run(frames) {
    for (let i = 0; i < frames.length; i++) parse(frames[i] as string, RECEIVE_US, withEngine);
  },
};

// Correctness before speed.
parse(corpus[0] as string, RECEIVE_US, parseOnly);
if (deltas !== 1 || rejected > 0) throw new Error('the depth parser did not read the generated frame');
const results = measure(approaches, corpus, ROUNDS);
const engineResult = measure([approaches[0]!, engineApproach], corpus, 1)[1]!;
sync = engine();
expectedNext = FIRST_ID + 1;
published = 0;
for (const f of corpus.slice(0, 1000)) parse(f, RECEIVE_US, withEngine);
if (sync.state !== 'live' || rejected > 0) throw new Error(`the engine left sync (${sync.state}) or frames were rejected`);
results.push(engineResult);

printResults(`Binance depthUpdate frames: ${FRAMES} (combined, avg ${avgBytes.toFixed(0)} bytes), ${ROUNDS} rounds, median; node ${process.version}`, results);
console.log(`book messages published per 1000 frames: ${published}; last seq ${lastBook?.seq ?? 0}`);
if (args.json !== undefined) {
  writeFileSync(args.json, `${JSON.stringify({ benchmark: 'adapter-binance books', node: process.version, frames: FRAMES, avgBytes: Math.round(avgBytes), rounds: ROUNDS, seed, timer: 'process.cpuUsage (user+system)', results }, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
void lastValue;
