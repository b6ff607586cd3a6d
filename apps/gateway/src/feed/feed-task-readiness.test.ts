import { binance } from '@tickgate/adapter-binance';
import { RestClient, silentLogger } from '@tickgate/core';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { freePort, waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedConfig } from '../config/index.js';
import { GatewayMetrics } from '../metrics.js';
import { FeedTask } from './feed-task.js';

// A feed task in process: its stream from one simulator, its REST from another, so that the stream can
// send ids below the last published while the venue's REST is beyond them.

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function sim(options: Parameters<typeof startBinanceSim>[0] = {}): Promise<BinanceSim> {
  const s = await startBinanceSim({ seed: 5, ...options });
  cleanups.push(() => s.close());
  return s;
}

describe('FeedTask health', () => {
  it('names an instrument whose live ids stay below the last published (the venue beyond it) as ids-backwards, and is ready again once they move past it', async () => {
    const wsPort = await freePort();
    let ws = await sim({ port: wsPort });
    const rest = await sim();
    rest.market.generate('BTCUSDT', 1_000); // REST's latest id: 1000
    const client = new RestClient({ baseUrl: rest.restUrl, limits: binance.rest.limits, venue: 'binance' });
    cleanups.push(() => client.close());
    const task = new FeedTask({
      name: 'binance',
      feed: FeedConfig.parse({
        venue: 'binance',
        instruments: ['BTC-USDT'],
        wsUrl: ws.wsUrl,
        restUrl: rest.restUrl,
        // no REST catch-up after the reconnect below: the ids published stay those of the stream
        reconcile: { priceCheckIntervalMs: 0, catchUpAfterMs: 600_000 },
        connection: { backoffBaseMs: 20, backoffCapMs: 100 },
      }),
      configPath: 'feeds.0',
      adapter: binance,
      rest: client,
      sink: { publishTrade: () => Promise.resolve(), publishStatus: () => Promise.resolve() },
      logger: silentLogger,
      metrics: new GatewayMetrics({ processMetrics: false }),
    });
    cleanups.push(() => task.stop());
    await task.start();
    await waitFor(() => task.health().state === 'live', { timeoutMs: 10_000, intervalMs: 10, message: 'the feed live' });
    await waitFor(() => ws.connections.list().some((c) => c.streams.length > 0), { timeoutMs: 10_000, message: 'subscribed' });
    ws.market.generate('BTCUSDT', 100); // published: 1..100
    await waitFor(() => task.health().ready, { timeoutMs: 10_000, intervalMs: 10, message: 'ready' });

    // The stream starts over at 1; REST says the venue is at 1000, beyond the last published 100.
    await ws.close();
    ws = await sim({ port: wsPort });
    await waitFor(() => ws.connections.list().some((c) => c.streams.length > 0), { timeoutMs: 20_000, message: 'subscribed again' });
    ws.market.generate('BTCUSDT', 60);
    const stuck = await waitFor(
      () => {
        const h = task.health();
        return h.unready?.length ? h : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 10, message: 'ids-backwards named' },
    );
    expect(stuck).toMatchObject({ ready: false, state: 'live', notPublishing: ['BTC-USDT'], unready: [{ instrument: 'BTC-USDT', reason: 'ids-backwards' }] });

    ws.market.generate('BTCUSDT', 50); // ids 61..110: past the last published 100
    await waitFor(() => task.health().ready, { timeoutMs: 10_000, intervalMs: 10, message: 'ready again' });
    expect(task.health()).not.toHaveProperty('unready');
    expect(task.health()).not.toHaveProperty('notPublishing');
  }, 60_000);
});
