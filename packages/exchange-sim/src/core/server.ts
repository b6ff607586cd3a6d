import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** An HTTP answer to a WebSocket upgrade that is refused. */
export interface UpgradeRefusal {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface SimServerOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Plain HTTP requests (REST, control endpoint). */
  readonly handleHttp: (req: IncomingMessage, res: ServerResponse) => void;
  /** Decide on a WebSocket upgrade: a refusal, or undefined to accept. */
  readonly checkUpgrade: (req: IncomingMessage) => UpgradeRefusal | undefined;
  /** An accepted WebSocket. */
  readonly onConnection: (ws: WebSocket, req: IncomingMessage) => void;
}

export interface SimServer {
  readonly host: string;
  readonly port: number;
  readonly http: Server;
  readonly wss: WebSocketServer;
  /** Terminate every socket and stop listening. */
  close(): Promise<void>;
}

/** One HTTP server and one WebSocket server sharing a port: the scaffolding of every venue simulator. */
export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1';
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const http = createServer((req, res) => options.handleHttp(req, res));
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let refusal: UpgradeRefusal | undefined;
    try {
      refusal = options.checkUpgrade(req);
    } catch {
      refusal = { status: 500 };
    }
    if (refusal) {
      writeRefusal(socket, refusal);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => options.onConnection(ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    http,
    wss,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function writeRefusal(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = refusal.body ?? '';
  const headers: Record<string, string> = {
    Connection: 'close',
    'Content-Length': String(Buffer.byteLength(body)),
    ...(body ? { 'Content-Type': 'application/json;charset=UTF-8' } : {}),
    ...refusal.headers,
  };
  const head = [`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
