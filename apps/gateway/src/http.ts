import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from './gateway.js';

/** What the HTTP endpoints read. */
export interface HttpProbe {
  /** `/readyz`: ready when NATS is connected and every feed is ready (see `Gateway.readiness`). */
  readiness(): Readiness;
  /** `/metrics`: Prometheus text. */
  metrics(): Promise<string>;
  readonly metricsContentType: string;
}

/** `/healthz` (alive), `/readyz` (ready, and which parts are not), `/metrics` (Prometheus). */
export async function startHttp(probe: HttpProbe, options: { port: number; host: string }): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
    } else if (path === '/readyz') {
      const r = probe.readiness();
      const notReady = [...(r.nats.connected ? [] : ['nats']), ...r.feeds.filter((f) => !f.ready).map((f) => `feed:${f.name}`)];
      const body = { status: r.ready ? 'ready' : 'not ready', notReady, nats: r.nats, instruments: r.instruments, feeds: r.feeds };
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');
    } else if (path === '/metrics') {
      probe.metrics().then(
        (text) => res.writeHead(200, { 'content-type': probe.metricsContentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz, /readyz or /metrics\n');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
