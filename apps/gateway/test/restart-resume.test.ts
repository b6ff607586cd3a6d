import type { Status, Trade } from '@tickgate/schema';
import { waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { expectExactRun, expectStatusAfterData, INSTRUMENT, LossRig, SYMBOL } from './rig.js';

// Issue 14, items 1 and 2: a gateway stopped mid-run (SIGKILL, SIGTERM, SIGTERM during a venue
// reconnect) and started again resumes after the last trade the stream holds. The built gateway as a
// process, the Binance simulator trading at 200 trades/s, a real nats-server with file-backed
// JetStream, a plain core subscriber on `md.>`.

const RATE = 200;
/** Trades the simulator makes between the stop and the next start: 3 s at 200 trades/s. */
const AWAY = 3 * RATE;

type Event = Trade | Status;

const tradesOf = (events: readonly Event[]): Trade[] => events.filter((e): e is Trade => e.type === 'trade' && e.instrument === INSTRUMENT);
const statusesOf = (events: readonly Event[]): Status[] => events.filter((e): e is Status => e.type === 'status' && e.instrument === INSTRUMENT);
/** The instrument's events, trades and status events, in order. */
const ofInstrument = (events: readonly Event[]): Event[] => events.filter((e) => e.instrument === INSTRUMENT);

describe('restart: resume after the last stored trade (issue 14 items 1 and 2)', () => {
  let rig: LossRig | undefined;
  afterEach(async (context) => {
    if (process.env['RESUME_DEBUG'] && context.task.result?.state === 'fail') {
      console.log((rig?.gateway?.logs ?? []).slice(-30).map((l) => JSON.stringify(l)).join('\n'));
    }
    await rig?.close();
    rig = undefined;
  });

  /** The id of the last trade the stream holds. */
  async function lastStoredId(r: LossRig): Promise<number> {
    const trades = tradesOf(await r.stored());
    return Number(trades.at(-1)!.id);
  }

  /** Wait until the simulator has made `n` trades after its current last one. */
  async function tradesMade(r: LossRig, n: number): Promise<void> {
    const from = r.sim.market.lastId(SYMBOL) ?? 0;
    await waitFor(() => (r.sim.market.lastId(SYMBOL) ?? 0) >= from + n, { timeoutMs: 20_000, intervalMs: 10, message: `${n} more trades from the simulator` });
  }

  /** Stop the market, then wait until the stream and the core subscriber have its last trade. */
  async function settle(r: LossRig): Promise<number> {
    r.sim.market.stop();
    const last = r.sim.market.lastId(SYMBOL)!;
    await r.waitStored(last);
    await waitFor(() => tradesOf(r.core.events).some((t) => Number(t.id) === last), { timeoutMs: 10_000, intervalMs: 20, message: `the core subscriber to receive trade ${last}` });
    return last;
  }

  /**
   * After a restart (core events from `mark` on): the `gap` (reason `restart`) from `fromId` on, then
   * exactly its trades, all from REST, in order, then its `recovered`. Returns the gap's size.
   */
  function expectResumedRun(events: readonly Event[], fromId: number): number {
    const run = ofInstrument(events);
    const gapAt = run.findIndex((e) => e.type === 'status' && e.state === 'gap' && e.reason === 'restart');
    expect(gapAt, 'a gap with reason restart').toBeGreaterThanOrEqual(0);
    const gap = run[gapAt] as Status;
    expect(gap).toMatchObject({ venue: 'binance', instrument: INSTRUMENT, fromId: String(fromId) });
    const toId = Number(gap.toId);
    expect(gap.count).toBe(toId - fromId + 1);
    const recoveredAt = run.findIndex((e) => e.type === 'status' && e.state === 'recovered' && e.fromId === gap.fromId);
    expect(run[recoveredAt]).toMatchObject({ toId: gap.toId, count: gap.count, reason: 'restart' });
    const between = run.slice(gapAt + 1, recoveredAt);
    expect(between.map((e) => (e.type === 'trade' ? `${e.id}:${e.source}` : `status:${e.state}`))).toEqual(
      Array.from({ length: toId - fromId + 1 }, (_, i) => `${fromId + i}:rest`),
    );
    return toId - fromId + 1;
  }

  /** Everything a restart must leave: the stream and the core subscriber hold 1..last once, in order; the resume's gap is filled. */
  async function expectResumed(r: LossRig, mark: number, resumedAfter: number): Promise<void> {
    const last = await settle(r);
    const stored = await r.stored();
    const { rest } = expectExactRun(tradesOf(stored), r.made, 1, last, 'stream');
    expectExactRun(tradesOf(r.core.events), r.made, 1, last, 'core subscriber');
    const size = expectResumedRun(r.core.events.slice(mark), resumedAfter + 1);
    expect(size).toBeGreaterThanOrEqual(AWAY);
    expect(rest).toBe(size); // the resume's gap came from REST, and nothing else did
    expectResumedRun(stored, resumedAfter + 1);
    expect(expectStatusAfterData(stored)).toBeGreaterThanOrEqual(1);
    expect(expectStatusAfterData(ofInstrument(r.core.events))).toBeGreaterThanOrEqual(1);
    expect(statusesOf(stored).filter((s) => s.state === 'unrecoverable')).toEqual([]);
  }

  it('(a) SIGKILL mid-run, restarted 3 s later: every trade once, in order; gap (restart), the REST trades, recovered', async () => {
    rig = await LossRig.start();
    await rig.startGateway();
    rig.sim.market.start(RATE);
    await rig.waitStored(2 * RATE);
    await rig.gateway!.stop('SIGKILL');
    await tradesMade(rig, AWAY);
    const resumedAfter = await lastStoredId(rig);
    const mark = rig.core.events.length;
    await rig.startGateway();
    await tradesMade(rig, RATE);
    await expectResumed(rig, mark, resumedAfter);
  });

  it('(b) SIGTERM mid-run, restarted 3 s later: the same, and a live feed stops without a shutdown gap', async () => {
    rig = await LossRig.start();
    await rig.startGateway();
    rig.sim.market.start(RATE);
    await rig.waitStored(2 * RATE);
    expect(await rig.gateway!.stop('SIGTERM')).toBe(0);
    await tradesMade(rig, AWAY);
    const resumedAfter = await lastStoredId(rig);
    const mark = rig.core.events.length;
    await rig.startGateway();
    await tradesMade(rig, RATE);
    await expectResumed(rig, mark, resumedAfter);
    expect(statusesOf(await rig.stored()).filter((s) => s.reason === 'shutdown')).toEqual([]);
  });

  it('(c) SIGTERM while the feed reconnects: exit 0, a gap (shutdown) names the last id published, and the next start fills it', async () => {
    rig = await LossRig.start({ wsProxy: true, feed: { reconcile: { fallbackAfterMs: 60_000 } } });
    const first = await rig.startGateway();
    rig.sim.market.start(RATE);
    await rig.waitStored(2 * RATE);
    rig.proxy!.down();
    await first.waitForLog((l) => l['msg'] === 'feed lost; reconnecting');
    await tradesMade(rig, RATE); // made while the feed is away: not caught up
    expect(await first.stop('SIGTERM')).toBe(0);
    const lastId = await lastStoredId(rig);
    const stored = await rig.stored();
    const shutdown = statusesOf(stored).filter((s) => s.reason === 'shutdown');
    expect(shutdown).toEqual([expect.objectContaining({ venue: 'binance', instrument: INSTRUMENT, state: 'gap', lastId: String(lastId) })]);
    // After the trades it speaks of, in the stream and for the core subscriber.
    expect(stored.at(-1)).toEqual(shutdown[0]);
    expect(ofInstrument(rig.core.events).at(-1)).toEqual(shutdown[0]);

    rig.proxy!.up();
    await tradesMade(rig, AWAY);
    const mark = rig.core.events.length;
    await rig.startGateway();
    await tradesMade(rig, RATE);
    await expectResumed(rig, mark, lastId);
  });

  it('(d) the last stored trade older than reconcile.resumeLookbackMs: no backfill, one unrecoverable names the span', async () => {
    const lookbackMs = 1_000;
    rig = await LossRig.start();
    await rig.startGateway();
    rig.sim.market.generate(SYMBOL, 50);
    await rig.waitStored(50);
    expect(await rig.gateway!.stop('SIGTERM')).toBe(0);
    const storedTime = rig.made.find((t) => t.id === 50)!.timeUs;
    rig.sim.market.start(RATE);
    // The market trades on for longer than the look-back before the gateway comes back.
    await waitFor(() => rig!.made.at(-1)!.timeUs - storedTime > 2 * lookbackMs * 1000, { timeoutMs: 10_000, intervalMs: 10, message: 'trades past the look-back' });
    const mark = rig.core.events.length;
    await rig.startGateway({ feed: { reconcile: { resumeLookbackMs: lookbackMs } } });
    await tradesMade(rig, RATE);
    const last = await settle(rig);

    const stored = await rig.stored();
    const lost = statusesOf(stored).filter((s) => s.state === 'unrecoverable');
    expect(lost).toHaveLength(1);
    const firstLive = Number(lost[0]!.toId) + 1;
    const firstTrade = rig.made.find((t) => t.id === firstLive)!;
    expect(lost[0]).toMatchObject({
      venue: 'binance',
      instrument: INSTRUMENT,
      fromId: '51',
      count: firstLive - 51,
      fromTime: storedTime,
      toTime: firstTrade.timeUs,
      lastId: '50',
      reason: 'restart-lookback',
    });
    expect(firstLive - 51).toBeGreaterThan(RATE);
    const trades = tradesOf(stored);
    expectExactRun(trades.filter((t) => Number(t.id) <= 50), rig.made, 1, 50, 'before the stop');
    expectExactRun(trades.filter((t) => Number(t.id) > 50), rig.made, firstLive, last, 'after the start');
    expect(trades.filter((t) => t.source === 'rest')).toEqual([]); // nothing was fetched
    expect(statusesOf(stored).filter((s) => s.state === 'gap' || s.state === 'recovered')).toEqual([]);
    // The core subscriber sees the same single event, before the first live trade.
    const run = ofInstrument(rig.core.events.slice(mark));
    expect(run.filter((e) => e.type === 'status' && e.state === 'unrecoverable')).toEqual(lost);
    expect(run.findIndex((e) => e.type === 'status' && e.state === 'unrecoverable')).toBeLessThan(run.findIndex((e) => e.type === 'trade'));
  });
});
