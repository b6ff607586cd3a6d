/**
 * The client's cost to apply a book message: `client.books()` decodes each message it reads
 * (`decodeBook`, zod-validated) and applies it to its `LocalBook`, against `JSON.parse` alone of the same
 * payloads. The messages are a gateway's top-20 deltas (1–6 changed levels per side) after one snapshot.
 * Not a test; prints one JSON line with `--json <file>`.
 *
 *   node --conditions=@tickgate/source --import tsx tools/bench/client-books.bench.ts [--messages N] [--rounds R] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LocalBook, type LocalBookStats } from '@tickgate/client';
import { canonicalDecimal, compareDecimals, decodeBook, type Book, type BookLevel } from '@tickgate/schema';
import { median } from './common.js';

const { values: args } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' }, json: { type: 'string' } } });
const N = Number(args.messages);
const ROUNDS = Number(args.rounds);

function priceOf(i: number): string {
  return canonicalDecimal(`${97_000 + Math.floor(i / 100)}.${String(i % 100).padStart(2, '0')}`);
}

let s = 7;
const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
const base: Omit<Book, 'action' | 'seq' | 'updateId' | 'bids' | 'asks'> = { v: 1, type: 'book', venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', receiveTime: 1_767_225_600_000_000 };
const snapshot: Book = {
  ...base,
  action: 'snapshot',
  seq: 1,
  updateId: '1',
  depth: 20,
  bids: Array.from({ length: 20 }, (_, i) => [priceOf(5000 - i), '1.5'] as BookLevel),
  asks: Array.from({ length: 20 }, (_, i) => [priceOf(5001 + i), '2.25'] as BookLevel),
};
const payloads: string[] = [];
for (let i = 0; i < N; i++) {
  const side = (below: boolean) => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => [priceOf(below ? 5000 - Math.floor(rand() * 20) : 5001 + Math.floor(rand() * 20)), rand() < 0.1 ? '0' : canonicalDecimal(`${1 + Math.floor(rand() * 9)}.${Math.floor(rand() * 90) + 10}`)] as BookLevel);
  const dedupe = (levels: BookLevel[], descending: boolean) => [...new Map(levels.map((l) => [l[0], l])).values()].sort((a, b) => (descending ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
  payloads.push(JSON.stringify({ ...base, action: 'delta', seq: i + 2, updateId: String(i + 2), bids: dedupe(side(true), true), asks: dedupe(side(false), false) }));
}
const snapshotText = JSON.stringify(snapshot);

function cpuNs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) * 1000;
}

let sink: unknown;
const stats = (): LocalBookStats => ({ received: 0, delivered: 0, malformed: 0, resyncs: 0, crossed: 0, skipped: 0 }) as unknown as LocalBookStats;
const approaches = {
  'JSON.parse alone': () => {
    for (const p of payloads) sink = JSON.parse(p);
  },
  'decodeBook + LocalBook.apply (client.books() per message)': () => {
    const book = new LocalBook({ depth: 20, stats: stats() });
    book.apply(decodeBook(snapshotText));
    for (const p of payloads) sink = book.apply(decodeBook(p));
  },
  'LocalBook.apply alone (decoded beforehand)': (() => {
    const decoded = payloads.map((p) => JSON.parse(p) as Book);
    return () => {
      const book = new LocalBook({ depth: 20, stats: stats() });
      book.apply(snapshot);
      for (const b of decoded) sink = book.apply(b);
    };
  })(),
};
for (const fn of Object.values(approaches)) fn(); // warm-up
const samples = Object.fromEntries(Object.keys(approaches).map((k) => [k, [] as number[]]));
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(approaches)) samples[name]!.push(cpuNs(fn) / N);
const baseline = median(samples['JSON.parse alone']!);
const results = Object.entries(samples).map(([name, ns]) => ({ name, nsPerMsg: Math.round(median(ns)), ratio: Number((median(ns) / baseline).toFixed(2)) }));
for (const r of results) console.log(`${r.name.padEnd(60)} ${String(r.nsPerMsg).padStart(7)} ns/msg  ${r.ratio.toFixed(2)}x JSON.parse`);
if (args.json) writeFileSync(args.json, `${JSON.stringify({ benchmark: 'client books apply', messages: N, rounds: ROUNDS, results })}\n`);
void sink;
