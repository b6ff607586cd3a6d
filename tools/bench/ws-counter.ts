/**
 * Benchmark child: the raw WebSocket ceiling's client. Connects to the simulator's combined stream (as
 * the gateway does) and counts frames without parsing them.
 *
 *   ws-counter.ts <ws-url>
 *
 * IPC: `{ type: 'report' }` → `{ type: 'report', count, spanMs, ratePerSec }` (since the previous report).
 */
import { WebSocket } from 'ws';
import { serve } from './common.js';

const url = process.argv[2];
if (!url) throw new Error('usage: ws-counter.ts <ws-url>');
const ws = new WebSocket(url);
let count = 0;
let firstAt = 0;
let lastAt = 0;
ws.on('message', () => {
  const now = performance.now();
  if (count === 0) firstAt = now;
  lastAt = now;
  count++;
});
await new Promise<void>((resolveOpen, reject) => {
  ws.once('open', () => resolveOpen());
  ws.once('error', reject);
});

serve(async (message) => {
  if (message.type !== 'report') throw new Error(`unknown request ${message.type}`);
  const reply = { type: 'report', count, spanMs: lastAt - firstAt, ratePerSec: count > 1 ? ((count - 1) * 1000) / (lastAt - firstAt) : 0 };
  count = 0;
  return reply;
});
process.send?.({ type: 'started' });
