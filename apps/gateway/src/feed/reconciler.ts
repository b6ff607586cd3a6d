import type { Clock, GapReason, GapRequest, InstrumentInfo, Logger, RestClient, RestRequest, Sequencer, StatusDetail, VenueAdapter } from '@tickgate/core';
import { RestError, buildStatus, describeError } from '@tickgate/core';
import { TickDecimal, type Status } from '@tickgate/schema';
import type { ReconcileConfig } from '../config/index.js';
import { PollLoop } from './poll-loop.js';
import { PollOutcomes, type PollOutcome } from './readiness.js';

/** What the reconciler needs from the feed task that owns it. */
export interface ReconcilerContext {
  readonly adapter: VenueAdapter;
  readonly rest: RestClient;
  readonly logger: Logger;
  readonly config: ReconcileConfig;
  sequencer(instrument: string): Sequencer | undefined;
  info(instrument: string): InstrumentInfo | undefined;
  /** Last published price of the instrument, canonical decimal. */
  lastPrice(instrument: string): string | undefined;
  publishStatus(status: Status): void;
  /** Divergence measured (for the metric). */
  onDivergence?(instrument: string, ratio: number): void;
  /** Wall clock: the time of the status events. */
  readonly clock: Clock;
}

interface Job {
  from: bigint;
  to: bigint;
  readonly reason: GapReason;
}

const PAGE_RETRY_MS = 250;
/**
 * A gap opened by a rejected frame waits this long before its first page: the frames after it are
 * likely rejected too (a format change), and their ids join the gap, so that one page fetches them all.
 */
const PARSE_ERROR_BATCH_MS = 200;
const EMPTY_PAGE_RETRIES = 8;
/** Most pages one fallback poll fetches per instrument (the next poll goes on from there). */
const MAX_POLL_PAGES = 20;

/**
 * The REST side of one feed: fills gaps the sequencers ask for (`tradesFrom` pages, `source: "rest"`),
 * polls REST while the stream is down (fallback) so that a long outage loses nothing, and compares the
 * last published price with the venue's ticker. Every request goes through the venue's shared
 * `RestClient`, which enforces its weight budget, `Retry-After` and bans.
 */
export class Reconciler {
  private readonly jobs = new Map<string, Job[]>();
  private readonly running = new Set<string>();
  /** The job each instrument's run is filling now; requests next to it widen it (its bounds are read afresh per page). */
  private readonly active = new Map<string, Job>();
  /** The gap jobs' runs in flight (a stop may wait for them). */
  private readonly runs = new Set<Promise<void>>();
  private stopped = false;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private priceTimer: NodeJS.Timeout | undefined;
  private inFallback = false;
  private readonly fallbackInstruments = new Set<string>();
  /** Polls of the instruments whose stream is down (`streamDown`), and of those whose frames cannot be read. */
  private readonly downPolls: PollLoop;
  private readonly unreadablePolls: PollLoop;
  /** One REST request of this feed at a time (see `send`). */
  private lane: Promise<unknown> = Promise.resolve();
  /** Polls and price checks are skipped until then (ms): the venue asked to wait (429 / 418 `Retry-After`). */
  private restPausedUntil = 0;
  private checkingPrices = false;
  /** Instruments whose last price check was beyond the threshold (one status event per episode). */
  private readonly diverging = new Set<string>();
  /** Instruments whose stream frames cannot be read (see `instrumentUnreadable`), with the rejection reason. */
  private readonly unreadable = new Map<string, string>();
  /** Catch-up checks scheduled after the stream came back, by instrument. */
  private readonly catchUps = new Map<string, NodeJS.Timeout>();
  /** How each instrument's REST polls went (fallback, unreadable frames, catch-up), for `/readyz`. */
  private readonly polls: PollOutcomes;

  constructor(
    private readonly ctx: ReconcilerContext,
    /** Instruments whose prices are checked. */
    private readonly instruments: readonly string[],
  ) {
    this.polls = new PollOutcomes(() => Math.floor(ctx.clock.nowUs() / 1000));
    this.downPolls = new PollLoop(() => this.pollOnce(), ctx.config.pollIntervalMs);
    this.unreadablePolls = new PollLoop(() => this.pollUnreadable(), ctx.config.pollIntervalMs);
  }

  /** Whether REST polling currently stands in for the stream. */
  get fallbackActive(): boolean {
    return this.inFallback;
  }

  /** Whether REST polling stands in for the instrument's stream, down (`streamDown`) past `fallbackAfterMs`. */
  polledWhileDown(instrument: string): boolean {
    return this.inFallback && this.fallbackInstruments.has(instrument);
  }

  /** How the instrument's REST polls (fallback, unreadable frames, catch-up) went; absent before the first. */
  pollOutcome(instrument: string): PollOutcome | undefined {
    return this.polls.of(instrument);
  }

  start(): void {
    const every = this.ctx.config.priceCheckIntervalMs;
    if (every > 0) {
      this.priceTimer = setInterval(() => {
        // One round at a time: rounds must not pile up behind a pause or a ban.
        if (this.checkingPrices) return;
        this.checkingPrices = true;
        void this.checkPrices().finally(() => {
          this.checkingPrices = false;
        });
      }, every);
      this.priceTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.fallbackTimer);
    this.downPolls.stop();
    this.unreadablePolls.stop();
    clearInterval(this.priceTimer);
    for (const timer of this.catchUps.values()) clearTimeout(timer);
    this.catchUps.clear();
    await this.downPolls.settled();
    await this.unreadablePolls.settled();
  }

  // ---- gaps ------------------------------------------------------------------------------------

  /**
   * A sequencer asks for a missing id range. Jobs run one at a time per instrument, in order; adjacent and
   * overlapping ranges are one job, fetched a page (`maxTradesPerPage` ids) per request.
   */
  requestGap(request: GapRequest): void {
    if (this.stopped) return;
    if (!this.ctx.config.backfill) {
      this.ctx.sequencer(request.instrument)?.abandon(request.fromId, request.toId, 'backfill-disabled');
      return;
    }
    const from = BigInt(request.fromId);
    const to = BigInt(request.toId);
    const list = this.jobs.get(request.instrument) ?? [];
    // One range per run of missing ids: a request next to or over a job in hand (running or waiting) widens it.
    const touching = (job: Job) => from <= job.to + 1n && to + 1n >= job.from;
    const active = this.active.get(request.instrument);
    const into = active !== undefined && touching(active) ? active : list.find(touching);
    if (into) {
      if (from < into.from) into.from = from;
      if (to > into.to) into.to = to;
    } else {
      list.push({ from, to, reason: request.reason });
    }
    this.jobs.set(request.instrument, list);
    if (!this.running.has(request.instrument)) {
      const run = this.runJobs(request.instrument);
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }
  }

  /**
   * The first step of a stop: no more polling, catch-ups or price checks, but the gap jobs in flight
   * go on until they are done or `untilMs` (ms since the epoch) has come. True when none is left.
   */
  async finishBackfills(untilMs: number): Promise<boolean> {
    clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
    this.downPolls.stop();
    clearInterval(this.priceTimer);
    for (const timer of this.catchUps.values()) clearTimeout(timer);
    this.catchUps.clear();
    this.fallbackInstruments.clear();
    this.inFallback = false;
    this.unreadablePolls.stop();
    this.unreadable.clear();
    await this.downPolls.settled();
    await this.unreadablePolls.settled();
    while (this.runs.size > 0) {
      const left = untilMs - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.all(this.runs), delay(left)]);
    }
    return true;
  }

  private async runJobs(instrument: string): Promise<void> {
    this.running.add(instrument);
    try {
      const list = this.jobs.get(instrument)!;
      while (list.length && !this.stopped) {
        const job = list.shift()!;
        this.active.set(instrument, job);
        await this.fill(instrument, job);
        this.active.delete(instrument);
      }
    } finally {
      this.active.delete(instrument);
      this.running.delete(instrument);
    }
  }

  /** Still-missing part of [from, to] according to the sequencer (live trades may have filled it). */
  private stillMissing(seq: Sequencer, from: bigint, to: bigint): bigint | undefined {
    for (const gap of seq.openGaps()) {
      const gFrom = BigInt(gap.fromId);
      const gTo = BigInt(gap.toId);
      if (gTo < from || gFrom > to) continue;
      return gFrom > from ? gFrom : from;
    }
    return undefined;
  }

  private async fill(instrument: string, job: Job): Promise<void> {
    const { adapter, logger } = this.ctx;
    const seq = this.ctx.sequencer(instrument);
    const info = this.ctx.info(instrument);
    if (!seq || !info) return;
    const tradesFrom = adapter.rest.tradesFrom?.bind(adapter.rest);
    if (!tradesFrom) {
      // The venue cannot page by id: take what its recent window still holds, give up on the rest.
      try {
        seq.restTrades(await this.send(adapter.rest.recentTrades(info, adapter.rest.limits.maxTradesPerPage)));
      } catch (error) {
        logger.warn({ instrument, err: describeError(error) }, 'recent trades unavailable for a gap');
      }
      const left = this.stillMissing(seq, job.from, job.to);
      if (left !== undefined) seq.abandon(left.toString(), job.to.toString(), 'venue-has-no-backfill');
      return;
    }
    const pageSize = BigInt(adapter.rest.limits.maxTradesPerPage);
    if (job.reason === 'parse-error') await delay(PARSE_ERROR_BATCH_MS);
    let empty = 0;
    for (;;) {
      if (this.stopped) return;
      const next = this.stillMissing(seq, job.from, job.to);
      if (next === undefined) return;
      const want = job.to - next + 1n;
      const limit = Number(want < pageSize ? want : pageSize);
      try {
        const page = await this.send(tradesFrom(info, next.toString(), limit));
        const usable = page.filter((t) => {
          const id = BigInt(t.id);
          return id >= next && id <= job.to;
        });
        let first = job.to + 1n;
        for (const t of usable) {
          const id = BigInt(t.id);
          if (id < first) first = id;
        }
        if (usable.length > 0 && first > next) {
          // The venue's history no longer reaches back to `next`: those ids cannot be recovered.
          seq.abandon(next.toString(), (first - 1n).toString(), 'not-on-rest');
        }
        if (usable.length === 0) {
          // The venue does not have these ids (yet): a few short retries, then the sequencer's hold
          // bound or this abandon declares them unrecoverable.
          if (++empty > EMPTY_PAGE_RETRIES) {
            seq.abandon(next.toString(), job.to.toString(), 'not-on-rest');
            return;
          }
          await delay(PAGE_RETRY_MS);
          continue;
        }
        seq.restTrades(usable);
        // A page that moved nothing forward (the sequencer took none of it) must not be asked again at once.
        if (this.stillMissing(seq, job.from, job.to) === next) {
          if (++empty > EMPTY_PAGE_RETRIES) {
            logger.error({ instrument, fromId: next.toString() }, 'REST trades do not fill the gap; ids declared unrecoverable');
            seq.abandon(next.toString(), job.to.toString(), 'not-on-rest');
            return;
          }
          await delay(PAGE_RETRY_MS);
          continue;
        }
        empty = 0;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof RestError && !error.retryable) {
          logger.error({ instrument, err: describeError(error) }, 'backfill failed; ids declared unrecoverable');
          seq.abandon(next.toString(), job.to.toString(), 'rest-error');
          return;
        }
        const waitMs = error instanceof RestError && error.retryAfterSec !== undefined ? error.retryAfterSec * 1000 : 500;
        logger.warn({ instrument, err: describeError(error), retryInMs: waitMs }, 'backfill request failed; retrying');
        await delay(waitMs);
        // The sequencer declares the range unrecoverable if this outlasts its hold bound.
      }
    }
  }

  // ---- fallback ----------------------------------------------------------------------------------

  /** The stream carrying `instruments` went down. After `fallbackAfterMs`, poll REST until it is back. */
  streamDown(instruments: readonly string[]): void {
    if (this.stopped) return;
    const added = instruments.filter((i) => !this.fallbackInstruments.has(i));
    for (const i of added) this.fallbackInstruments.add(i);
    if (this.inFallback) {
      // Polling is on already (another connection is down): these instruments join it.
      for (const i of added) this.ctx.publishStatus(this.status(i, 'fallback', { reason: 'stream-down', message: 'stream down; trades come from REST polling' }));
      return;
    }
    if (this.fallbackTimer) return;
    this.fallbackTimer = setTimeout(() => this.enterFallback(), this.ctx.config.fallbackAfterMs);
    this.fallbackTimer.unref();
  }

  /** The stream carrying `instruments` is live again. */
  streamUp(instruments: readonly string[]): void {
    for (const i of instruments) {
      this.fallbackInstruments.delete(i);
      if (this.ctx.config.backfill) this.scheduleCatchUp(i);
    }
    if (this.fallbackInstruments.size > 0) return;
    clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
    if (this.inFallback) {
      this.inFallback = false;
      this.downPolls.stop();
      this.ctx.logger.info('stream is back; fallback polling stopped');
    }
  }

  /**
   * Most of the instrument's frames are rejected (`reason`: the last rejection's): its stream is as good
   * as down. Poll it through REST every `pollIntervalMs` until `instrumentReadable`; one `fallback`
   * status (reason `rejected:<reason>`) and one warning say so.
   */
  instrumentUnreadable(instrument: string, reason: string): void {
    if (this.stopped || this.unreadable.has(instrument)) return;
    this.unreadable.set(instrument, reason);
    this.ctx.logger.warn({ instrument, reason }, 'instrument unreadable; polling REST (fallback)');
    this.ctx.publishStatus(this.status(instrument, 'fallback', { reason: `rejected:${reason}`, message: "the stream's frames for this instrument cannot be read; trades come from REST polling" }));
    this.unreadablePolls.start();
  }

  /** The instrument's frames parse again: its polling stops; one `connected` status (reason `readable`) and one log line say so. */
  instrumentReadable(instrument: string): void {
    if (!this.unreadable.delete(instrument)) return;
    this.ctx.logger.info({ instrument }, 'instrument readable again; fallback polling stopped');
    this.ctx.publishStatus(this.status(instrument, 'connected', { reason: 'readable' }));
    if (this.unreadable.size === 0) this.unreadablePolls.stop();
  }

  private async pollUnreadable(): Promise<void> {
    if (this.pausedFor([...this.unreadable.keys()])) return;
    for (const instrument of [...this.unreadable.keys()]) {
      if (this.stopped) return;
      // Covered by the stream-down fallback's own polls meanwhile.
      if (this.inFallback && this.fallbackInstruments.has(instrument)) continue;
      if (!(await this.pollInstrument(instrument, 'fallback poll (unreadable frames)', () => this.unreadable.has(instrument)))) return;
    }
  }

  private enterFallback(): void {
    this.fallbackTimer = undefined;
    if (this.stopped || this.fallbackInstruments.size === 0) return;
    this.inFallback = true;
    this.ctx.logger.warn({ instruments: [...this.fallbackInstruments] }, 'stream down; polling REST (fallback)');
    for (const instrument of this.fallbackInstruments) {
      this.ctx.publishStatus(this.status(instrument, 'fallback', { reason: 'stream-down', message: 'stream down; trades come from REST polling' }));
    }
    this.downPolls.start();
  }

  private async pollOnce(): Promise<void> {
    if (this.pausedFor([...this.fallbackInstruments])) return;
    for (const instrument of [...this.fallbackInstruments]) {
      if (this.stopped || !this.inFallback) return;
      if (!(await this.pollInstrument(instrument, 'fallback poll', () => this.inFallback))) return;
    }
  }

  /** The venue asked to wait (`Retry-After`) and it is not over: the polls of `instruments` that are due count as failed. */
  private pausedFor(instruments: readonly string[]): boolean {
    const now = Date.now();
    if (now >= this.restPausedUntil) return false;
    const error = `REST paused: the venue asked to wait ${Math.ceil((this.restPausedUntil - now) / 1000)} s more`;
    for (const instrument of instruments) this.polls.failed(instrument, error);
    return true;
  }

  /**
   * Fetch what the venue has after the instrument's last released id, page by page while `keepGoing`,
   * and hand it to the sequencer (which drops what it has). False when the venue asked to wait. The
   * outcome is recorded (`pollOutcome`).
   */
  private async pollInstrument(instrument: string, what: string, keepGoing: () => boolean): Promise<boolean> {
    const { adapter, logger } = this.ctx;
    const seq = this.ctx.sequencer(instrument);
    const info = this.ctx.info(instrument);
    if (!seq || !info) return true;
    try {
      const last = seq.lastId;
      if (last === undefined || !adapter.rest.tradesFrom || adapter.stream.sequencing === 'none') {
        seq.restTrades(await this.send(adapter.rest.recentTrades(info, adapter.rest.limits.maxTradesPerPage)));
        this.polls.succeeded(instrument);
        return true;
      }
      let from = BigInt(last) + 1n;
      for (let pages = 0; pages < MAX_POLL_PAGES && keepGoing() && !this.stopped; pages++) {
        const page = await this.send(adapter.rest.tradesFrom(info, from.toString(), adapter.rest.limits.maxTradesPerPage));
        if (page.length === 0) break;
        seq.restTrades(page);
        let max = from - 1n;
        for (const t of page) {
          const id = BigInt(t.id);
          if (id > max) max = id;
        }
        if (max < from) break; // nothing newer than asked for: do not ask again in this round
        from = max + 1n;
        if (page.length < adapter.rest.limits.maxTradesPerPage) break;
      }
      this.polls.succeeded(instrument);
      return true;
    } catch (error) {
      if (this.stopped) return false;
      this.polls.failed(instrument, describeError(error));
      const retryAfterSec = this.noteRetryAfter(error);
      logger.warn({ instrument, err: describeError(error), ...(retryAfterSec !== undefined ? { retryInMs: retryAfterSec * 1000 } : {}) }, `${what} failed`);
      return retryAfterSec === undefined;
    }
  }

  /** A 429 / 418 `Retry-After` pauses polls and price checks of this feed; returns it (s). */
  private noteRetryAfter(error: unknown): number | undefined {
    const retryAfterSec = error instanceof RestError ? error.retryAfterSec : undefined;
    if (retryAfterSec !== undefined) this.restPausedUntil = Math.max(this.restPausedUntil, Date.now() + retryAfterSec * 1000);
    return retryAfterSec;
  }

  /**
   * After the stream came back, trades made between the loss (or the last fallback poll) and the new
   * connection only show as a gap when the next live trade arrives — on a quiet market, much later.
   * So when no live trade has moved the instrument on within `catchUpAfterMs`, ask REST once.
   */
  private scheduleCatchUp(instrument: string): void {
    const seq = this.ctx.sequencer(instrument);
    if (!seq || seq.lastId === undefined || this.stopped) return;
    clearTimeout(this.catchUps.get(instrument));
    const lastAtUp = seq.lastId;
    const timer = setTimeout(() => {
      this.catchUps.delete(instrument);
      if (this.stopped || this.fallbackInstruments.has(instrument) || seq.lastId !== lastAtUp || seq.openGaps().length > 0) return;
      void this.pollInstrument(instrument, 'catch-up after reconnect', () => !this.fallbackInstruments.has(instrument));
    }, this.ctx.config.catchUpAfterMs);
    timer.unref();
    this.catchUps.set(instrument, timer);
  }

  // ---- price checks ------------------------------------------------------------------------------

  /** Compare each instrument's last published price with the venue's ticker once. */
  async checkPrices(instruments?: readonly string[]): Promise<void> {
    const { adapter, logger, config } = this.ctx;
    const threshold = new TickDecimal(config.divergenceThreshold);
    const list = instruments ?? this.instruments;
    if (Date.now() < this.restPausedUntil) return;
    for (const instrument of list) {
      const info = this.ctx.info(instrument);
      const last = this.ctx.lastPrice(instrument);
      if (!info || last === undefined || this.stopped) continue;
      try {
        const reference = await this.send(adapter.rest.lastPrice(info));
        const ratio = new TickDecimal(last).minus(reference).abs().div(reference);
        this.ctx.onDivergence?.(instrument, ratio.toNumber());
        if (!ratio.gt(threshold)) {
          if (this.diverging.delete(instrument)) logger.info({ instrument, lastPrice: last, referencePrice: reference }, 'price agrees with the venue ticker again');
          continue;
        }
        if (!this.diverging.has(instrument)) {
          this.diverging.add(instrument);
          logger.warn({ instrument, lastPrice: last, referencePrice: reference, divergence: ratio.toFixed() }, 'price diverges from the venue ticker');
          this.ctx.publishStatus(
            this.status(instrument, 'divergence', { reason: 'ticker-mismatch' }, { lastPrice: last, referencePrice: reference, divergence: ratio.toSignificantDigits(12).toFixed() }),
          );
        }
      } catch (error) {
        if (this.stopped) return;
        logger.warn({ instrument, err: describeError(error) }, 'price check failed');
        if (this.noteRetryAfter(error) !== undefined) return;
      }
    }
  }

  /**
   * Send through the venue's shared client, one request of this feed at a time. The client stops
   * sending when a 429 or 418 comes back, but it cannot recall requests already in flight, and a venue
   * counts a request that reaches it after a 429 as ignoring it (then bans the IP). With one request
   * in flight per feed, the next one is only sent once the previous answer has been seen.
   */
  private send<T>(request: RestRequest<T>): Promise<T> {
    const result = this.lane.then(() => this.ctx.rest.send(request));
    this.lane = result.catch(() => undefined);
    return result;
  }

  /** A status event for one instrument, now; `prices` carries a divergence's figures. */
  private status(instrument: string, state: Status['state'], detail: StatusDetail, prices?: Pick<Status, 'lastPrice' | 'referencePrice' | 'divergence'>): Status {
    const status = buildStatus(this.ctx.adapter.venue, instrument, state, this.ctx.clock.nowUs() / 1000, detail);
    return prices ? { ...status, ...prices } : status;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
