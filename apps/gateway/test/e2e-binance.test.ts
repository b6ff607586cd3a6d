import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { NatsServer, waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { countInStream, expectExactHistory, readStream, spawnGateway, waitForCount, type GatewayProcess } from './harness.js';

const SUBJECT = 'md.trade.binance.BTC-USDT';

describe('gateway end to end: simulator → built gateway → nats-server', () => {
  let nats: NatsServer | undefined;
  let sim: BinanceSim | undefined;
  let gateway: GatewayProcess | undefined;
  let nc: NatsConnection | undefined;

  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    await nc?.close();
    await sim?.close();
    await nats?.stop();
    gateway = undefined;
    nc = undefined;
    sim = undefined;
    nats = undefined;
  });

  async function startAll(config: { connection?: Record<string, unknown>; reconcile?: Record<string, unknown> } = {}, simOptions: Parameters<typeof startBinanceSim>[0] = {}) {
    nats = await NatsServer.start();
    sim = await startBinanceSim({ seed: 7, ...simOptions });
    gateway = await spawnGateway({
      nats: { servers: [nats.url], stream: 'MD' },
      feeds: [
        {
          venue: 'binance',
          instruments: ['BTC-USDT'],
          wsUrl: sim.wsUrl,
          restUrl: sim.restUrl,
          connection: { backoffBaseMs: 50, backoffCapMs: 200, ...config.connection },
          reconcile: { priceCheckIntervalMs: 0, ...config.reconcile },
        },
      ],
    });
    nc = await connect({ servers: nats.url });
    await gateway.waitForLog((l) => l['msg'] === 'feed live');
    return { nats, sim, gateway, nc };
  }

  /** Make `n` trades, `perBatch` at a time, letting the event loop turn between batches. */
  async function trade(s: BinanceSim, n: number, perBatch = 10) {
    for (let made = 0; made < n; made += perBatch) {
      s.market.generate('BTCUSDT', Math.min(perBatch, n - made));
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  it('publishes every simulator trade exactly once, in order, with every field right', async () => {
    const { sim, nc, gateway } = await startAll();
    await trade(sim, 500);
    await waitForCount(nc, 'MD', SUBJECT, 500);
    const published = await readStream(nc, 'MD', SUBJECT);
    const { ws } = expectExactHistory(published, sim.market.trades('BTCUSDT'), 'BTC-USDT');
    expect(ws).toBe(500);
    // Graceful stop: exit 0 well within 10 s.
    const started = Date.now();
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('loses and duplicates nothing across abrupt drops, polite closes, shutdown notices and rotations', async () => {
    const { sim, nc } = await startAll({ connection: { lifetimeMs: 1_500 } });
    const live = () => sim.connections.count > 0;
    await trade(sim, 100);
    const faults: Array<[string, () => void]> = [
      ['drop', () => sim.faults.dropConnections()],
      ['close', () => sim.faults.closeConnections({ code: 1001, reason: 'going away' })],
      ['shutdown notice', () => sim.faults.sendServerShutdown()],
      ['drop', () => sim.faults.dropConnections()],
      ['close', () => sim.faults.closeConnections({ code: 1000, reason: 'bye' })],
      ['shutdown notice', () => sim.faults.sendServerShutdown()],
    ];
    for (const [, inject] of faults) {
      inject();
      await trade(sim, 60, 5); // trades keep coming while the gateway reconnects
      await waitFor(live, { timeoutMs: 10_000, message: 'gateway reconnected' });
      await trade(sim, 40, 5);
    }
    // Rotation by lifetime happened too (1.5 s lifetime during this run).
    const total = sim.market.lastId('BTCUSDT')!;
    await waitFor(async () => (await countInStream(nc, 'MD', SUBJECT)) >= total - 0, { timeoutMs: 30_000, intervalMs: 100, message: `all ${total} trades in the stream` });
    const published = await readStream(nc, 'MD', SUBJECT);
    const { rest } = expectExactHistory(published, sim.market.trades('BTCUSDT'), 'BTC-USDT');
    expect(rest).toBeGreaterThan(0); // gaps were filled from REST
  });
});

describe('gateway process: bad configuration', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown key', { feeds: [{ venue: 'binance', instruments: ['BTC-USDT'] }], nats: { sever: 1 } }, /^tickgate: config error: nats\.sever: unknown key\n$/],
    ['a wrong type', { feeds: [{ venue: 'binance', instruments: 'BTC-USDT' }] }, /^tickgate: config error: feeds\.0\.instruments: expected array, received string\n$/],
    ['a bad URL', { feeds: [{ venue: 'binance', instruments: ['BTC-USDT'], wsUrl: 'localhost:9443' }] }, /^tickgate: config error: feeds\.0\.wsUrl: not a WebSocket URL/],
  ])('exits 2 with one clear line for %s', async (_name, config, message) => {
    const gw = await spawnGateway(config);
    expect(await gw.exited).toBe(2);
    expect(gw.stderr()).toMatch(message);
    expect(gw.stderr().trim().split('\n')).toHaveLength(1);
  });
});

describe('gateway process: files and venues', () => {
  it('exits 2 naming a missing config file', async () => {
    const { spawn } = await import('node:child_process');
    const { GATEWAY_MAIN } = await import('./harness.js');
    const proc = spawn(process.execPath, [GATEWAY_MAIN, '--config', '/nonexistent/tickgate.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(2);
    expect(err).toBe('tickgate: config error: config file not found: /nonexistent/tickgate.yaml\n');
  });

  it('exits 2 naming an unknown venue', async () => {
    const gw = await spawnGateway({ feeds: [{ venue: 'nasdaq', instruments: ['BTC-USDT'] }] });
    expect(await gw.exited).toBe(2);
    expect(gw.stderr()).toMatch(/^tickgate: config error: feeds\.0\.venue: unknown venue "nasdaq" \(known: binance, bybit, coinbase, kraken, okx/);
  });
});

describe('gateway process: feeds are independent', () => {
  it('a feed that cannot start is reported and the other feed carries on', async () => {
    const nats = await NatsServer.start();
    const sim = await startBinanceSim({ seed: 5 });
    const gw = await spawnGateway({
      nats: { servers: [nats.url] },
      feeds: [
        { venue: 'binance', instruments: ['BTC-USDT'], wsUrl: sim.wsUrl, restUrl: sim.restUrl, reconcile: { priceCheckIntervalMs: 0 } },
        // Not listed by the venue: this feed fails to start.
        { venue: 'binance', instruments: ['DOGE-EUR'], wsUrl: sim.wsUrl, restUrl: sim.restUrl, name: 'doge' },
      ],
    });
    const nc = await connect({ servers: nats.url });
    try {
      const failed = await gw.waitForLog((l) => l['msg'] === 'feed could not start');
      expect(failed['feed']).toBe('doge');
      // The second feed of the config, named by its place there as every config error is.
      expect(failed['err']).toMatch(/^TICKGATE_CONFIG: feeds\.1\.instruments: /);
      await gw.waitForLog((l) => l['msg'] === 'feed live');
      sim.market.generate('BTCUSDT', 50);
      await waitForCount(nc, 'MD', SUBJECT, 50);
      const ready = await fetch(`http://127.0.0.1:${gw.httpPort}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { notReady: string[] }).notReady).toEqual(['feed:doge']);
    } finally {
      await gw.stop('SIGKILL');
      await nc.close();
      await sim.close();
      await nats.stop();
    }
  });
});
