import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startBinanceSim, type BinanceSim, type BinanceSimOptions, type SimTrade } from '@tickgate/exchange-sim/binance';
import { canonicalDecimal, TickDecimal, type Status, type Trade } from '@tickgate/schema';
import { NatsServer, waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  countInStream,
  expectExactHistory,
  expectExactHistoryExcept,
  readStream,
  spawnGateway,
  startRestRecorder,
  startSwitchableProxy,
  waitForCount,
  type GatewayProcess,
  type RestRecorder,
  type SwitchableProxy,
} from './harness.js';
import { metricValue, scrape } from './metrics-text.js';

// Issue 5, "no trade lost": the built gateway as a process, the Binance simulator with faults, a real
// nats-server with file-backed JetStream. Each scenario ends by reading the stream: every trade the
// simulator made from the gateway's first one on is there exactly once, in id order, every field right.

const SYMBOL = 'BTCUSDT';
const INSTRUMENT = 'BTC-USDT';
const SUBJECT = 'md.trade.binance.BTC-USDT';
const STATUS_SUBJECT = 'md.status.binance.BTC-USDT';

interface RigOptions {
  sim?: BinanceSimOptions;
  connection?: Record<string, unknown>;
  reconcile?: Record<string, unknown>;
  /** Put a switchable TCP proxy between the gateway and the simulator's WebSocket. */
  wsProxy?: boolean;
  /** Put a recording HTTP proxy between the gateway and the simulator's REST API. */
  restRecorder?: boolean;
}

interface Rig {
  /** Every trade the simulator made, in order (its own history may keep fewer). */
  made: SimTrade[];
  nats: NatsServer;
  sim: BinanceSim;
  gateway: GatewayProcess;
  nc: NatsConnection;
  proxy: SwitchableProxy | undefined;
  recorder: RestRecorder | undefined;
}

describe('no trade lost (issue 5): built gateway, simulator faults, real nats-server', () => {
  let rig: Partial<Rig> = {};

  afterEach(async (context) => {
    if (process.env['NOLOSS_DEBUG'] && context.task.result?.state === 'fail') {
      console.log((rig.gateway?.logs ?? []).filter((l) => l['msg'] !== 'price diverges from the venue ticker').slice(-40).map((l) => JSON.stringify(l)).join('\n'));
      console.log((rig.recorder?.log ?? []).filter((e) => e.path !== '/api/v3/ticker/price').map((e) => JSON.stringify(e)).join('\n'));
      console.log('ticker requests', (rig.recorder?.log ?? []).filter((e) => e.path === '/api/v3/ticker/price').length, 'last id', rig.sim?.market.lastId(SYMBOL), 'in stream', rig.nc ? await countInStream(rig.nc, 'MD', SUBJECT) : -1);
    }
    await rig.gateway?.stop('SIGKILL');
    await rig.nc?.close().catch(() => undefined);
    await rig.proxy?.close();
    await rig.recorder?.close();
    await rig.sim?.close();
    await rig.nats?.stop();
    rig = {};
  });

  async function startRig(options: RigOptions = {}): Promise<Rig> {
    rig.nats = await NatsServer.start();
    rig.sim = await startBinanceSim({ seed: 5, ...options.sim });
    const made: SimTrade[] = [];
    rig.made = made;
    rig.sim.market.onTrades((_symbol, trades) => made.push(...trades));
    if (options.wsProxy) rig.proxy = await startSwitchableProxy(rig.sim.wsUrl);
    if (options.restRecorder) rig.recorder = await startRestRecorder(rig.sim.restUrl);
    rig.gateway = await spawnGateway({
      nats: { servers: [rig.nats.url], stream: 'MD' },
      feeds: [
        {
          venue: 'binance',
          instruments: [INSTRUMENT],
          wsUrl: rig.proxy?.url ?? rig.sim.wsUrl,
          restUrl: rig.recorder?.url ?? rig.sim.restUrl,
          connection: { backoffBaseMs: 20, backoffCapMs: 100, ...options.connection },
          reconcile: { priceCheckIntervalMs: 0, ...options.reconcile },
        },
      ],
    });
    rig.nc = await connect({ servers: rig.nats.url });
    await rig.gateway.waitForLog((l) => l['msg'] === 'feed live');
    return rig as Rig;
  }

  /** Make `n` trades, `perBatch` at a time, letting the event loop turn between batches. */
  async function trade(sim: BinanceSim, n: number, perBatch = 10): Promise<void> {
    for (let made = 0; made < n; made += perBatch) {
      sim.market.generate(SYMBOL, Math.min(perBatch, n - made));
      await new Promise((r) => setImmediate(r));
    }
  }

  async function statusEvents(nc: NatsConnection): Promise<Status[]> {
    return (await readStream(nc, 'MD', STATUS_SUBJECT)).map((p) => p.event as Status);
  }

  /** Wait until the stream holds every simulator trade (less `lost`), then check it exactly. */
  async function expectAllTrades(r: Rig, lost: ReadonlySet<number> = new Set()) {
    const total = r.sim.market.lastId(SYMBOL)! - lost.size;
    await waitForCount(r.nc, 'MD', SUBJECT, total, 40_000);
    const published = await readStream(r.nc, 'MD', SUBJECT);
    const counts = lost.size ? expectExactHistoryExcept(published, r.made, INSTRUMENT, lost) : expectExactHistory(published, r.made, INSTRUMENT);
    expect(Number((published[0]!.event as Trade).id)).toBe(1); // the gateway saw the simulator's first trade
    return { ...counts, published };
  }

  function maxConnectionId(sim: BinanceSim): number {
    return Math.max(0, ...sim.connections.list().map((c) => c.id));
  }

  it('1. a hundred abrupt disconnects in one run', async () => {
    const r = await startRig({ connection: { backoffBaseMs: 5, backoffCapMs: 20, healthyAfterMs: 1 } });
    await trade(r.sim, 20);
    let last = maxConnectionId(r.sim);
    for (let i = 0; i < 100; i++) {
      expect(r.sim.faults.dropConnections()).toBeGreaterThan(0);
      r.sim.market.generate(SYMBOL, 3); // made while the gateway is away: only REST has them
      await waitFor(() => maxConnectionId(r.sim) > last, { timeoutMs: 10_000, intervalMs: 5, message: `reconnect #${i + 1}` });
      last = maxConnectionId(r.sim);
      r.sim.market.generate(SYMBOL, 2);
      await new Promise((res) => setImmediate(res));
    }
    await trade(r.sim, 20);
    const { rest, ws } = await expectAllTrades(r);
    expect(rest).toBeGreaterThanOrEqual(300);
    expect(ws).toBeGreaterThan(0);
    expect(r.sim.faults.counters.dropped).toBe(100);
    await waitFor(async () => metricValue(await scrape(r.gateway.httpPort), 'tickgate_reconnects_total') >= 100, { timeoutMs: 5_000, message: 'reconnects counted' });
  });

  it('2. malformed frames standing in for real trades: rejected, counted, filled from REST', async () => {
    const r = await startRig();
    await trade(r.sim, 20);
    for (let i = 0; i < 10; i++) {
      r.sim.faults.malformFrames(3);
      await trade(r.sim, 15, 5);
    }
    await trade(r.sim, 10);
    const malformed = r.sim.faults.affected.filter((a) => a.fault !== 'skip' && a.fault !== 'duplicate' && a.fault !== 'reorder');
    expect(malformed).toHaveLength(30);
    const { published } = await expectAllTrades(r);
    // The trades whose frames were garbage came from REST; nothing invalid was published.
    const byId = new Map(published.map((p) => [Number((p.event as Trade).id), p.event as Trade]));
    for (const m of malformed) expect(byId.get(m.id)?.source).toBe('rest');
    // Every rejection is counted by the metric; the log names the first ten of the minute one by one.
    await waitFor(async () => metricValue(await scrape(r.gateway.httpPort), 'tickgate_rejections_total', { venue: 'binance' }) === 30, {
      timeoutMs: 5_000,
      message: '30 rejections counted',
    });
    expect(r.gateway.logs.filter((l) => String(l['msg']).startsWith('frame rejected: ')).length).toBe(10);
  });

  it('3. server-side skipped frames: gap then recovered events with the exact ranges', async () => {
    const r = await startRig();
    await trade(r.sim, 20);
    const ranges: Array<[number, number]> = [];
    for (const k of [1, 2, 3, 4, 5, 6, 7, 8, 2_500]) {
      const from = r.sim.market.lastId(SYMBOL)! + 1;
      r.sim.faults.skipFrames(k);
      r.sim.market.generate(SYMBOL, k + 3);
      ranges.push([from, from + k - 1]);
      // Let the gap be seen on its own before the next one opens.
      await waitForCount(r.nc, 'MD', SUBJECT, r.sim.market.lastId(SYMBOL)!);
    }
    await trade(r.sim, 10);
    const { rest } = await expectAllTrades(r);
    expect(rest).toBe(ranges.reduce((n, [a, b]) => n + b - a + 1, 0));
    const events = await statusEvents(r.nc);
    for (const [from, to] of ranges) {
      const gap = events.findIndex((e) => e.state === 'gap' && e.fromId === String(from));
      const recovered = events.findIndex((e) => e.state === 'recovered' && e.fromId === String(from));
      expect(events[gap]).toMatchObject({ venue: 'binance', instrument: INSTRUMENT, fromId: String(from), toId: String(to), count: to - from + 1, reason: 'jump' });
      expect(events[recovered]).toMatchObject({ fromId: String(from), toId: String(to), count: to - from + 1 });
      expect(recovered).toBeGreaterThan(gap);
    }
    expect(events.filter((e) => e.state === 'unrecoverable')).toEqual([]);
  });

  it('4. a stream outage covered by REST polling: trades arrive from REST before the stream returns, the overlap is deduplicated', async () => {
    const r = await startRig({ wsProxy: true, reconcile: { fallbackAfterMs: 300, pollIntervalMs: 100 } });
    const proxy = r.proxy!;
    await trade(r.sim, 30);
    await waitForCount(r.nc, 'MD', SUBJECT, 30);
    r.sim.market.start(100); // trades keep coming, 100 a second, through the outage and the return
    proxy.down();
    const downAt = r.sim.market.lastId(SYMBOL)!;
    await r.gateway.waitForLog((l) => l['msg'] === 'stream down; polling REST (fallback)', 10_000);
    // Several rounds of trades made during the outage reach the stream while it is still down.
    let reached = downAt;
    for (let round = 0; round < 4; round++) {
      if (round === 1) r.sim.market.generate(SYMBOL, 2_500); // a burst: polling pages through it
      const target = r.sim.market.lastId(SYMBOL)! + 20;
      await waitFor(() => r.sim.market.lastId(SYMBOL)! >= target, { timeoutMs: 5_000, message: 'the market trades' });
      await waitForCount(r.nc, 'MD', SUBJECT, target, 10_000);
      expect(proxy.isUp).toBe(false);
      reached = target;
    }
    expect(proxy.refused).toBeGreaterThan(0); // the gateway kept trying to reconnect meanwhile
    const during = (await readStream(r.nc, 'MD', SUBJECT)).map((p) => p.event as Trade).filter((t) => Number(t.id) > downAt && Number(t.id) <= reached);
    expect(during.length).toBe(reached - downAt);
    expect(during.every((t) => t.source === 'rest')).toBe(true);
    const acceptedBefore = proxy.accepted;
    proxy.up();
    await waitFor(() => proxy.accepted > acceptedBefore, { timeoutMs: 10_000, message: 'the gateway reconnected' });
    await r.gateway.waitForLog((l) => l['msg'] === 'stream is back; fallback polling stopped', 10_000);
    // Live trades flow again on the stream.
    const backAt = r.sim.market.lastId(SYMBOL)!;
    await waitFor(async () => (await readStream(r.nc, 'MD', SUBJECT)).some((p) => (p.event as Trade).source === 'ws' && Number((p.event as Trade).id) > backAt + 10), {
      timeoutMs: 10_000,
      intervalMs: 200,
      message: 'live trades after the outage',
    });
    r.sim.market.stop();
    await trade(r.sim, 10);
    await expectAllTrades(r);
    const events = await statusEvents(r.nc);
    expect(events.find((e) => e.state === 'fallback')).toMatchObject({ venue: 'binance', instrument: INSTRUMENT, reason: 'stream-down' });
  });

  it('5. 429 storms and a 418 ban: never past the weight budget, no self-inflicted ban, nothing lost', async () => {
    const limit = 150;
    const r = await startRig({
      sim: { rest: { weightLimit: limit, weightWindowMs: 1_000, banMs: 4_000 } },
      restRecorder: true,
      // Price checks too: their requests must queue behind the backfill, never run beside it.
      reconcile: { holdTimeoutMs: 20_000, priceCheckIntervalMs: 100 },
    });
    const sim = r.sim;
    await trade(sim, 10);
    /** Open `n` separate gaps (one REST page each), waiting for nothing. */
    const gaps = async (n: number) => {
      for (let i = 0; i < n; i++) {
        sim.faults.skipFrames(2);
        sim.market.generate(SYMBOL, 4);
        await new Promise((res) => setImmediate(res));
      }
    };
    // More gaps than the budget allows at once: the simulator's own limit answers 429.
    await gaps(12);
    await waitForCount(r.nc, 'MD', SUBJECT, sim.market.lastId(SYMBOL)!, 30_000);
    // A storm of forced 429s.
    sim.faults.restTooManyRequests({ durationMs: 1_500, retryAfterSec: 1 });
    await gaps(4);
    await waitForCount(r.nc, 'MD', SUBJECT, sim.market.lastId(SYMBOL)!, 30_000);
    // A 418 ban.
    sim.faults.restBan({ requests: 1, retryAfterSec: 2 });
    await gaps(4);
    await trade(sim, 10);
    await expectAllTrades(r);

    const log = r.recorder!.log;
    if (process.env['NOLOSS_DEBUG']) console.log(log.map((e) => `${e.arrivedMs % 100000} ${e.answeredMs % 100000} ${e.path} ${e.status} ra=${e.retryAfterSec} w=${e.usedWeight}`).join('\n'));
    expect(log.filter((e) => e.status === 429).length).toBeGreaterThan(0);
    // The only 418 is the one forced: none came from the simulator's budget (a request after a 429).
    expect(log.filter((e) => e.status === 418)).toHaveLength(1);
    expect(sim.faults.counters.rest418).toBe(1);
    expect(log.filter((e) => e.path === '/api/v3/ticker/price').length).toBeGreaterThan(0);
    expect(r.recorder!.maxInFlight).toBe(1);
    // The venue's used weight never passed its limit, and nothing reached it during a pause or ban.
    for (const e of log) if (e.usedWeight !== undefined) expect(e.usedWeight).toBeLessThanOrEqual(limit);
    for (const refusal of log.filter((e) => e.status === 429 || e.status === 418)) {
      const resumeAt = refusal.answeredMs + (refusal.retryAfterSec ?? 0) * 1000;
      const early = log.filter((e) => e.arrivedMs > refusal.answeredMs && e.arrivedMs < resumeAt);
      expect({ refusal, early }).toEqual({ refusal, early: [] });
    }
  });

  it('4b. a quiet market: a stale last price is reported once as a divergence; after the reconnect, REST catches up without a live trade', async () => {
    const r = await startRig({ wsProxy: true, restRecorder: true, reconcile: { priceCheckIntervalMs: 100, divergenceThreshold: '0', fallbackAfterMs: 60_000, catchUpAfterMs: 300 } });
    await trade(r.sim, 20);
    await waitForCount(r.nc, 'MD', SUBJECT, 20);
    const published = (await readStream(r.nc, 'MD', SUBJECT)).map((p) => p.event as Trade);
    const lastPublished = published[published.length - 1]!.price;
    r.proxy!.down();
    // Trade (unseen by the gateway) until the venue's last price has moved away from the published one.
    await waitFor(
      () => {
        r.sim.market.generate(SYMBOL, 5);
        return canonicalDecimal(r.sim.market.lastPrice(SYMBOL)) !== lastPublished;
      },
      { timeoutMs: 5_000, message: 'the price moved' },
    );
    const reference = canonicalDecimal(r.sim.market.lastPrice(SYMBOL));
    await waitFor(async () => (await statusEvents(r.nc)).some((e) => e.state === 'divergence' && e.referencePrice === reference), {
      timeoutMs: 10_000,
      intervalMs: 100,
      message: 'a divergence event',
    });
    const event = (await statusEvents(r.nc)).find((e) => e.state === 'divergence' && e.referencePrice === reference)!;
    const expected = new TickDecimal(lastPublished).minus(reference).abs().div(reference);
    expect(event).toMatchObject({ venue: 'binance', instrument: INSTRUMENT, lastPrice: lastPublished, reason: 'ticker-mismatch' });
    expect(new TickDecimal(event.divergence!).toSignificantDigits(12).eq(expected.toSignificantDigits(12))).toBe(true);
    const accepted = r.proxy!.accepted;
    r.proxy!.up();
    await waitFor(() => r.proxy!.accepted > accepted, { timeoutMs: 10_000, message: 'the gateway reconnected' });
    // No live trade comes after the reconnect: the catch-up request finds the trades made while away.
    const { rest } = await expectAllTrades(r);
    expect(rest).toBe(r.sim.market.lastId(SYMBOL)! - 20);
    expect((await statusEvents(r.nc)).filter((e) => e.state === 'divergence')).toHaveLength(1);
    // Caught up: the measured divergence goes back to 0.
    await waitFor(async () => metricValue(await scrape(r.gateway.httpPort), 'tickgate_price_divergence_ratio', { instrument: INSTRUMENT }) === 0, {
      timeoutMs: 5_000,
      message: 'divergence back to 0',
    });
  });

  it('6. the NATS server killed and restarted mid-run: publishing resumes, nothing lost or duplicated', async () => {
    const r = await startRig();
    await trade(r.sim, 100);
    await waitForCount(r.nc, 'MD', SUBJECT, 100);
    await r.nc.close();
    await r.nats.kill();
    await trade(r.sim, 300, 10); // the gateway keeps receiving while NATS is gone
    await r.gateway.waitForLog((l) => String(l['msg']).includes('disconnected from NATS'), 10_000);
    await r.nats.restart();
    r.nc = await connect({ servers: r.nats.url });
    rig.nc = r.nc;
    await trade(r.sim, 100);
    const { ws } = await expectAllTrades(r);
    expect(ws).toBe(500);
  });

  it('7. unrecoverable ids are named exactly: history too short, and REST failing past the hold bound', async () => {
    const r = await startRig({ sim: { historySize: 30 }, restRecorder: true, reconcile: { holdTimeoutMs: 1_500 } });
    const sim = r.sim;
    await trade(sim, 10);
    await waitForCount(r.nc, 'MD', SUBJECT, 10);
    // Ids 11..70 never reach the stream; REST keeps only the newest 30 (42..71) by the time it is asked.
    sim.faults.skipFrames(60);
    sim.market.generate(SYMBOL, 61);
    const lost = new Set<number>();
    for (let id = 11; id <= 41; id++) lost.add(id);
    await waitForCount(r.nc, 'MD', SUBJECT, 71 - lost.size);
    let events = await statusEvents(r.nc);
    expect(events.filter((e) => e.state === 'unrecoverable')).toEqual([
      expect.objectContaining({ fromId: '11', toId: '41', count: 31, reason: 'not-on-rest' }),
    ]);
    expect(events.find((e) => e.state === 'recovered')).toMatchObject({ fromId: '11', toId: '70', count: 29 });

    // REST answers 503 for longer than the hold bound: the gap is given up on, by its exact range.
    const errorsUntil = Date.now() + 4_000;
    sim.faults.restErrors({ durationMs: 4_000 });
    const requestsBefore = r.recorder!.log.length;
    sim.faults.skipFrames(3);
    sim.market.generate(SYMBOL, 5); // 72..74 skipped
    for (let id = 72; id <= 74; id++) lost.add(id);
    await waitFor(async () => (await statusEvents(r.nc)).some((e) => e.state === 'unrecoverable' && e.fromId === '72'), { timeoutMs: 10_000, intervalMs: 100, message: 'unrecoverable 72..74' });
    events = await statusEvents(r.nc);
    expect(events.find((e) => e.state === 'unrecoverable' && e.fromId === '72')).toMatchObject({ toId: '74', count: 3, reason: 'timeout' });
    // The trades held behind the gap were released, in order.
    await waitForCount(r.nc, 'MD', SUBJECT, 76 - lost.size);
    // Retrying never spun: a handful of requests while REST was failing.
    await waitFor(() => Date.now() > errorsUntil, { timeoutMs: 6_000, intervalMs: 50 });
    expect(r.recorder!.log.length - requestsBefore).toBeLessThan(30);
    // Once REST is back, a new gap is filled as usual.
    sim.faults.skipFrames(2);
    sim.market.generate(SYMBOL, 4);
    await trade(sim, 5);
    await expectAllTrades(r, lost);
    expect(await countInStream(r.nc, 'MD', STATUS_SUBJECT)).toBeGreaterThan(0);
  });
});
