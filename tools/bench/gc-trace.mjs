// Loaded into the gateway by the bench to see what coincides with slow messages:
//   npm run bench -- --only latency --dist --gateway-node-args=--import=./tools/bench/gc-trace.mjs
// Appends to $GC_TRACE_FILE (default ./bench-results/gateway-gc.txt) one line per garbage collection
// longer than 0.5 ms (`<start µs since the epoch> gc <kind> <ms>`) and per event-loop stall, seen as a
// 1 ms timer firing more than 3 ms late (`<µs> stall <ms>`). Compare the times with the subscriber's
// BENCH_LATENCY_TRACE file. The timer itself keeps the process awake: figures taken with it loaded are
// comparable only with each other.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';

const file = resolve(process.env.GC_TRACE_FILE ?? 'bench-results/gateway-gc.txt');
mkdirSync(dirname(file), { recursive: true });
const lines = [];
const us = (ms) => Math.round((performance.timeOrigin + ms) * 1000);
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.duration > 0.5) lines.push(`${us(e.startTime)} gc ${e.detail?.kind} ${e.duration.toFixed(2)}`);
}).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 3) lines.push(`${us(last)} stall ${(now - last).toFixed(2)}`);
  last = now;
}, 1).unref();
setInterval(() => {
  if (lines.length > 0) appendFileSync(file, `${lines.splice(0).join('\n')}\n`);
}, 500).unref();
