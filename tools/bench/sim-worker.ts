/**
 * Benchmark child: a Binance simulator driven hard from its own process.
 *
 *   sim-worker.ts '<json options>'   options: { symbols: string[] }
 *
 * IPC requests (each answered once):
 * - `{ type: 'ready' }` → `{ type: 'ready', wsUrl, restUrl }`
 * - `{ type: 'connections' }` → `{ type: 'connections', streams: number[] }` (streams per live connection)
 * - `{ type: 'drive', rate, durationMs }` → `{ type: 'driven', generated, lastIds, elapsedMs }`
 *   `rate` > 0: paced, `rate` trades/s over all symbols, in 1 ms steps; `rate` 0: as fast as the
 *   connections drain (at most `HIGH_WATER` bytes buffered per connection).
 *
 * Batches go through the simulator's `createBatchDriver`, which corks every live server socket around
 * each batch so that it leaves in a few large writes; frames and their order are unchanged.
 */
import { startBinanceSim } from '@tickgate/exchange-sim/binance';
import { createBatchDriver } from '@tickgate/exchange-sim/kit';
import { serve, sleep } from './common.js';

const options = JSON.parse(process.argv[2] ?? '{}') as { symbols?: string[] };
const symbols = options.symbols ?? ['BTCUSDT'];

const sim = await startBinanceSim({ symbols, seed: 7, historySize: 20_000 });
const lastIds = new Map<string, number>(symbols.map((s) => [s.toUpperCase(), 0]));
sim.market.onTrades((symbol, trades) => {
  const last = trades[trades.length - 1];
  if (last) lastIds.set(symbol, last.id);
});
const names = [...lastIds.keys()];
const { generate, backlog } = createBatchDriver(sim.market, names);

const HIGH_WATER = 256 * 1024;
const SATURATE_BATCH = 400;

async function drive(rate: number, durationMs: number): Promise<{ generated: number; elapsedMs: number; waits: number; maxBacklog: number }> {
  const started = performance.now();
  let made = 0;
  let waits = 0;
  let maxBacklog = 0;
  if (rate > 0) {
    for (;;) {
      const elapsed = performance.now() - started;
      if (elapsed >= durationMs) break;
      const due = Math.floor((elapsed * rate) / 1000) - made;
      if (due > 0) {
        generate(due);
        made += due;
      }
      await sleep(1);
    }
    const rest = Math.floor((durationMs * rate) / 1000) - made;
    if (rest > 0) {
      generate(rest);
      made += rest;
    }
  } else {
    while (performance.now() - started < durationMs) {
      const pending = backlog();
      maxBacklog = Math.max(maxBacklog, pending);
      if (pending < HIGH_WATER) {
        generate(SATURATE_BATCH);
        made += SATURATE_BATCH;
        await new Promise((r) => setImmediate(r));
      } else {
        waits++;
        await sleep(1);
      }
    }
  }
  return { generated: made, elapsedMs: performance.now() - started, waits, maxBacklog };
}

serve(async (message) => {
  switch (message.type) {
    case 'ready':
      return { type: 'ready', wsUrl: sim.wsUrl, restUrl: sim.restUrl };
    case 'connections':
      return { type: 'connections', streams: sim.connections.list().map((c) => c.streams.length) };
    case 'drive': {
      const result = await drive(Number(message['rate'] ?? 0), Number(message['durationMs'] ?? 1000));
      return { type: 'driven', ...result, lastIds: Object.fromEntries(lastIds) };
    }
    case 'close':
      await sim.close();
      return { type: 'closed' };
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});
process.send?.({ type: 'started' });
