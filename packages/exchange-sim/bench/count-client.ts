/**
 * Child process of `trade-path.bench.ts`: one WebSocket client that only counts frames.
 *
 *   count-client.ts <url>
 *
 * IPC: `{ type: 'expect', total }` → `{ type: 'reached', total }` once `total` frames have arrived in all (the
 * count runs over the whole connection, not per request). Sends `{ type: 'open' }` when connected.
 */
import { WebSocket } from 'ws';

const url = process.argv[2];
if (!url) throw new Error('usage: count-client.ts <url>');

let received = 0;
let target = Number.POSITIVE_INFINITY;

const ws = new WebSocket(url, { perMessageDeflate: false });
ws.on('message', () => {
  received++;
  if (received === target) {
    target = Number.POSITIVE_INFINITY;
    process.send?.({ type: 'reached', total: received });
  }
});
ws.on('open', () => process.send?.({ type: 'open' }));
ws.on('error', (error) => {
  process.stderr.write(`count-client: ${String(error)}\n`);
  process.exit(1);
});
ws.on('close', () => process.exit(0));

process.on('message', (message: { type: string; total?: number }) => {
  if (message.type !== 'expect' || typeof message.total !== 'number') return;
  if (received >= message.total) process.send?.({ type: 'reached', total: received });
  else target = message.total;
});
process.on('disconnect', () => ws.terminate());
