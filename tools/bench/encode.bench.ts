/**
 * Micro-benchmark behind the publisher's encoding choices (`docs/benchmarks.md`): ns per trade of
 * - `TextEncoder.encode` of the payload and of the `Nats-Msg-Id` header block, against `Buffer.from`;
 * - one `Buffer.from` of header and payload together, sliced in two;
 * - `serializeTrade` alone, against a variant that caches the per-instrument start of the JSON.
 * 1,000 distinct trades, `--n` iterations per variant, `--rounds` interleaved rounds; medians.
 *
 *   node --conditions=@tickgate/source --import tsx tools/bench/encode.bench.ts [--n 1000000] [--rounds 5]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { MSG_ID_HEADER, serializeTrade, tradeMsgId, type Trade } from '@tickgate/schema';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' } } });
const N = Number(values.n);
const ROUNDS = Number(values.rounds);

const trades: Trade[] = Array.from({ length: 1_000 }, (_, i) => ({
  v: 1,
  type: 'trade',
  venue: 'binance',
  instrument: 'BTC-USDT',
  symbol: 'BTCUSDT',
  id: String(5_000_000_000 + i),
  price: `97${i % 1_000}.45`,
  quantity: '0.00123',
  side: i % 2 ? 'buy' : 'sell',
  tradeTime: 1_732_400_000_000_000 + i,
  receiveTime: 1_732_400_000_001_000 + i,
  source: 'ws',
}));

const encoder = new TextEncoder();
const header = (t: Trade): string => `NATS/1.0\r\n${MSG_ID_HEADER}: ${tradeMsgId(t.venue, t.instrument, t.id)}\r\n\r\n`;
const prefixes = new Map<string, string>();
function serializeCached(t: Trade): string {
  let prefix = prefixes.get(t.instrument);
  if (prefix === undefined) {
    prefix = serializeTrade(t).slice(0, serializeTrade(t).indexOf('"id":') + 5);
    prefixes.set(t.instrument, prefix);
  }
  return `${prefix}"${t.id}","price":"${t.price}","quantity":"${t.quantity}","side":"${t.side}","tradeTime":${t.tradeTime},"receiveTime":${t.receiveTime},"source":"${t.source}"}`;
}

let sink = 0;
const variants: Record<string, (t: Trade) => void> = {
  'TextEncoder: header + payload': (t) => {
    sink += encoder.encode(header(t)).length + encoder.encode(serializeTrade(t)).length;
  },
  'Buffer.from: header + payload': (t) => {
    sink += Buffer.from(header(t)).length + Buffer.from(serializeTrade(t)).length;
  },
  'Buffer.from once, sliced': (t) => {
    const h = header(t);
    const all = Buffer.from(h + serializeTrade(t));
    const cut = Buffer.byteLength(h);
    sink += all.subarray(0, cut).length + all.subarray(cut).length;
  },
  'serializeTrade alone': (t) => {
    sink += serializeTrade(t).length;
  },
  'serializeTrade, cached prefix': (t) => {
    sink += serializeCached(t).length;
  },
};

for (const t of trades) if (serializeCached(t) !== serializeTrade(t)) throw new Error('the cached-prefix variant differs from serializeTrade');

const samples = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, f] of Object.entries(variants)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f(trades[i % 1_000] as Trade);
    samples.get(name)?.push(Number(process.hrtime.bigint() - t0) / N);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
for (const [name, xs] of samples) console.log(`${name.padEnd(32)} ${median(xs).toFixed(0).padStart(6)} ns/trade`);
console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}${sink > 0 ? '' : ' '}`);
