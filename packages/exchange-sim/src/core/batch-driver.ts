import { WebSocket } from 'ws';

/** What the driver needs of a market: `Market.generate`. */
export interface GeneratingMarket {
  generate(symbol: string, count: number): unknown;
}

/** Generates trades in corked batches and reports the server sockets' backlog. */
export interface BatchDriver {
  /** Make `count` trades spread evenly over the symbols (the start rotates), inside one cork of every server socket. */
  generate(count: number): void;
  /** Most bytes any server socket holds unsent (`ws` buffer plus the socket's own). */
  backlog(): number;
}

type RawSocket = { cork(): void; uncork(): void; writableLength: number } | undefined;
const raw = (ws: WebSocket): RawSocket => (ws as unknown as { _socket?: RawSocket })._socket;

/** Every server-side socket that has sent a frame, found through `WebSocket.prototype.send` (patched once, on first use). */
const sockets = new Set<WebSocket>();
let tracking = false;

function trackSockets(): void {
  if (tracking) return;
  tracking = true;
  const originalSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function send(this: WebSocket, ...args: Parameters<WebSocket['send']>) {
    if (!sockets.has(this)) {
      sockets.add(this);
      this.once('close', () => sockets.delete(this));
    }
    return originalSend.apply(this, args);
  } as WebSocket['send'];
}

/**
 * For benchmarks: drive a simulator's market hard from its own process. The simulator writes each
 * frame with its own `ws.send`; corking every live server socket around a batch makes the batch leave
 * in a few large writes (what a busy venue's server does too), with frames and order unchanged.
 * Used by the end-to-end benchmark (`tools/bench/sim-worker.ts`) and `bench/trade-path.bench.ts`.
 */
export function createBatchDriver(market: GeneratingMarket, symbols: readonly string[]): BatchDriver {
  if (symbols.length === 0) throw new RangeError('a batch driver needs at least one symbol');
  trackSockets();
  let cursor = 0;
  return {
    generate(count: number): void {
      for (const ws of sockets) raw(ws)?.cork();
      const each = Math.floor(count / symbols.length);
      let rest = count - each * symbols.length;
      for (let i = 0; i < symbols.length; i++) {
        const n = each + (rest > 0 ? 1 : 0);
        if (rest > 0) rest--;
        if (n > 0) market.generate(symbols[(cursor + i) % symbols.length] as string, n);
      }
      cursor = (cursor + (count % symbols.length)) % symbols.length;
      for (const ws of sockets) raw(ws)?.uncork();
    },
    backlog(): number {
      let most = 0;
      for (const ws of sockets) most = Math.max(most, ws.bufferedAmount + (raw(ws)?.writableLength ?? 0));
      return most;
    },
  };
}
