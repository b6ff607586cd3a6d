import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { NatsCluster, NatsServer, waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { countInStream, expectExactHistory, readStream, spawnGateway, waitForCount } from './harness.js';
import { metricValue, readyz, scrape } from './metrics-text.js';

const SUBJECT = 'md.trade.binance.BTC-USDT';

function feed(sim: BinanceSim, extra: Record<string, unknown> = {}) {
  return {
    venue: 'binance',
    instruments: ['BTC-USDT'],
    wsUrl: sim.wsUrl,
    restUrl: sim.restUrl,
    connection: { backoffBaseMs: 50, backoffCapMs: 200 },
    reconcile: { priceCheckIntervalMs: 0 },
    ...extra,
  };
}

async function trade(sim: BinanceSim, n: number, perBatch = 10) {
  for (let made = 0; made < n; made += perBatch) {
    sim.market.generate('BTCUSDT', Math.min(perBatch, n - made));
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('operating the gateway', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  });
  async function startNats() {
    const nats = await NatsServer.start();
    cleanups.push(() => nats.stop());
    return nats;
  }
  async function startSim(options: Parameters<typeof startBinanceSim>[0] = {}) {
    const sim = await startBinanceSim({ seed: 11, ...options });
    cleanups.push(() => sim.close());
    return sim;
  }
  async function gateway(config: Record<string, unknown>) {
    const gw = await spawnGateway(config);
    cleanups.push(() => gw.stop('SIGKILL'));
    return gw;
  }
  async function client(servers: string | string[]) {
    const nc = await connect({ servers });
    cleanups.push(() => nc.close());
    return nc;
  }

  it('/metrics counters move consistently with what reached NATS', async () => {
    const nats = await startNats();
    const sim = await startSim();
    const gw = await gateway({ nats: { servers: [nats.url] }, feeds: [feed(sim)] });
    const nc = await client(nats.url);
    await gw.waitForLog((l) => l['msg'] === 'feed live');
    expect((await fetch(`http://127.0.0.1:${gw.httpPort}/healthz`)).status).toBe(200);

    await trade(sim, 200);
    await waitForCount(nc, 'MD', SUBJECT, 200);
    sim.faults.malformFrames(3);
    await trade(sim, 50);
    const lives = () => gw.logs.filter((l) => l['msg'] === 'feed live').length;
    const livesBefore = lives();
    sim.faults.dropConnections();
    await waitFor(() => lives() > livesBefore, { timeoutMs: 10_000, message: 'the gateway reconnected' });
    await trade(sim, 50);
    await waitForCount(nc, 'MD', SUBJECT, 300);

    // Metrics are sampled every second: wait until they have caught up with the stream.
    let text = '';
    await waitFor(
      async () => {
        text = await scrape(gw.httpPort);
        const published = metricValue(text, 'tickgate_trades_published_total', { venue: 'binance', instrument: 'BTC-USDT' });
        const ws = metricValue(text, 'tickgate_trades_published_total', { source: 'ws' });
        // Frames and reconnects are sampled once a second; published trades count at once.
        return (
          published === 300 &&
          metricValue(text, 'tickgate_reconnects_total', { venue: 'binance' }) >= 1 &&
          metricValue(text, 'tickgate_frames_received_total', { venue: 'binance' }) >= ws
        );
      },
      { timeoutMs: 20_000, message: 'metrics to count 300 published trades and a reconnect' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${text.split('\n').filter((l) => l.startsWith('tickgate_')).join('\n')}`);
    });
    const inStream = await countInStream(nc, 'MD', SUBJECT);
    const ws = metricValue(text, 'tickgate_trades_published_total', { source: 'ws' });
    const rest = metricValue(text, 'tickgate_trades_published_total', { source: 'rest' });
    expect(ws + rest).toBe(inStream);
    expect(rest).toBeGreaterThanOrEqual(3); // the malformed frames' trades came from REST
    expect(metricValue(text, 'tickgate_rejections_total', { venue: 'binance' })).toBe(3);
    expect(metricValue(text, 'tickgate_frames_received_total', { venue: 'binance' })).toBeGreaterThanOrEqual(ws);
    expect(metricValue(text, 'tickgate_gaps_total', { venue: 'binance' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'tickgate_trades_recovered_total', { venue: 'binance' })).toBe(rest);
    expect(metricValue(text, 'tickgate_rest_requests_total', { venue: 'binance', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(text, 'tickgate_exchange_to_publish_seconds_count', { venue: 'binance' })).toBe(ws);
    expect(metricValue(text, 'tickgate_feed_state', { feed: 'binance', state: 'live' })).toBe(1);
    expect(metricValue(text, 'tickgate_nats_connected')).toBe(1);
    // The gap was filled: no gap open on the instrument.
    expect(text).toMatch(/^tickgate_gap_open_seconds\{venue="binance",instrument="BTC-USDT"\} 0$/m);
    // prom-client's process and Node.js metrics under their standard names.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(text).not.toMatch(/^tickgate_(process|nodejs)_/m);
  }, 90_000);

  it('/readyz turns unready when NATS or the feed is down, and ready again after', async () => {
    const nats = await startNats();
    const sim = await startSim();
    const gw = await gateway({ nats: { servers: [nats.url] }, feeds: [feed(sim, { reconcile: { priceCheckIntervalMs: 0, fallbackAfterMs: 60_000 } })] });
    await waitFor(async () => (await readyz(gw.httpPort)).status === 200, { timeoutMs: 15_000, message: 'ready' });

    await nats.kill();
    const down = await waitFor(async () => {
      const r = await readyz(gw.httpPort);
      return r.status === 503 ? r : undefined;
    }, { timeoutMs: 15_000, message: 'unready without NATS' });
    expect(down.body.notReady).toContain('nats');
    expect(down.body.nats.connected).toBe(false);
    await nats.restart();
    await waitFor(async () => (await readyz(gw.httpPort)).status === 200, { timeoutMs: 20_000, message: 'ready after NATS is back' });

    // The venue goes away (stream and REST): unready, naming the feed. It comes back on the same port
    // with the trade ids carrying on.
    const port = sim.port;
    const nextId = (sim.market.lastId('BTCUSDT') ?? 0) + 1;
    await sim.close();
    const feedDown = await waitFor(async () => {
      const r = await readyz(gw.httpPort);
      return r.status === 503 ? r : undefined;
    }, { timeoutMs: 10_000, message: 'unready while the feed is down' });
    expect(feedDown.body.notReady).toEqual(['feed:binance']);
    // fallback polling is a minute away (fallbackAfterMs): the instrument is named, its stream down
    expect(feedDown.body.instruments).toMatchObject([{ venue: 'binance', feed: 'binance', instrument: 'BTC-USDT', reason: 'stream-down' }]);
    await startSim({ port, tradeIdStart: nextId });
    await waitFor(async () => (await readyz(gw.httpPort)).status === 200, { timeoutMs: 20_000, message: 'ready after the feed is back' });
  }, 90_000);

  it('two replicas on the same feed store each trade once; killing one loses nothing', async () => {
    const nats = await startNats();
    const sim = await startSim();
    const config = { nats: { servers: [nats.url] }, feeds: [feed(sim)] };
    const a = await gateway(config);
    const b = await gateway(config);
    const nc = await client(nats.url);
    await Promise.all([a.waitForLog((l) => l['msg'] === 'feed live'), b.waitForLog((l) => l['msg'] === 'feed live')]);
    await trade(sim, 300);
    await waitForCount(nc, 'MD', SUBJECT, 300);
    await a.stop('SIGKILL');
    await trade(sim, 300);
    const total = sim.market.lastId('BTCUSDT')!;
    await waitForCount(nc, 'MD', SUBJECT, total);
    const published = await readStream(nc, 'MD', SUBJECT);
    expectExactHistory(published, sim.market.trades('BTCUSDT'), 'BTC-USDT');
  }, 90_000);

  it('a 3-node NATS cluster with a 3-replica stream: killing a node mid-run loses nothing', async () => {
    const cluster = await NatsCluster.start(3);
    cleanups.push(() => cluster.stop());
    const sim = await startSim();
    const gw = await gateway({ nats: { servers: cluster.urls, replicas: 3 }, feeds: [feed(sim)] });
    await gw.waitForLog((l) => l['msg'] === 'feed live', 60_000);
    const nc: NatsConnection = await client(cluster.urls[2]!);
    await trade(sim, 300);
    await waitForCount(nc, 'MD', SUBJECT, 300);
    await cluster.servers[0]!.kill();
    await trade(sim, 300);
    const total = sim.market.lastId('BTCUSDT')!;
    await waitForCount(nc, 'MD', SUBJECT, total, 60_000);
    const published = await readStream(nc, 'MD', SUBJECT);
    expectExactHistory(published, sim.market.trades('BTCUSDT'), 'BTC-USDT');
  }, 120_000);
});
