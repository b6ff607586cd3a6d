/**
 * Micro-benchmark of the sequencer's common case: consecutive live trades, nothing held or missing.
 * Compares ns/trade of the sequencer without its number fast path (`fastPath: false`, the general
 * bigint logic) and with it, on the same pre-built trades, in interleaved rounds.
 *
 *   node --conditions=@tickgate/source --import tsx packages/core/bench/sequencer.bench.ts [--trades N] [--rounds N] [--first-id ID]
 *
 * Prints the median, min and max ns/trade of each (and of the loop and callback alone), the ratio of the
 * medians, and the load average before and after (the machine is shared: compare figures of one run, not across runs).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Trade } from '@tickgate/schema';
import { OrderedSequencer, type OrderedSequencerOptions } from '../src/sequencing/ordered-sequencer.js';

const { values } = parseArgs({
  options: {
    trades: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '7' },
    // Binance's BTCUSDT trade ids are around 5e9 (10 digits); anything up to 15 digits takes the fast path.
    'first-id': { type: 'string', default: '5000000000' },
  },
});
const N = Number(values.trades);
const ROUNDS = Number(values.rounds);
const FIRST = BigInt(values['first-id']);

interface Fed {
  trade(trade: Trade): void;
  readonly lastId: string | undefined;
}

const T0 = 1_700_000_000_000;
const trades: Trade[] = Array.from({ length: N }, (_, i) => ({
  v: 1,
  type: 'trade',
  venue: 'binance',
  instrument: 'BTC-USDT',
  symbol: 'BTCUSDT',
  id: (FIRST + BigInt(i)).toString(),
  price: '97123.45',
  quantity: '0.001',
  side: i % 2 === 0 ? 'buy' : 'sell',
  tradeTime: (T0 + i) * 1000,
  receiveTime: (T0 + i) * 1000 + 5,
  source: 'ws',
}));

/** The harness alone: the loop and the `release` callback, no sequencing. */
class LoopOnly implements Fed {
  lastId: string | undefined;
  constructor(private readonly options: OrderedSequencerOptions) {}
  trade(trade: Trade): void {
    this.lastId = trade.id;
    this.options.release(trade);
  }
}

const impls: Record<string, (options: OrderedSequencerOptions) => Fed> = {
  reference: (o) => new OrderedSequencer({ ...o, fastPath: false }),
  'fast path': (o) => new OrderedSequencer(o),
  'loop only': (o) => new LoopOnly(o),
};

/** Feeds `count` trades to a fresh sequencer; returns ns/trade. */
function round(make: (options: OrderedSequencerOptions) => Fed, count: number): number {
  let released = 0;
  const seq = make({
    venue: 'binance',
    instrument: 'BTC-USDT',
    release: () => {
      released++;
    },
    startAfterId: (FIRST - 1n).toString(),
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) seq.trade(trades[i]!);
  const ns = Number(process.hrtime.bigint() - t0);
  const expectedLast = (FIRST + BigInt(count - 1)).toString();
  if (released !== count || seq.lastId !== expectedLast) throw new Error(`released ${released} of ${count}, last ${seq.lastId}, expected ${expectedLast}`);
  return ns / count;
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

const fmt = (x: number) => x.toFixed(1).padStart(7);
const loadBefore = loadavg();
console.log(`node ${process.version}, ${N.toLocaleString('en')} consecutive trades from id ${FIRST}, ${ROUNDS} rounds each (interleaved)`);

// Warm-up: let both reach optimized code before anything is timed.
for (const make of Object.values(impls)) round(make, Math.min(N, 200_000));

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the order, so that drift in the machine's load hits all alike.
  const order = r % 2 === 0 ? Object.keys(impls) : Object.keys(impls).reverse();
  for (const name of order) samples[name]!.push(round(impls[name]!, N));
}

console.log(`${'implementation'.padEnd(16)}  median ns/trade      min      max`);
for (const [name, xs] of Object.entries(samples)) {
  const s = stats(xs);
  console.log(`${name.padEnd(16)}  ${fmt(s.median)}          ${fmt(s.min)}  ${fmt(s.max)}`);
}
const ref = stats(samples['reference']!).median;
const fast = stats(samples['fast path']!).median;
console.log(`fast path / reference (medians): ${(fast / ref).toFixed(3)} (${(ref / fast).toFixed(2)}x as fast)`);
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
console.log(`load average before: ${la(loadBefore)}; after: ${la(loadavg())}`);
