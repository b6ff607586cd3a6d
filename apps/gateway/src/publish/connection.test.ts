import { NatsServer, waitFor } from '@tickgate/testing';
import type { Logger } from '@tickgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { connectNats, type GatewayNats } from './connection.js';

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (obj: object | string, msg?: string) => void lines.push(`${level} ${typeof obj === 'string' ? obj : msg ?? ''}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

describe('connectNats', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  it('tracks and logs the connection across a server restart', async () => {
    const server = await NatsServer.start({ jetstream: false });
    cleanup.push(() => server.stop());
    const lines: string[] = [];
    const gn: GatewayNats = await connectNats({ servers: server.url, logger: recordingLogger(lines), reconnectTimeWaitMs: 50, reconnectJitterMs: 10 });
    cleanup.push(() => gn.close());
    expect(gn.connected).toBe(true);
    expect(gn.server).toContain(String(server.port));

    await server.kill();
    await waitFor(() => !gn.connected, { message: 'disconnect seen' });
    await server.restart();
    await waitFor(() => gn.connected, { message: 'reconnect seen' });
    expect(gn.reconnects).toBe(1);
    expect(lines).toEqual(expect.arrayContaining(['info connected to NATS', 'warn disconnected from NATS', 'info reconnected to NATS']));

    await gn.close();
    await gn.close();
    await gn.closed;
    expect(gn.connected).toBe(false);
    expect(lines).toContain('info NATS connection closed');
  });

  it('rejects at once when no server answers, by default', async () => {
    const server = await NatsServer.start({ jetstream: false });
    const url = server.url;
    await server.stop();
    await expect(connectNats({ servers: url, connectTimeoutMs: 1_000 })).rejects.toThrow();
  });
});
