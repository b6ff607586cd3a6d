import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { silentLogger, type Logger } from '@tickgate/core';
import { NatsServer } from '@tickgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamConfigError } from './errors.js';
import { ensureStream } from './stream.js';

describe('ensureStream', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let nc2: NatsConnection;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url, noAsyncTraces: true });
    nc2 = await connect({ servers: server.url, noAsyncTraces: true });
  });
  afterAll(async () => {
    await nc?.close();
    await nc2?.close();
    await server?.stop();
  });

  it('creates the stream with the defaults, then reports it unchanged', async () => {
    const created = await ensureStream(nc, { name: 'DEFAULTS' });
    expect(created.action).toBe('created');
    expect(created.info.config.subjects).toEqual(['md.trade.>', 'md.status.>']);
    expect(created.info.config.duplicate_window).toBe(120_000 * 1_000_000);
    expect(created.info.config.max_age).toBe(86_400_000 * 1_000_000);
    expect(created.info.config.num_replicas).toBe(1);
    expect(created.info.config.storage).toBe('file');
    expect(created.info.config.max_bytes).toBe(-1);

    const again = await ensureStream(nc, { name: 'DEFAULTS' });
    expect(again).toMatchObject({ action: 'unchanged', changes: [] });
  });

  it('updates a stream whose configuration differs and says what changed', async () => {
    await ensureStream(nc, { name: 'UPD', subjects: ['upd.a.>'] });
    const updated = await ensureStream(nc, { name: 'UPD', subjects: ['upd.a.>', 'upd.b.>'], duplicateWindowMs: 60_000, maxAgeMs: 3_600_000, maxBytes: 10_000_000 });
    expect(updated.action).toBe('updated');
    expect(updated.changes).toEqual([
      'subjects: upd.a.> -> upd.a.>,upd.b.>',
      'duplicate_window: 120000 ms -> 60000 ms',
      'max_age: 86400000 ms -> 3600000 ms',
      'max_bytes: -1 -> 10000000',
    ]);
    const info = await (await jetstreamManager(nc)).streams.info('UPD');
    expect(info.config.duplicate_window).toBe(60_000 * 1_000_000);
    expect(info.config.max_bytes).toBe(10_000_000);
    expect((await ensureStream(nc, { name: 'UPD', subjects: ['upd.b.>', 'upd.a.>'], duplicateWindowMs: 60_000, maxAgeMs: 3_600_000, maxBytes: 10_000_000 })).action).toBe('unchanged');
  });

  it('refuses to change the storage type, naming both', async () => {
    await ensureStream(nc, { name: 'STORE', subjects: ['store.>'] });
    const attempt = ensureStream(nc, { name: 'STORE', subjects: ['store.>'], storage: 'memory' });
    await expect(attempt).rejects.toThrow(StreamConfigError);
    await expect(attempt).rejects.toThrow(/uses file storage.*memory/);
  });

  it('reports a configuration the server rejects as a StreamConfigError', async () => {
    await expect(ensureStream(nc, { name: 'TOO-MANY', subjects: ['many.>'], replicas: 3, availabilityTimeoutMs: 1_000 })).rejects.toThrow(StreamConfigError);
  });

  it('retries while JetStream is not available, on a growing backoff, until its deadline', async () => {
    const plain = await NatsServer.start({ jetstream: false });
    const pnc = await connect({ servers: plain.url, noAsyncTraces: true });
    const retries: number[] = [];
    const logger: Logger = {
      ...silentLogger,
      debug: (_o, msg) => {
        if (msg?.startsWith('JetStream not available yet')) retries.push(Date.now());
      },
    };
    try {
      const started = Date.now();
      await expect(ensureStream(pnc, { name: 'NO-JS', logger, availabilityTimeoutMs: 1_500 })).rejects.toThrow();
      const took = Date.now() - started;
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect(took).toBeLessThan(1_500 + 1_000);
    } finally {
      await pnc.close();
      await plain.stop();
    }
  });

  it('lets several gateways create the same stream at once', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ensureStream(i % 2 ? nc : nc2, { name: 'RACE', subjects: ['race.>'] })));
    expect(results.every((r) => r.action === 'created' || r.action === 'unchanged'), JSON.stringify(results.map((r) => [r.action, r.changes]))).toBe(true);
    expect(results.some((r) => r.action === 'created')).toBe(true);
    const names = await (await jetstreamManager(nc)).streams.names().next();
    expect(names.filter((n) => n === 'RACE')).toHaveLength(1);
  });

  it('lets several gateways update the same stream at once', async () => {
    await ensureStream(nc, { name: 'RACE2', subjects: ['race2.>'] });
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => ensureStream(i % 2 ? nc : nc2, { name: 'RACE2', subjects: ['race2.>'], duplicateWindowMs: 30_000 })));
    expect(results.every((r) => r.action === 'updated' || r.action === 'unchanged')).toBe(true);
    const info = await (await jetstreamManager(nc)).streams.info('RACE2');
    expect(info.config.duplicate_window).toBe(30_000 * 1_000_000);
  });

  it('rejects nonsense options before asking the server', async () => {
    await expect(ensureStream(nc, { name: 'BAD', duplicateWindowMs: -1 })).rejects.toThrow(/duplicateWindowMs/);
    await expect(ensureStream(nc, { name: 'BAD', subjects: [] })).rejects.toThrow(/at least one subject/);
  });
});
