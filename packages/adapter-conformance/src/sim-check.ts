import { FeedRunner, RestClient, createSequencer, silentLogger, wireSequencers, type GapRequest, type Rejection, type VenueAdapter } from '@tickgate/core';
import { TickDecimal, type Trade } from '@tickgate/schema';
import type { ConformanceSim, SimTradeView } from './types.js';

/** One REST backfill call the sequencer asked for. */
export interface BackfillCall {
  readonly fromId: string;
  readonly limit: number;
  /** Ids returned, in order, or the error. */
  readonly ids?: readonly string[];
  readonly error?: string;
}

/** What happened when a feed ran against the simulator: the evidence each check reads. */
export interface SimReport {
  /** Where the scenario stopped early, if it did (a step that never completed), with a hint. */
  failure?: string;
  /** The step that failed: going live and receiving, reconnecting, receiving after it, or the backfill. */
  failedStep?: 'live' | 'reconnect' | 'backfill';
  /** Trades the runner emitted before the drop (live phase). */
  readonly before: { trade: Trade; span: number }[];
  /** Trades the runner emitted after the reconnect. */
  readonly after: { trade: Trade; span: number }[];
  readonly rejections: Rejection[];
  /** The simulator's trades made in each phase. */
  phase1: SimTradeView[];
  missed: SimTradeView[];
  phase3: SimTradeView[];
  /** Connections that became ready (live). */
  readyCount: number;
  /** With backfill: the sequencer's released trades and the REST calls it led to. */
  readonly released: Trade[];
  readonly backfills: BackfillCall[];
  /** Gap requests the sequencer made. */
  readonly gaps: GapRequest[];
}

export interface SimScenarioOptions {
  readonly adapter: VenueAdapter;
  readonly sim: ConformanceSim;
  /** Use `rest.tradesFrom` through `RestClient` to fill gaps. */
  readonly backfill: boolean;
  readonly stepTimeoutMs: number;
  /** Trades in the live phase, while disconnected, and after the reconnect. */
  readonly counts?: { live: number; missed: number; after: number };
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Venue ids a trade covers: `span` consecutive integer ids ending at `trade.id` (just the id for span 1). */
export function coveredIds(trade: Trade, span: number): string[] {
  if (span <= 1 || !/^\d+$/.test(trade.id)) return [trade.id];
  const last = BigInt(trade.id);
  const ids: string[] = [];
  for (let k = BigInt(span - 1); k >= 0n; k--) ids.push(String(last - k));
  return ids;
}

/** Problems comparing a received trade (covering several sim trades when aggregated) with the simulator's. */
export function compareWithSim(trade: Trade, span: number, byId: ReadonlyMap<string, SimTradeView>): string[] {
  const ids = coveredIds(trade, span);
  const sims = ids.map((id) => byId.get(id));
  if (sims.some((s) => s === undefined)) return [`trade id ${trade.id} (span ${span}) covers ids the simulator never made: ${ids.filter((_, i) => !sims[i]).join(', ')}`];
  const problems: string[] = [];
  const views = sims as SimTradeView[];
  for (const s of views) {
    if (s.price !== trade.price) problems.push(`trade ${trade.id}: price ${trade.price}, the simulator traded at ${s.price} (id ${s.id})`);
    if (s.side !== trade.side) problems.push(`trade ${trade.id}: side ${trade.side}, the simulator's taker was ${s.side} (id ${s.id}); is the side inverted?`);
  }
  const total = views.reduce((sum, s) => sum.plus(new TickDecimal(s.quantity)), new TickDecimal(0));
  if (!total.eq(new TickDecimal(trade.quantity))) problems.push(`trade ${trade.id}: quantity ${trade.quantity}, the simulator traded ${total.toFixed()} over ${views.length} id(s)`);
  return problems;
}

/**
 * Run a feed against the simulator: connect, receive a live phase, drop every connection and trade
 * while it is down, reconnect, trade again. A sequencer takes the runner's events through
 * `wireSequencers`, as in the gateway; with `backfill`, it asks for the gap and `RestClient` fetches it
 * through `rest.tradesFrom`. Never throws: failures are in `failure`.
 */
export async function runSimScenario(options: SimScenarioOptions): Promise<SimReport> {
  const { adapter, sim, stepTimeoutMs } = options;
  const counts = options.counts ?? { live: 20, missed: 7, after: 5 };
  const report: SimReport = { before: [], after: [], rejections: [], phase1: [], missed: [], phase3: [], readyCount: 0, released: [], backfills: [], gaps: [] };
  let dropped = false;
  const runner = new FeedRunner({
    adapter,
    instruments: [sim.instrument],
    wsUrl: sim.wsUrl,
    logger: silentLogger,
    options: { attemptBudget: null, backoffBaseMs: 50, backoffCapMs: 200, random: seeded(7), connectionLifetimeMs: null },
  });
  const rest = options.backfill ? new RestClient({ baseUrl: sim.restUrl, limits: adapter.rest.limits, venue: adapter.venue, maxAttempts: 3, timeoutMs: 5_000 }) : undefined;
  let pendingFetches = 0;
  const sequencer = createSequencer({
    venue: adapter.venue,
    instrument: sim.instrument.instrument,
    sequencing: adapter.stream.sequencing,
    release: (trade) => report.released.push(trade),
    requestGap: (gap) => {
      report.gaps.push(gap);
      if (!rest || !adapter.rest.tradesFrom) return;
      pendingFetches++;
      void fetchGap(gap).finally(() => pendingFetches--);
    },
  });
  const fetchGap = async (gap: GapRequest): Promise<void> => {
    let from = BigInt(gap.fromId);
    const to = BigInt(gap.toId);
    while (from <= to) {
      const left = to - from + 1n;
      const limit = Number(left < BigInt(adapter.rest.limits.maxTradesPerPage) ? left : BigInt(adapter.rest.limits.maxTradesPerPage));
      try {
        const trades = await rest!.send(adapter.rest.tradesFrom!(sim.instrument, String(from), limit));
        report.backfills.push({ fromId: String(from), limit, ids: trades.map((t) => t.id) });
        sequencer.restTrades(trades);
        if (trades.length === 0) return;
        from += BigInt(limit);
      } catch (error) {
        report.backfills.push({ fromId: String(from), limit, error: error instanceof Error ? error.message : String(error) });
        return;
      }
    }
  };

  runner.on('trade', (trade, span) => {
    (dropped ? report.after : report.before).push({ trade, span });
  });
  runner.on('rejection', (rejection) => {
    report.rejections.push(rejection);
  });
  let lastLoss = '';
  runner.on('connection', (event) => {
    if (event.phase === 'closed' && event.error) lastLoss = `${event.reason ?? 'closed'}: ${event.error.message}${event.error.cause instanceof Error ? ` (${event.error.cause.message})` : ''}`;
  });
  runner.on('state', ({ state }) => {
    if (state === 'live') report.readyCount++;
  });
  // The gateway's wiring, after the recording listeners: the sequencer sees what the report holds.
  const instrument = sim.instrument.instrument;
  wireSequencers(runner, [instrument], (i) => (i === instrument ? sequencer : undefined));

  const hasAll = (list: readonly { trade: Trade; span: number }[], wanted: readonly SimTradeView[]): boolean => {
    const got = new Set(list.flatMap(({ trade, span }) => coveredIds(trade, span)));
    return wanted.every((t) => got.has(t.id));
  };

  try {
    runner.start();
    if (!(await waitUntil(() => runner.state === 'live', stepTimeoutMs))) {
      report.failedStep = 'live';
      report.failure = `the feed never went live on the simulator within ${stepTimeoutMs} ms (state ${runner.state}${lastLoss ? `, last loss ${lastLoss}` : ''}) at ${sim.wsUrl}: check stream.connect() (URL and subscribe messages) and that the parser reports the venue's subscribe acknowledgement as { type: 'subscribed' }`;
      return report;
    }
    sim.generate(counts.live);
    report.phase1 = sim.trades();
    if (!(await waitUntil(() => hasAll(report.before, report.phase1), stepTimeoutMs))) {
      report.failedStep = 'live';
      report.failure = `the feed received ${report.before.length} of the simulator's ${report.phase1.length} trades within ${stepTimeoutMs} ms (rejections: ${report.rejections.slice(0, 3).map((r) => `${r.reason}: ${r.message}`).join('; ') || 'none'})`;
      return report;
    }
    const readyBefore = report.readyCount;
    dropped = true;
    sim.drop();
    // Made in the same tick as the drop: no connection can receive them.
    sim.generate(counts.missed);
    report.missed = sim.trades().slice(report.phase1.length);
    if (!(await waitUntil(() => report.readyCount > readyBefore && runner.state === 'live', stepTimeoutMs))) {
      report.failedStep = 'reconnect';
      report.failure = `the feed did not reconnect within ${stepTimeoutMs} ms after the simulator dropped its connection (state ${runner.state}${lastLoss ? `, last loss ${lastLoss}` : ''})`;
      return report;
    }
    sim.generate(counts.after);
    report.phase3 = sim.trades().slice(report.phase1.length + report.missed.length);
    if (!(await waitUntil(() => hasAll(report.after, report.phase3), stepTimeoutMs))) {
      report.failedStep = 'reconnect';
      report.failure = `after the reconnect the feed received ${report.after.length} trades, not all ${report.phase3.length} made since, within ${stepTimeoutMs} ms`;
      return report;
    }
    if (options.backfill) {
      const all = sim.trades().length;
      const done = await waitUntil(() => pendingFetches === 0 && releasedCovers(report, all), stepTimeoutMs);
      if (!done) {
        const calls = report.backfills.map((c) => (c.error ? `tradesFrom(${c.fromId}, ${c.limit}) failed: ${c.error}` : `tradesFrom(${c.fromId}, ${c.limit}) → [${c.ids?.join(', ')}]`));
        report.failedStep = 'backfill';
        report.failure = `the sequencer did not release all ${all} trades within ${stepTimeoutMs} ms after backfill (released ${report.released.length}; gap requests ${report.gaps.map((g) => `${g.fromId}..${g.toId}`).join(', ') || 'none'}; REST calls: ${calls.join('; ') || 'none'})`;
      }
    }
    return report;
  } catch (error) {
    report.failedStep ??= 'live';
    report.failure = `the scenario threw: ${error instanceof Error ? error.message : String(error)}`;
    return report;
  } finally {
    await runner.stop();
    await rest?.close();
    await sim.close();
  }
}

/** The released trades cover every simulator id (spans expanded). */
function releasedCovers(report: SimReport, count: number): boolean {
  // The sequencer releases an aggregated trade once, by its last id: count the ids it covers.
  const spans = new Map<string, number>();
  for (const { trade, span } of [...report.before, ...report.after]) spans.set(trade.id, span);
  let covered = 0;
  for (const trade of report.released) covered += trade.source === 'ws' ? (spans.get(trade.id) ?? 1) : 1;
  return covered >= count;
}
