/**
 * Benchmark child: a core-NATS subscriber on `md.trade.>` that checks every trade arrives once and in
 * order (per instrument, consecutive ids from 1) and measures receive → here latency.
 *
 *   subscriber.ts <nats-url>
 *
 * Latency: `receiveTime` (µs since the epoch, the gateway's clock when the frame arrived) against this
 * process's `performance.timeOrigin + performance.now()` when the message is handed to the callback.
 * Both processes read the same machine clock.
 *
 * IPC: `{ type: 'reset' }` starts a new window (counts, latencies) → `{ type: 'reset' }`;
 * `{ type: 'report' }` → `{ type: 'report', ... }` (window figures and totals since the start).
 */
import { appendFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { percentileSorted, serve } from './common.js';

const url = process.argv[2];
if (!url) throw new Error('usage: subscriber.ts <nats-url>');

const nc = await connect({ servers: url, name: 'tickgate-bench-subscriber', noAsyncTraces: true });
const PREFIX = 'md.trade.binance.';
const lastId = new Map<string, number>();
let total = 0;
let gaps = 0;
let duplicates = 0;
let malformed = 0;

const CAPACITY = 4_000_000;
const latencies = new Float64Array(CAPACITY);
/** `BENCH_LATENCY_TRACE=<file>`: each report appends the window's arrivals as `<receiveTime µs> <latency µs>` lines (to see when slow messages happen). */
const TRACE = process.env['BENCH_LATENCY_TRACE'];
const receiveTimes = TRACE ? new Float64Array(CAPACITY) : undefined;
let windowCount = 0;
let firstAt = 0;
let lastAt = 0;

const timeOrigin = performance.timeOrigin;
const decoder = new TextDecoder();

nc.subscribe('md.trade.>', {
  callback: (_error, msg) => {
    const now = (timeOrigin + performance.now()) * 1000;
    const text = decoder.decode(msg.data);
    const idAt = text.indexOf('"id":"');
    const rtAt = text.indexOf('"receiveTime":');
    if (idAt < 0 || rtAt < 0) {
      malformed++;
      return;
    }
    const id = Number(text.slice(idAt + 6, text.indexOf('"', idAt + 6)));
    const rtEnd = text.indexOf(',', rtAt);
    const receiveTime = Number(text.slice(rtAt + 14, rtEnd < 0 ? text.length - 1 : rtEnd));
    const instrument = msg.subject.startsWith(PREFIX) ? msg.subject.slice(PREFIX.length) : msg.subject;
    const last = lastId.get(instrument) ?? 0;
    if (id === last + 1) lastId.set(instrument, id);
    else if (id <= last) duplicates++;
    else {
      gaps += id - last - 1;
      lastId.set(instrument, id);
    }
    total++;
    if (windowCount === 0) firstAt = now;
    lastAt = now;
    if (windowCount < CAPACITY) {
      latencies[windowCount] = now - receiveTime;
      if (receiveTimes) receiveTimes[windowCount] = receiveTime;
    }
    windowCount++;
  },
});
await nc.flush();

serve(async (message) => {
  switch (message.type) {
    case 'reset':
      windowCount = 0;
      firstAt = 0;
      lastAt = 0;
      return { type: 'reset' };
    case 'report': {
      const n = Math.min(windowCount, CAPACITY);
      if (TRACE && receiveTimes) {
        const lines: string[] = [`# window of ${n}`];
        for (let i = 0; i < n; i++) lines.push(`${receiveTimes[i]} ${Math.round(latencies[i] as number)}`);
        appendFileSync(TRACE, `${lines.join('\n')}\n`);
      }
      const sorted = latencies.slice(0, n).sort();
      return {
        type: 'report',
        total,
        gaps,
        duplicates,
        malformed,
        lastIds: Object.fromEntries(lastId),
        window: {
          count: windowCount,
          spanMs: (lastAt - firstAt) / 1000,
          ratePerSec: windowCount > 1 && lastAt > firstAt ? ((windowCount - 1) * 1e6) / (lastAt - firstAt) : 0,
          latencyUs: n > 0 ? { p50: percentileSorted(sorted, 0.5), p99: percentileSorted(sorted, 0.99), p999: percentileSorted(sorted, 0.999), max: sorted[n - 1] } : undefined,
        },
      };
    }
    case 'close':
      await nc.drain();
      return { type: 'closed' };
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});
process.send?.({ type: 'started' });
