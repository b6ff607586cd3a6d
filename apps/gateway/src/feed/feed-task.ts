import {
  ConfigError,
  FeedRunner,
  RestError,
  buildStatus,
  createSequencer,
  describeError,
  instrumentMap,
  systemClock,
  wireSequencers,
  type FeedRunnerOptions,
  type FeedStateChange,
  type GapReason,
  type InstrumentInfo,
  type Logger,
  type Rejection,
  type RestClient,
  type Sequencer,
  type SequencerInputs,
  type StatusDetail,
  type VenueAdapter,
} from '@tickgate/core';
import type { Status, Trade } from '@tickgate/schema';
import { configPath, type FeedConfig } from '../config/index.js';
import type { GatewayMetrics } from '../metrics.js';
import { decideReconnect, decideResume, resumeStart, type LastStored, type ResumeDecision } from '../resume/decision.js';
import { Outbox, type PublishFn } from './outbox.js';
import { Reconciler } from './reconciler.js';
import { ShedLedger, type ShedRange } from './shed-ledger.js';
import { BackwardsWatch, compareIds } from './backwards-watch.js';
import { RejectionLog } from './rejection-log.js';
import { assessInstrument, DEFAULT_UNREADY_AFTER_MS, type StreamState, type UnreadyInstrument } from './readiness.js';
import { UnreadableWatch, type ReadabilityChange } from './unreadable-watch.js';
import { BookFeed, type BookFeedObserver, type BookOutputs } from './book-feed.js';

/** What a feed task publishes to. */
export interface FeedSink {
  publishTrade: PublishFn;
  publishStatus(status: Status): Promise<void>;
  /** How long NATS has taken nothing while messages wait, ms (the publisher's `stalledMs`); absent: never. */
  stalledMs?(): number;
}

/** NATS counts as stalled, for shedding, after taking nothing for this long while messages wait. */
const STALLED_AFTER_MS = 1_000;

export interface FeedTaskOptions {
  readonly name: string;
  readonly feed: FeedConfig;
  /** Where the feed sits in the config (`feeds.0`), for the path of the errors it reports. */
  readonly configPath: string;
  readonly adapter: VenueAdapter;
  /** The venue's REST client, shared by every feed of the venue (one weight budget). */
  readonly rest: RestClient;
  readonly sink: FeedSink;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Feed runner options (timings), mostly for tests. */
  readonly runnerOptions?: FeedRunnerOptions;
  /**
   * Most items the outbox holds while NATS pushes back (`nats.maxPending`, default 50,000). Past it,
   * released trades are not held: each instrument's shed range is recovered once NATS has room again.
   */
  readonly maxPending?: number;
  /**
   * JetStream mode: the last trade the stream holds for one of this feed's instruments, read at start
   * and after each NATS reconnect so that the feed resumes after it (see `resume/decision.ts`). Absent
   * in core mode: there is no stream to resume from.
   */
  readonly lastStored?: (instrument: string) => Promise<LastStored | undefined>;
  /** Where book messages, bbo and book status events go (feeds with the `book` or `bbo` channel). */
  readonly books?: Pick<BookOutputs, 'book' | 'bbo'>;
  /** Book counters for metrics. */
  readonly bookObserver?: BookFeedObserver;
  /**
   * An instrument whose stream is not live, whose REST polls fail, and that has published nothing for
   * this long is not ready (`http.unreadyAfterMs`, default 30 s); see `readiness.ts`.
   */
  readonly unreadyAfterMs?: number;
}

/** Options of `FeedTask.stop`. */
export interface FeedStopOptions {
  /** Let REST backfills in flight go on until then (ms since the epoch); default: stop them at once. */
  readonly backfillUntilMs?: number;
}

/** Default of `nats.maxPending`: trades a feed holds for a stalled NATS before it sheds them. */
export const DEFAULT_MAX_PENDING = 50_000;

/** Health of one feed, for `/readyz` and logs. */
export interface FeedHealth {
  readonly name: string;
  readonly venue: string;
  /** Started, and no instrument in `unready`: each live on the stream, or covered by REST polling that works. */
  readonly ready: boolean;
  readonly state: string;
  readonly fallback: boolean;
  readonly connections: ReadonlyArray<{ readonly instruments: readonly string[]; readonly state: string }>;
  /** Instruments whose live trades all arrive at or below the last id published (checked with the venue); not ready while any. */
  readonly notPublishing?: readonly string[];
  /** Instruments whose stream frames cannot be read, polled through REST meanwhile (still ready while REST covers them). */
  readonly unreadable?: readonly string[];
  /** The instruments that keep the feed from being ready, each with its reason (absent when none). */
  readonly unready?: readonly UnreadyInstrument[];
  readonly error?: string;
}

const TICK_MS = 1_000;
/** Tries at reading the stream's last stored trade of an instrument before going on without it. */
const STORED_READ_ATTEMPTS = 3;
const STORED_READ_RETRY_MS = 500;

/** An instrument waiting for its first trade to settle its resume after the last stored trade. */
interface PendingResume {
  readonly stored: LastStored;
  /** Where its sequencer was started meanwhile (`resumeStart`). */
  readonly startAfterId: string | undefined;
}

/**
 * One feed of the config: its instruments, sharded over connections by the venue's stream limit, each
 * connection a `FeedRunner`; a `Sequencer` per instrument; a `Reconciler` for gaps, fallback polling
 * and price checks. A failure here never touches another feed.
 */
export class FeedTask {
  readonly name: string;
  readonly venue: string;
  private readonly runners: Array<{ runner: FeedRunner; instruments: string[] }> = [];
  private readonly sequencers = new Map<string, Sequencer>();
  private readonly infos = new Map<string, InstrumentInfo>();
  private readonly lastPrices = new Map<string, string>();
  private readonly lastTradeMs = new Map<string, number>();
  private reconciler: Reconciler | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly outbox: Outbox;
  private readonly shed: ShedLedger;
  private readonly backwards = new BackwardsWatch();
  private readonly backwardsChecks = new Set<string>();
  /** Whether each instrument's frames can be read; REST polling stands in while they cannot. */
  private readonly readability = new UnreadableWatch((change) => this.onReadability(change));
  private readonly rejectionLog: RejectionLog;
  private readonly inputsByInstrument = new Map<string, SequencerInputs>();
  private failure: string | undefined;
  private stopped = false;
  private framesSeen = 0;
  private readonly reconnectsSeen: Record<string, number> = {};
  private readonly duplicatesSeen = new Map<string, number>();
  private readonly releasedSeen = new Map<string, { ws: number; rest: number }>();
  /** Instruments whose resume after the last stored trade waits for their first trade. */
  private readonly resuming = new Map<string, PendingResume>();
  /** The last trade id handed to the publisher, per instrument (a shutdown status names it). */
  private readonly lastPublished = new Map<string, string>();
  /** Instruments whose connection was lost and that no live trade has tied to the sequence since. */
  private readonly unverified = new Set<string>();
  /** Stopped and its shutdown statuses published: anything released later is the next start's. */
  private sealed = false;
  /** Since when each instrument's connection has not been live (ms); absent while it is. */
  private readonly downSince = new Map<string, number>();
  /** The feed's books and bbo (channels `book`, `bbo`). */
  private bookFeed: BookFeed | undefined;
  /** Since when each unreadable instrument's frames have been unreadable (ms). */
  private readonly unreadableSince = new Map<string, number>();

  constructor(private readonly opts: FeedTaskOptions) {
    this.name = opts.name;
    this.venue = opts.adapter.venue;
    this.rejectionLog = new RejectionLog(opts.logger);
    this.shed = new ShedLedger(opts.maxPending ?? DEFAULT_MAX_PENDING, (instrument) => this.lastPublished.get(instrument));
    this.outbox = new Outbox(
      opts.sink.publishTrade,
      (error, status) =>
        status
          ? this.opts.logger.error({ err: describeError(error), state: status.state }, 'publishing a status event failed')
          : this.opts.logger.error({ err: describeError(error) }, 'publishing a trade failed'),
      (status) => opts.sink.publishStatus(status),
    );
  }

  /** Trades released but waiting for the publisher (backpressure). */
  get backlog(): number {
    return this.outbox.size;
  }

  /** Learn the instruments, then connect. Throws `ConfigError` when an instrument is not listed by the venue. */
  async start(): Promise<void> {
    const { adapter, feed, logger, metrics } = this.opts;
    const startedMs = systemClock.nowUs() / 1000;
    for (const instrument of feed.instruments) this.downSince.set(instrument, startedMs);
    const infos = await this.resolveInstruments();
    for (const info of infos) this.infos.set(info.instrument, info);

    this.reconciler = new Reconciler(
      {
        adapter,
        rest: this.opts.rest,
        logger,
        config: feed.reconcile,
        sequencer: (i) => this.sequencers.get(i),
        info: (i) => this.infos.get(i),
        lastPrice: (i) => this.lastPrices.get(i),
        publishStatus: (s) => this.publishStatus(s),
        onDivergence: (i, ratio) => metrics.priceDivergence.labels(this.venue, i).set(ratio),
        clock: systemClock,
      },
      infos.map((i) => i.instrument),
    );

    const stored = await this.readStored(infos.map((i) => i.instrument));
    const nowUs = systemClock.nowUs();
    const lookbackMs = feed.reconcile.resumeLookbackMs;
    for (const info of infos) {
      const last = stored.get(info.instrument);
      const startAfterId = resumeStart(last, nowUs, lookbackMs, adapter.stream);
      if (last) {
        this.resuming.set(info.instrument, { stored: last, startAfterId });
        logger.info({ instrument: info.instrument, lastStoredId: last.id, lastStoredAgeMs: Math.round((nowUs - last.tradeTime) / 1000) }, 'resuming after the last trade the stream holds');
      }
      this.sequencers.set(info.instrument, this.makeSequencer(info.instrument, startAfterId, startAfterId !== undefined ? 'restart' : undefined));
    }

    const channels = feed.channels;
    if (this.opts.books && adapter.books && channels.some((c) => c !== 'trades')) {
      this.bookFeed = new BookFeed({
        venue: this.venue,
        books: adapter.books,
        instruments: infos,
        depth: feed.book.depth,
        snapshotDepth: feed.book.snapshotDepth ?? feed.book.depth,
        snapshotIntervalMs: feed.book.snapshotIntervalMs,
        withBook: channels.includes('book'),
        rest: this.opts.rest,
        outputs: { book: this.opts.books.book, bbo: this.opts.books.bbo, status: (st) => this.publishStatus(st) },
        logger: logger.child({ component: 'books' }),
        ...(this.opts.bookObserver ? { observer: this.opts.bookObserver } : {}),
      });
    }
    // a connection carries each instrument's streams of every channel
    const perConnection = Math.max(1, Math.floor(adapter.stream.maxStreamsPerConnection / channels.length));
    for (let i = 0; i < infos.length; i += perConnection) {
      const shard = infos.slice(i, i + perConnection);
      const names = shard.map((s) => s.instrument);
      const runner = this.withFeedPath(
        () =>
          new FeedRunner({
            adapter,
            instruments: shard,
            wsUrl: feed.wsUrl ?? adapter.defaults.wsUrl,
            channels,
            logger: logger.child({ shard: this.runners.length }),
            options: { ...runnerOptionsOf(feed), ...this.opts.runnerOptions },
          }),
      );
      this.wire(runner, names);
      this.runners.push({ runner, instruments: names });
    }
    metrics.setFeedState(this.venue, this.name, 'connecting');
    this.reconciler.start();
    for (const { runner } of this.runners) runner.start();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    logger.info({ instruments: infos.map((i) => `${i.instrument}=${i.symbol}`), connections: this.runners.length }, 'feed started');
  }

  /** Run `build`; a `ConfigError` it throws about a key of this feed (`wsUrl`) is named by its full path (`feeds.0.wsUrl`). */
  private withFeedPath<T>(build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (error instanceof ConfigError && error.path !== undefined) throw new ConfigError(error.problem, { path: configPath(this.opts.configPath, error.path), cause: error });
      throw error;
    }
  }

  private makeSequencer(instrument: string, startAfterId?: string, startGapReason?: GapReason): Sequencer {
    const { adapter, feed, metrics } = this.opts;
    const latency = metrics.latency.labels(this.venue);
    const lastTradeMs = this.lastTradeMs;
    return createSequencer({
      venue: this.venue,
      instrument,
      sequencing: adapter.stream.sequencing,
      holdTimeoutMs: feed.reconcile.holdTimeoutMs,
      maxHeld: feed.reconcile.maxHeld,
      ...(startAfterId !== undefined ? { startAfterId } : {}),
      ...(startGapReason !== undefined ? { startGapReason } : {}),
      // Per trade: no prom-client call (the sequencer counts releases; `sampleMetrics` exports them).
      release: (trade: Trade) => {
        if (this.sealed) return;
        // A REST trade released before any live one (a stream down at start) settles the resume.
        if (this.resuming.size > 0) this.settleResume(instrument, trade, 1, false);
        if (trade.source === 'ws' && this.unverified.size > 0) this.unverified.delete(instrument);
        this.lastPrices.set(instrument, trade.price);
        const now = systemClock.nowUs();
        lastTradeMs.set(instrument, now / 1000);
        if (trade.source === 'ws') latency.observe((now - trade.tradeTime) / 1e6);
        if (this.shed.admit(trade, this.outbox.size, this.natsStalled)) {
          this.outbox.push(trade);
          this.lastPublished.set(instrument, trade.id);
        } else if (this.shed.shedTotal === 1 || this.shed.shedTotal % 100_000 === 0) this.noteShedding();
      },
      requestGap: (request) => {
        if (!request.joined) metrics.gaps.labels(this.venue, instrument, request.reason).inc();
        this.reconciler?.requestGap(request);
      },
      status: (event) => {
        if (event.state === 'recovered' && event.count) metrics.recovered.labels(this.venue, instrument).inc(event.count);
        if (event.state === 'unrecoverable' && event.count) metrics.unrecoverable.labels(this.venue, instrument).inc(event.count);
        // Trades of this range may have been shed: the shed range's own gap will report them, after them.
        if (event.state === 'recovered' && this.shed.has(instrument)) return;
        this.publishStatus(event);
      },
    });
  }

  /** The task's own listeners first (metrics, logs, the reconciler, status), then the sequencers. */
  private wire(runner: FeedRunner, instruments: string[]): void {
    const { logger, metrics } = this.opts;
    runner.on('rejection', (rejection: Rejection) => {
      metrics.rejections.labels(this.venue, rejection.reason).inc();
      this.rejectionLog.rejected(rejection, Date.now());
    });
    runner.on('control', (event) => {
      if (event.type === 'error') logger.error({ code: event.code }, `venue error: ${event.message}`);
    });
    runner.on('state', (change: FeedStateChange) => this.onState(change, instruments));
    const books = this.bookFeed;
    if (books) {
      runner.on('bookDelta', (instrument, delta) => books.delta(instrument, delta));
      runner.on('bookSnapshot', (instrument, snapshot) => books.snapshot(instrument, snapshot));
      runner.on('bbo', (bbo) => books.bbo(bbo));
      runner.on('state', (change: FeedStateChange) => {
        if (change.state === 'reconnecting' && change.previous === 'live') books.disconnected(instruments);
      });
    }
    // Before the sequencer sees an instrument's first trade: settle where it resumes.
    runner.on('trade', (trade: Trade, span: number) => {
      if (this.resuming.size > 0) this.settleResume(trade.instrument, trade, span, true);
    });
    wireSequencers(runner, instruments, (instrument) => this.inputsOf(instrument));
  }

  /**
   * The sequencer inputs of `instrument`: its current sequencer (replaced after shedding or a venue
   * reset), with live trades watched for ids that went backwards (consecutive-id venues).
   */
  private inputsOf(instrument: string): SequencerInputs | undefined {
    const known = this.inputsByInstrument.get(instrument);
    if (known !== undefined || !this.sequencers.has(instrument)) return known;
    const seq = () => this.sequencers.get(instrument)!;
    const watch = this.opts.adapter.stream.sequencing === 'consecutive';
    const inputs: SequencerInputs = {
      trade: (trade, span) => {
        const current = seq();
        if (trade.source === 'ws') {
          this.readability.parsed(instrument, trade.receiveTime / 1000); // receive time: no clock read per trade
          if (watch) {
            const first = this.backwards.observe(trade, this.lastPublished.get(instrument));
            if (first !== undefined) void this.checkBackwards(instrument, first);
          }
        }
        current.trade(trade, span);
      },
      rejected: (rejection) => {
        this.readability.rejected(instrument, rejection.reason, Date.now());
        // While the instrument is polled, a rejected frame's trade comes with the next poll: not a gap.
        if (!this.readability.isUnreadable(instrument)) seq().rejected(rejection);
      },
      heartbeat: (lastTradeId) => seq().heartbeat(lastTradeId),
      connected: () => seq().connected(),
      disconnected: () => seq().disconnected(),
    };
    this.inputsByInstrument.set(instrument, inputs);
    return inputs;
  }

  /**
   * Live ids stayed at or below the last published one: ask the venue for its latest id. Below ours:
   * the venue started over; publish `reset` with both ids and follow the new sequence from the first
   * trade of the run (the ids since then come from REST). Beyond ours: they are old trades sent again,
   * dropped as duplicates; logged.
   */
  private async checkBackwards(instrument: string, first: Trade): Promise<void> {
    if (this.backwardsChecks.has(instrument) || this.stopped) return;
    this.backwardsChecks.add(instrument);
    const { adapter, logger } = this.opts;
    const ourLast = this.sequencers.get(instrument)?.lastId;
    try {
      const info = this.infos.get(instrument);
      if (info === undefined || ourLast === undefined) return;
      const recent = await this.opts.rest.send(adapter.rest.recentTrades(info, 1));
      const venueLast = recent.at(-1)?.id;
      if (venueLast === undefined || compareIds(venueLast, ourLast) >= 0) {
        // the run is kept: `/readyz` names the instrument until a trade beyond the last published arrives
        logger.warn({ instrument, lastId: ourLast, venueLastId: venueLast, firstId: first.id }, 'live trade ids are at or below the last published one while the venue is beyond it: dropping them as repeats');
        return;
      }
      this.backwards.clear(instrument);
      this.publishStatus(
        buildStatus(this.venue, instrument, 'reset', Date.now(), {
          fromId: first.id,
          fromTime: first.tradeTime,
          lastId: ourLast,
          venueLastId: venueLast,
          reason: 'ids-went-backwards',
          message: `the venue's trade ids started over: its latest is ${venueLast}, below the last published ${ourLast}; following the new sequence from ${first.id}`,
        }),
      );
      logger.warn({ instrument, lastId: ourLast, venueLastId: venueLast, fromId: first.id }, "trade ids went backwards; following the venue's new sequence");
      this.sampleMetrics();
      const resumeAfter = (BigInt(first.id) - 1n).toString();
      const seq = this.makeSequencer(instrument, resumeAfter);
      this.sequencers.set(instrument, seq);
      this.lastPublished.set(instrument, resumeAfter); // the new sequence's ids are no longer "backwards"
      this.releasedSeen.delete(instrument);
      this.duplicatesSeen.delete(instrument);
      seq.heartbeat(venueLast);
    } catch (error) {
      this.backwards.clear(instrument); // counted again from the next trade: asked again after another run
      logger.warn({ instrument, err: describeError(error) }, 'could not ask the venue for its latest trade id; will ask again');
    } finally {
      this.backwardsChecks.delete(instrument);
    }
  }

  private onState(change: FeedStateChange, instruments: string[]): void {
    const { logger, metrics } = this.opts;
    metrics.setFeedState(this.venue, this.name, this.reconciler?.fallbackActive && change.state !== 'live' ? 'fallback' : change.state);
    if (change.state === 'live') {
      for (const i of instruments) this.downSince.delete(i);
      logger.info({ connection: change.connectionId }, 'feed live');
      this.reconciler?.streamUp(instruments);
      this.publishStatus(buildStatus(this.venue, undefined, 'connected', change.timeUs / 1000, { reason: change.reason }));
    } else if (change.state === 'reconnecting') {
      logger.warn({ reason: change.reason, err: change.error?.message }, 'feed lost; reconnecting');
      for (const i of instruments) {
        this.unverified.add(i);
        if (!this.downSince.has(i)) this.downSince.set(i, change.timeUs / 1000);
      }
      this.reconciler?.streamDown(instruments);
      if (change.previous === 'live') {
        this.publishStatus(buildStatus(this.venue, undefined, 'disconnected', change.timeUs / 1000, { reason: change.reason }));
      }
    }
  }

  /** An instrument's frames stopped (or started again) being readable: REST polling stands in meanwhile. */
  private onReadability(change: ReadabilityChange): void {
    if (this.stopped) return;
    if (change.readable) {
      this.unreadableSince.delete(change.instrument);
      this.reconciler?.instrumentReadable(change.instrument);
    } else {
      this.unreadableSince.set(change.instrument, systemClock.nowUs() / 1000);
      this.reconciler?.instrumentUnreadable(change.instrument, change.reason);
    }
  }

  private tick(): void {
    const now = Date.now();
    this.rejectionLog.flush(now);
    for (const seq of this.sequencers.values()) seq.tick(now);
    if (this.shed.active) for (const range of this.shed.release(this.outbox.size)) this.recoverShed(range);
    this.bookFeed?.tick();
    this.sampleMetrics(now);
  }

  /** Called only when the outbox is full (see `ShedLedger.admit`): is NATS taking nothing? */
  private readonly natsStalled = (): boolean => (this.opts.sink.stalledMs?.() ?? 0) >= STALLED_AFTER_MS;

  private noteShedding(): void {
    this.opts.logger.warn(
      { pending: this.outbox.size, maxPending: this.shed.maxPending, shed: this.shed.shedTotal },
      'NATS is not taking trades fast enough: not holding more in memory; the trades shed will be recovered from the venue once it does',
    );
  }

  /**
   * NATS has room again after shedding. Consecutive ids: the instrument's sequencer starts over after
   * the last trade kept and is told the venue's last id, so the shed range is an ordinary gap (status,
   * backfill from REST, `recovered` or an exact `unrecoverable`). No ids to fetch by: an exact
   * `unrecoverable` names the range.
   */
  private recoverShed(range: ShedRange): void {
    const { logger, metrics } = this.opts;
    metrics.tradesShed.labels(this.venue, range.instrument).inc(range.count);
    logger.warn({ instrument: range.instrument, fromId: range.firstId, toId: range.lastId, count: range.count }, 'NATS has room again; recovering the trades shed');
    if (this.opts.adapter.stream.sequencing !== 'consecutive') {
      this.publishStatus(
        buildStatus(this.venue, range.instrument, 'unrecoverable', Date.now(), {
          fromId: range.firstId,
          toId: range.lastId,
          count: range.count,
          fromTime: range.fromTime,
          toTime: range.toTime,
          reason: 'publish-overflow',
          message: 'trades shed while NATS could not take them; this venue has no history to fetch them by id',
        }),
      );
      return;
    }
    this.sampleMetrics();
    const startAfterId = range.lastKeptId ?? (BigInt(range.firstId) - 1n).toString();
    const seq = this.makeSequencer(range.instrument, startAfterId);
    this.sequencers.set(range.instrument, seq);
    this.releasedSeen.delete(range.instrument);
    this.duplicatesSeen.delete(range.instrument);
    seq.heartbeat(range.lastId);
  }

  // ---- resume from the stream ----------------------------------------------------------------------

  /**
   * The stream's last stored trade of each instrument (none without `lastStored`). A read that keeps
   * failing is logged and left out: that instrument starts from live.
   */
  private async readStored(instruments: readonly string[], attempts = STORED_READ_ATTEMPTS): Promise<Map<string, LastStored>> {
    const out = new Map<string, LastStored>();
    const lastStored = this.opts.lastStored;
    if (!lastStored) return out;
    await Promise.all(
      instruments.map(async (instrument) => {
        for (let attempt = 1; ; attempt++) {
          try {
            const last = await lastStored(instrument);
            if (last) out.set(instrument, last);
            return;
          } catch (error) {
            if (attempt >= attempts || this.stopped) {
              this.opts.logger.error({ instrument, err: describeError(error) }, 'could not read the last trade the stream holds; this instrument goes on from live without resuming');
              return;
            }
            await new Promise((r) => setTimeout(r, STORED_READ_RETRY_MS).unref());
          }
        }
      }),
    );
    return out;
  }

  /**
   * The first trade of an instrument waiting to resume: decide (`decideResume`) and act. When nothing
   * has reached its sequencer yet (`beforeSequencer`, the usual case: a live trade, seen before the
   * sequencer sees it), the sequencer starts over where the decision says, so that a `gap` is
   * reported (reason `restart`) and filled from REST. An `unrecoverable` decision is published here,
   * before the trade. A REST trade released first (polling before the stream came up) settles it too:
   * what the sequencer did not cover is reported.
   */
  private settleResume(instrument: string, first: Trade, span: number, beforeSequencer: boolean): void {
    const pending = this.resuming.get(instrument);
    if (pending === undefined) return;
    this.resuming.delete(instrument);
    const { adapter, feed, logger } = this.opts;
    const decision = decideResume(pending.stored, { id: first.id, span, tradeTime: first.tradeTime }, feed.reconcile.resumeLookbackMs, adapter.stream);
    const seq = this.sequencers.get(instrument);
    logger.info({ instrument, lastStoredId: pending.stored.id, firstId: first.id, decision: decision.kind, ...spanOf(decision) }, 'resume after the last stored trade settled');
    if (beforeSequencer && seq !== undefined && untouched(seq)) {
      this.sequencers.set(instrument, this.makeSequencer(instrument, decision.startAfterId, decision.kind === 'gap' ? 'restart' : undefined));
      if (decision.kind === 'unrecoverable') this.reportResumeLoss(instrument, decision.detail);
      return;
    }
    if (decision.kind === 'unrecoverable') this.reportResumeLoss(instrument, decision.detail);
    else if (decision.kind === 'gap' && pending.startAfterId !== pending.stored.id) {
      // The sequencer started from the first REST trade, not after the stored one: the span between
      // them was not fetched.
      this.reportResumeLoss(instrument, {
        fromId: decision.fromId,
        toId: decision.toId,
        count: decision.count,
        fromTime: pending.stored.tradeTime,
        toTime: first.tradeTime,
        lastId: pending.stored.id,
        reason: 'restart',
        message: 'trades made while the gateway was stopped were not fetched: its first trades came from REST polling',
      });
    }
  }

  private reportResumeLoss(instrument: string, detail: StatusDetail): void {
    if (detail.count) this.opts.metrics.unrecoverable.labels(this.venue, instrument).inc(detail.count);
    this.opts.logger.warn({ instrument, ...detail }, 'trades made while the gateway was stopped are not recovered');
    this.publishStatus(buildStatus(this.venue, instrument, 'unrecoverable', Date.now(), detail));
  }

  /**
   * After a NATS reconnect (JetStream mode): read what the stream holds now. Where it holds ids
   * beyond the last one this gateway released (another replica published them), the instrument goes
   * on after them rather than publishing them again; it never goes back. An instrument still waiting
   * for its first trade resumes after the newer stored trade.
   */
  async resyncWithStream(): Promise<void> {
    if (this.stopped || !this.opts.lastStored) return;
    const { adapter, logger } = this.opts;
    const stored = await this.readStored([...this.infos.keys()]);
    if (this.stopped) return;
    for (const [instrument, last] of stored) {
      const pending = this.resuming.get(instrument);
      if (pending) {
        if (decideReconnect(last, pending.stored.id, adapter.stream).advanceTo !== undefined) this.resuming.set(instrument, { ...pending, stored: last });
        continue;
      }
      const seq = this.sequencers.get(instrument);
      if (!seq) continue;
      const { advanceTo } = decideReconnect(last, seq.lastId, adapter.stream);
      if (advanceTo === undefined) continue;
      const counters = seq.counters();
      if (counters.held > 0 || counters.openGaps > 0) {
        // Its gaps are being filled; what the stream holds already is stored once however often sent.
        logger.info({ instrument, lastStoredId: advanceTo, lastReleasedId: seq.lastId }, 'the stream holds trades beyond the last one released; gaps open, going on as is');
        continue;
      }
      logger.warn({ instrument, lastStoredId: advanceTo, lastReleasedId: seq.lastId }, 'the stream holds trades beyond the last one this gateway released (another replica?): going on after them');
      this.sampleMetrics();
      this.sequencers.set(instrument, this.makeSequencer(instrument, advanceTo));
      this.releasedSeen.delete(instrument);
      this.duplicatesSeen.delete(instrument);
    }
  }

  /**
   * At stop: a `gap` status (reason `shutdown`, with the last id published) for every instrument
   * whose continuity this run could not verify: a gap still open, a connection lost and not caught up
   * (or never live), no trade seen since the start, trades shed and not yet recovered. The next start
   * resumes after the last stored trade and closes it.
   */
  private reportUnverified(notLive: ReadonlySet<string>): void {
    for (const instrument of this.infos.keys()) {
      const why: string[] = [];
      if ((this.sequencers.get(instrument)?.openGaps().length ?? 0) > 0) why.push('a gap was still open');
      if (notLive.has(instrument) || this.unverified.has(instrument)) why.push('its venue stream was down or had not caught up since it reconnected');
      if (this.resuming.has(instrument)) why.push('no trade had come since the start');
      if (this.shed.has(instrument)) why.push('trades shed while NATS was slow were not recovered yet');
      if (why.length === 0) continue;
      const lastId = this.lastPublished.get(instrument) ?? this.resuming.get(instrument)?.stored.id;
      const message = `stopped before continuity was verified: ${why.join('; ')}. The next start resumes after the last trade stored.`;
      this.opts.logger.warn({ instrument, lastId, why }, 'stopping with continuity unverified');
      this.publishStatus(buildStatus(this.venue, instrument, 'gap', Date.now(), { reason: 'shutdown', ...(lastId !== undefined ? { lastId } : {}), message }));
    }
  }

  /** Bring the sampled metrics (counters kept by the runners and sequencers, ages) up to date. */
  sampleMetrics(now = Date.now()): void {
    for (const [instrument, seq] of this.sequencers) {
      const counters = seq.counters();
      const released = this.releasedSeen.get(instrument) ?? { ws: 0, rest: 0 };
      if (counters.released.ws > released.ws) this.opts.metrics.tradesPublished.labels(this.venue, instrument, 'ws').inc(counters.released.ws - released.ws);
      if (counters.released.rest > released.rest) this.opts.metrics.tradesPublished.labels(this.venue, instrument, 'rest').inc(counters.released.rest - released.rest);
      this.releasedSeen.set(instrument, { ...counters.released });
      const duplicates = counters.duplicates;
      const seen = this.duplicatesSeen.get(instrument) ?? 0;
      if (duplicates > seen) this.opts.metrics.duplicatesDropped.labels(this.venue, instrument).inc(duplicates - seen);
      this.duplicatesSeen.set(instrument, duplicates);
      const last = this.lastTradeMs.get(instrument);
      if (last !== undefined) this.opts.metrics.lastTradeAge.labels(this.venue, instrument).set(Math.max(0, now - last) / 1000);
      let oldestGapMs = now;
      for (const gap of seq.openGaps()) oldestGapMs = Math.min(oldestGapMs, gap.openedAtMs);
      this.opts.metrics.gapOpen.labels(this.venue, instrument).set(Math.max(0, now - oldestGapMs) / 1000);
    }
    let frames = 0;
    const reconnects: Record<string, number> = {};
    for (const { runner } of this.runners) {
      const c = runner.counters();
      frames += c.frames;
      for (const [reason, n] of Object.entries(c.reconnects)) reconnects[reason] = (reconnects[reason] ?? 0) + n;
    }
    if (frames > this.framesSeen) this.opts.metrics.framesReceived.labels(this.venue, this.name).inc(frames - this.framesSeen);
    this.framesSeen = frames;
    for (const [reason, n] of Object.entries(reconnects)) {
      const seen = this.reconnectsSeen[reason] ?? 0;
      if (n > seen) this.opts.metrics.reconnects.labels(this.venue, this.name, reason).inc(n - seen);
      this.reconnectsSeen[reason] = n;
    }
    if (this.reconciler?.fallbackActive) this.opts.metrics.setFeedState(this.venue, this.name, 'fallback');
  }

  private publishStatus(status: Status): void {
    if (this.sealed) return;
    this.opts.metrics.statusEvents.labels(status.venue, status.state).inc();
    // through the outbox: after every trade released before it
    this.outbox.pushStatus(status);
  }

  private async resolveInstruments(): Promise<InstrumentInfo[]> {
    const { adapter, feed, logger, rest } = this.opts;
    const wanted = feed.instruments;
    const derived = wanted.map((instrument) => deriveInfo(adapter, instrument));
    try {
      const listed = instrumentMap(await rest.send(adapter.rest.instruments(derived.map((d) => d.symbol))));
      const missing = wanted.filter((i) => !listed.byInstrument(i));
      if (missing.length) throw new ConfigError(`not listed on ${adapter.venue}: ${missing.join(', ')}`, { path: configPath(this.opts.configPath, 'instruments') });
      return wanted.map((i) => listed.byInstrument(i)!);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (error instanceof RestError && error.statusCode === 400) {
        throw new ConfigError(`${adapter.venue} does not list ${wanted.join(', ')}: ${error.body.slice(0, 200)}`, { path: configPath(this.opts.configPath, 'instruments') });
      }
      logger.warn({ err: describeError(error) }, 'instrument metadata unavailable; using symbols derived from the instrument names');
      return derived;
    }
  }

  /** Health for `/readyz`. */
  health(): FeedHealth {
    const connections = this.runners.map(({ runner, instruments }) => ({ instruments, state: runner.state }));
    const fallback = this.reconciler?.fallbackActive ?? false;
    const live = connections.length > 0 && connections.every((c) => c.state === 'live');
    const state = this.failure ? 'failed' : live ? 'live' : fallback ? 'fallback' : (connections[0]?.state ?? 'starting');
    const notPublishing = this.backwards.suspects();
    const unreadable = this.readability.unreadable();
    const unready = this.unreadyInstruments(systemClock.nowUs() / 1000, notPublishing, unreadable);
    return {
      name: this.name,
      venue: this.venue,
      ready: !this.failure && connections.length > 0 && unready.length === 0,
      ...(notPublishing.length > 0 ? { notPublishing } : {}),
      ...(unreadable.length > 0 ? { unreadable } : {}),
      ...(unready.length > 0 ? { unready } : {}),
      state,
      fallback,
      connections,
      ...(this.failure ? { error: this.failure } : {}),
    };
  }

  /** The instruments that keep the feed from being ready (`assessInstrument`), in connection order. */
  private unreadyInstruments(nowMs: number, notPublishing: readonly string[], unreadable: readonly string[]): UnreadyInstrument[] {
    if (this.failure !== undefined) {
      const error = this.failure;
      return this.opts.feed.instruments.map((instrument) => ({ instrument, reason: 'feed-failed', message: 'the feed could not start', error }));
    }
    const unreadyAfterMs = this.opts.unreadyAfterMs ?? DEFAULT_UNREADY_AFTER_MS;
    const out: UnreadyInstrument[] = [];
    for (const { runner, instruments } of this.runners) {
      for (const instrument of instruments) {
        let stream: StreamState;
        if (runner.state !== 'live') stream = this.reconciler?.polledWhileDown(instrument) ? 'fallback' : 'down';
        else stream = unreadable.includes(instrument) ? 'unreadable' : 'live';
        const downSinceMs = stream === 'unreadable' ? this.unreadableSince.get(instrument) : this.downSince.get(instrument);
        const lastPublishedMs = this.lastTradeMs.get(instrument);
        const poll = this.reconciler?.pollOutcome(instrument);
        const verdict = assessInstrument(
          {
            instrument,
            stream,
            idsBackwards: notPublishing.includes(instrument),
            ...(downSinceMs !== undefined ? { downSinceMs } : {}),
            ...(lastPublishedMs !== undefined ? { lastPublishedMs } : {}),
            ...(poll !== undefined ? { poll } : {}),
          },
          nowMs,
          unreadyAfterMs,
        );
        if (verdict) out.push(verdict);
      }
    }
    return out;
  }

  /** Mark the task failed (it could not start). */
  fail(reason: string): void {
    this.failure = reason;
    this.opts.metrics.setFeedState(this.venue, this.name, 'failed');
  }

  /**
   * Stop: the connections first (no new live trades), then the REST backfills in flight may finish
   * until `backfillUntilMs`, then the reconciler and the timers go. Last, a `gap` status with reason
   * `shutdown` for each instrument whose continuity could not be verified (`reportUnverified`).
   * Trades held behind a gap still open are not released: the stream then ends before the gap, and
   * the next start fetches the gap and them.
   */
  async stop(options: FeedStopOptions = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.tickTimer);
    this.bookFeed?.stop();
    const notLive = new Set<string>();
    for (const { runner, instruments } of this.runners) if (runner.state !== 'live') for (const i of instruments) notLive.add(i);
    // Frames that could not be read since the last poll: their trades were not published.
    for (const i of this.readability.unreadable()) notLive.add(i);
    this.readability.clear();
    await Promise.all(this.runners.map(({ runner }) => runner.stop()));
    if (this.reconciler) {
      if (!(await this.reconciler.finishBackfills(options.backfillUntilMs ?? 0))) this.opts.logger.warn('stopping with REST backfills unfinished (the shutdown budget ran out)');
      await this.reconciler.stop();
    }
    if (!this.failure) this.reportUnverified(notLive);
    this.sealed = true;
    this.opts.metrics.setFeedState(this.venue, this.name, 'stopped');
  }
}

/** Nothing has reached the sequencer yet: it may be replaced by one started elsewhere. */
function untouched(seq: Sequencer): boolean {
  const c = seq.counters();
  return c.released.ws + c.released.rest === 0 && c.gapsOpened === 0 && c.duplicates === 0 && c.held === 0;
}

/** The ids a resume decision names, for its log line. */
function spanOf(decision: ResumeDecision): { fromId?: string; toId?: string; count?: number } {
  if (decision.kind === 'gap') return { fromId: decision.fromId, toId: decision.toId, count: decision.count };
  if (decision.kind === 'unrecoverable') return { ...(decision.detail.fromId !== undefined ? { fromId: decision.detail.fromId, toId: decision.detail.toId, count: decision.detail.count } : {}) };
  return {};
}

function runnerOptionsOf(feed: FeedConfig): FeedRunnerOptions {
  const c = feed.connection;
  return {
    ...(c.lifetimeMs !== undefined ? { connectionLifetimeMs: c.lifetimeMs } : {}),
    ...(c.staleAfterMs !== undefined ? { staleAfterMs: c.staleAfterMs } : {}),
    ...(c.backoffBaseMs !== undefined ? { backoffBaseMs: c.backoffBaseMs } : {}),
    ...(c.backoffCapMs !== undefined ? { backoffCapMs: c.backoffCapMs } : {}),
    ...(c.healthyAfterMs !== undefined ? { healthyAfterMs: c.healthyAfterMs } : {}),
  };
}

/** `BTC-USDT` → the venue symbol by the adapter's rule (default: the letters without the dash). */
function deriveInfo(adapter: VenueAdapter, instrument: string): InstrumentInfo {
  const [base = '', quote = ''] = instrument.split('-');
  const symbol = adapter.symbolFor ? adapter.symbolFor(instrument) : `${base}${quote}`;
  return { instrument, symbol, base, quote };
}
