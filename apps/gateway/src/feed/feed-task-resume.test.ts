import { binance } from '@tickgate/adapter-binance';
import { bybit } from '@tickgate/adapter-bybit';
import { RestClient, silentLogger, type VenueAdapter } from '@tickgate/core';
import { bybitTradeId, startBybitSim } from '@tickgate/exchange-sim';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import type { Status, Trade } from '@tickgate/schema';
import { waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedConfig } from '../config/index.js';
import { GatewayMetrics } from '../metrics.js';
import type { LastStored } from '../resume/decision.js';
import { FeedTask } from './feed-task.js';

// A feed task in process against a simulator, with the stream's last stored trade given by the test:
// the resume rules the process-level tests (test/restart-resume.test.ts) cannot reach deterministically.

type Event = Trade | Status;
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface Running {
  task: FeedTask;
  events: Event[];
  trades(): string[];
  statuses(): Status[];
  /** The stream's last stored trade, as the task will read it next. */
  stored: { current: LastStored | undefined };
}

async function runTask(adapter: VenueAdapter, urls: { wsUrl: string; restUrl: string }, instrument: string, stored?: LastStored, reconcile: Record<string, unknown> = {}): Promise<Running> {
  const rest = new RestClient({ baseUrl: urls.restUrl, limits: adapter.rest.limits, venue: adapter.venue });
  cleanups.push(() => rest.close());
  const events: Event[] = [];
  const box = { current: stored };
  const task = new FeedTask({
    name: adapter.venue,
    feed: FeedConfig.parse({
      venue: adapter.venue,
      instruments: [instrument],
      wsUrl: urls.wsUrl,
      restUrl: urls.restUrl,
      reconcile: { priceCheckIntervalMs: 0, ...reconcile },
      connection: { backoffBaseMs: 20, backoffCapMs: 100 },
    }),
    configPath: 'feeds.0',
    adapter,
    rest,
    sink: {
      publishTrade: (t) => {
        events.push(t);
      },
      publishStatus: (s) => {
        events.push(s);
        return Promise.resolve();
      },
    },
    logger: silentLogger,
    metrics: new GatewayMetrics({ processMetrics: false }),
    lastStored: () => Promise.resolve(box.current),
  });
  cleanups.push(() => task.stop());
  await task.start();
  await waitFor(() => task.health().state === 'live', { timeoutMs: 10_000, intervalMs: 10, message: 'the feed live' });
  return {
    task,
    events,
    stored: box,
    trades: () => events.filter((e): e is Trade => e.type === 'trade').map((t) => t.id),
    statuses: () => events.filter((e): e is Status => e.type === 'status' && e.instrument !== undefined),
  };
}

async function binanceSim(): Promise<BinanceSim> {
  const sim = await startBinanceSim({ seed: 5 });
  cleanups.push(() => sim.close());
  return sim;
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('FeedTask resume from the stream', () => {
  it('after a NATS reconnect, goes on after ids the stream holds beyond its own (another replica), and never back', async () => {
    const sim = await binanceSim();
    const r = await runTask(binance, sim, 'BTC-USDT');
    sim.market.generate('BTCUSDT', 10);
    await waitFor(() => r.trades().at(-1) === '10', { timeoutMs: 5_000, intervalMs: 5 });
    // Another replica got ahead: the stream holds up to 15.
    r.stored.current = { id: '15', tradeTime: sim.market.trades('BTCUSDT').at(-1)!.timeUs };
    await r.task.resyncWithStream();
    sim.market.generate('BTCUSDT', 10);
    await waitFor(() => r.trades().at(-1) === '20', { timeoutMs: 5_000, intervalMs: 5 });
    expect(r.trades()).toEqual([...ids(1, 10), ...ids(16, 20)]);
    // The stream behind what this gateway released: nothing moves back, nothing is sent again.
    r.stored.current = { id: '12', tradeTime: sim.market.trades('BTCUSDT').at(-1)!.timeUs };
    await r.task.resyncWithStream();
    sim.market.generate('BTCUSDT', 5);
    await waitFor(() => r.trades().at(-1) === '25', { timeoutMs: 5_000, intervalMs: 5 });
    expect(r.trades()).toEqual([...ids(1, 10), ...ids(16, 25)]);
    expect(r.statuses()).toEqual([]);
  });

  it('ids without order (Bybit): one unrecoverable bounded by exchange times, before the first live trade', async () => {
    const sim = await startBybitSim({ seed: 3 });
    cleanups.push(() => sim.close());
    const before = sim.market.generate('BTCUSDT', 5);
    const last = before.at(-1)!;
    const stored = { id: bybitTradeId(last), tradeTime: Math.floor(last.timeUs / 1000) * 1000 };
    const r = await runTask(bybit, { wsUrl: `${sim.wsUrl}/v5/public/spot`, restUrl: sim.restUrl }, 'BTC-USDT', stored);
    const after = sim.market.generate('BTCUSDT', 5);
    await waitFor(() => r.trades().length === 5, { timeoutMs: 5_000, intervalMs: 5 });
    expect(r.trades()).toEqual(after.map(bybitTradeId));
    const firstLive = r.events.find((e): e is Trade => e.type === 'trade')!;
    expect(r.statuses()).toEqual([
      expect.objectContaining({ state: 'unrecoverable', venue: 'bybit', instrument: 'BTC-USDT', fromTime: stored.tradeTime, toTime: firstLive.tradeTime, lastId: stored.id, reason: 'restart' }),
    ]);
    expect(r.statuses()[0]!.fromId).toBeUndefined();
    expect(r.events.indexOf(r.statuses()[0]!)).toBeLessThan(r.events.indexOf(firstLive));
  });

  it('a stop with a gap open: the trades held behind it stay unpublished, and a gap (shutdown) names the last id published', async () => {
    const sim = await binanceSim();
    const r = await runTask(binance, sim, 'BTC-USDT');
    sim.market.generate('BTCUSDT', 5);
    await waitFor(() => r.trades().at(-1) === '5', { timeoutMs: 5_000, intervalMs: 5 });
    sim.faults.restErrors({ durationMs: 30_000 });
    sim.faults.skipFrames(3);
    sim.market.generate('BTCUSDT', 6); // 6..8 missing, 9..11 held
    await waitFor(() => r.statuses().some((s) => s.state === 'gap'), { timeoutMs: 5_000, intervalMs: 5 });
    await r.task.stop({ backfillUntilMs: Date.now() + 300 });
    expect(r.trades()).toEqual(ids(1, 5));
    expect(r.statuses()).toEqual([
      expect.objectContaining({ state: 'gap', fromId: '6', toId: '8', reason: 'jump' }),
      expect.objectContaining({ state: 'gap', instrument: 'BTC-USDT', lastId: '5', reason: 'shutdown' }),
    ]);
  });

  it('a stop lets a backfill in flight finish within its budget: the gap is filled, no shutdown gap', async () => {
    const sim = await binanceSim();
    const r = await runTask(binance, sim, 'BTC-USDT');
    sim.market.generate('BTCUSDT', 5);
    await waitFor(() => r.trades().at(-1) === '5', { timeoutMs: 5_000, intervalMs: 5 });
    sim.faults.restLatency(500, { requests: 1 });
    sim.faults.skipFrames(3);
    sim.market.generate('BTCUSDT', 6);
    await waitFor(() => r.statuses().some((s) => s.state === 'gap'), { timeoutMs: 5_000, intervalMs: 5 });
    await r.task.stop({ backfillUntilMs: Date.now() + 5_000 });
    expect(r.trades()).toEqual(ids(1, 11));
    expect(r.statuses().map((s) => `${s.state}:${s.reason}`)).toEqual(['gap:jump', 'recovered:jump']);
    // Status after data: `recovered` follows trade 8, the last of its range.
    expect(r.events.findIndex((e) => e.type === 'status' && e.state === 'recovered')).toBeGreaterThan(r.events.findIndex((e) => e.type === 'trade' && e.id === '8'));
  });

  it('a start within the look-back resumes after the stored id: gap (restart), the REST trades, recovered', async () => {
    const sim = await binanceSim();
    sim.market.generate('BTCUSDT', 30); // made before the start; the stream holds up to 10
    const stored = { id: '10', tradeTime: sim.market.trades('BTCUSDT')[9]!.timeUs };
    const r = await runTask(binance, sim, 'BTC-USDT', stored);
    sim.market.generate('BTCUSDT', 3);
    await waitFor(() => r.trades().at(-1) === '33', { timeoutMs: 5_000, intervalMs: 5 });
    expect(r.trades()).toEqual(ids(11, 33));
    expect(r.statuses()).toEqual([
      expect.objectContaining({ state: 'gap', fromId: '11', toId: '30', count: 20, reason: 'restart' }),
      expect.objectContaining({ state: 'recovered', fromId: '11', toId: '30', count: 20, reason: 'restart' }),
    ]);
    const sources = r.events.filter((e): e is Trade => e.type === 'trade').map((t) => t.source);
    expect(sources).toEqual([...Array<string>(20).fill('rest'), 'ws', 'ws', 'ws']);
  });
});
