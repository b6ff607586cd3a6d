import type { Status, Trade } from '@tickgate/schema';
import { waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, scrape } from './metrics-text.js';
import { expectExactRun, expectStatusAfterData, INSTRUMENT, LossRig, SYMBOL } from './rig.js';

// Issue 14, items 3 and 4: a stream whose frames no longer parse (the venue changed its format: prices
// as JSON numbers) while REST is healthy. The instrument is polled through REST until frames parse
// again; gaps are ranges, each backfilled a page at a time; status events stay one per change of state.
describe('an unreadable stream is a stream that is down: built gateway, Binance simulator at 200 trades/s, real nats-server', () => {
  let rig: LossRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('polls REST while every trade frame is unreadable, loses nothing, and says so once when it starts and once when it ends', async () => {
    rig = await LossRig.start({ sim: { rate: 200 } });
    const gateway = await rig.startGateway();
    await rig.waitStored(rig.sim.market.lastId(SYMBOL)! + 50);

    const faultFrom = rig.sim.market.lastId(SYMBOL)! + 1;
    rig.sim.faults.malformFrames(1_000_000, { kinds: ['retyped-decimals'] });
    await gateway.waitForLog((l) => l['msg'] === 'instrument unreadable; polling REST (fallback)');
    // Still ready (REST covers it), and /readyz names it.
    const ready = await fetch(`http://127.0.0.1:${gateway.httpPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { feeds: Array<{ unreadable?: string[] }> }).feeds[0]!.unreadable).toEqual([INSTRUMENT]);
    // A few seconds of unreadable frames (about 1,000 trades), every one of them reaching NATS from REST.
    await rig.waitStored(faultFrom + 1_000);
    const rejected = rig.sim.faults.counters.malformed['retyped-decimals'];
    rig.sim.faults.reset();
    await gateway.waitForLog((l) => l['msg'] === 'instrument readable again; fallback polling stopped');
    const lastId = rig.sim.market.lastId(SYMBOL)! + 200;
    await rig.waitStored(lastId);
    expect(rejected).toBeGreaterThan(1_000);

    const stored = await rig.stored();
    const trades = stored.filter((e): e is Trade => e.type === 'trade');
    const firstId = Number(trades[0]!.id);
    const { rest } = expectExactRun(trades.filter((t) => Number(t.id) <= lastId), rig.made, firstId, lastId, 'stream');
    expect(rest).toBeGreaterThanOrEqual(1_000);
    const core = rig.core.trades().filter((t) => Number(t.id) <= lastId);
    expectExactRun(core, rig.made, firstId, lastId, 'core subscriber');

    // Status events: one fallback when polling starts (with the rejection reason), one connected when frames
    // parse again, and only a handful of gap events, not one per frame.
    const statuses = stored.filter((e): e is Status => e.type === 'status');
    const fallbacks = statuses.filter((s) => s.state === 'fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({ instrument: INSTRUMENT, reason: expect.stringMatching(/^rejected:/) });
    const readable = statuses.filter((s) => s.state === 'connected' && s.reason === 'readable');
    expect(readable).toHaveLength(1);
    expect(readable[0]!.instrument).toBe(INSTRUMENT);
    expect(statuses.indexOf(readable[0]!)).toBeGreaterThan(statuses.indexOf(fallbacks[0]!));
    const gaps = statuses.filter((s) => s.state === 'gap');
    expect(gaps.length).toBeLessThanOrEqual(4);
    expect(statuses.filter((s) => s.state === 'unrecoverable')).toEqual([]);
    expectStatusAfterData(stored);
    // the same on core subjects
    const coreStatuses = rig.core.statuses().filter((s) => s.instrument === INSTRUMENT);
    expect(coreStatuses.filter((s) => s.state === 'fallback')).toHaveLength(1);
    expect(coreStatuses.filter((s) => s.state === 'connected' && s.reason === 'readable')).toHaveLength(1);

    // Rejections stay counted in full; the log names them at a bounded rate; REST is paged, not asked per trade.
    const text = await scrape(gateway.httpPort);
    expect(metricValue(text, 'tickgate_rejections_total', { venue: 'binance' })).toBe(rejected);
    expect(gateway.logs.filter((l) => String(l['msg']).startsWith('frame rejected')).length).toBeLessThan(100);
    const restRequests = metricValue(text, 'tickgate_rest_requests_total', { venue: 'binance' });
    expect(restRequests).toBeLessThan(rejected / 10);
  }, 120_000);

  it('joins missing ids that follow an open gap into it: one gap, one page and one recovered event for a short run of unreadable frames', async () => {
    // Too few to call the stream unreadable (that takes 10 in a row, or a majority over 10 s), so no
    // fallback polling: a run of 9 unreadable frames among readable ones is one gap, fetched in one page.
    rig = await LossRig.start();
    const gateway = await rig.startGateway();
    rig.sim.market.generate(SYMBOL, 300);
    await rig.waitStored(300);
    rig.sim.faults.malformFrames(9, { kinds: ['retyped-decimals'] });
    rig.sim.market.generate(SYMBOL, 9);
    rig.sim.market.generate(SYMBOL, 50);
    await rig.waitStored(359);
    const stored = await rig.stored();
    expectExactRun(stored.filter((e): e is Trade => e.type === 'trade'), rig.made, 1, 359, 'stream');
    const statuses = stored.filter((e): e is Status => e.type === 'status' && e.instrument === INSTRUMENT);
    expect(statuses.filter((s) => s.state === 'fallback')).toEqual([]);
    expect(statuses.filter((s) => s.state === 'gap')).toHaveLength(1);
    expect(statuses.find((s) => s.state === 'gap')).toMatchObject({ fromId: '301', reason: 'parse-error' });
    const recovered = statuses.filter((s) => s.state === 'recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ fromId: '301', toId: '309', count: 9 });
    await waitFor(async () => metricValue(await scrape(gateway.httpPort), 'tickgate_rest_requests_total', { venue: 'binance', endpoint: '/api/v3/historicalTrades' }) > 0, {
      timeoutMs: 5_000,
      message: 'backfill requests counted',
    });
    expect(metricValue(await scrape(gateway.httpPort), 'tickgate_rest_requests_total', { venue: 'binance', endpoint: '/api/v3/historicalTrades' })).toBeLessThanOrEqual(2);
  }, 90_000);
});
