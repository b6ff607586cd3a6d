import { maskUrl } from '@tickgate/client';
import { RestClient, describeError, type FeedRunnerOptions, type Logger } from '@tickgate/core';
import { configPath, effectiveConfig, natsAuthOf, type GatewayConfig } from './config/index.js';
import { FeedTask, type FeedHealth } from './feed/feed-task.js';
import type { UnreadyInstrument } from './feed/readiness.js';
import { startHttp } from './http.js';
import { GatewayMetrics } from './metrics.js';
import { connectNats, createPublisher, ensureStream, type Publisher, startEmbeddedNats, type EmbeddedNats, type GatewayNats } from './publish/index.js';
import { StreamContents } from './resume/last-stored.js';
import { BookPublisher } from './publish/book-publisher.js';
import type { BookFeedObserver, BookOutputs } from './feed/book-feed.js';
import { BOOK_STREAM_SUBJECTS } from '@tickgate/schema';
import { VENUES } from './venues.js';

export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** Feed runner timings for every feed (tests). */
  readonly runnerOptions?: FeedRunnerOptions;
  /** Export the default process metrics (default true). */
  readonly processMetrics?: boolean;
}

const METRICS_TICK_MS = 1_000;

/** One REST client per venue and REST URL (one weight budget), with the venue it reports metrics for. */
interface VenueRest {
  readonly venue: string;
  readonly restUrl: string;
  readonly client: RestClient;
}

/**
 * The gateway: NATS (or an embedded server), the JetStream stream, the publisher, one task per feed,
 * the venues' REST clients and the HTTP endpoints. `start()` then `stop()`.
 */
export class Gateway {
  readonly metrics: GatewayMetrics;
  private embedded: EmbeddedNats | undefined;
  private nats: GatewayNats | undefined;
  private publisher: Publisher | undefined;
  private bookPublisher: BookPublisher | undefined;
  private readonly tasks: FeedTask[] = [];
  /** By `restKey(venue, restUrl)`. */
  private readonly restClients = new Map<string, VenueRest>();
  private http: Awaited<ReturnType<typeof startHttp>> | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private publishRetriesSeen = 0;
  private publishConfirmedSeen = 0;

  private readonly opts: GatewayOptions;

  /** Throws `ConfigError` for a config the gateway cannot run (see `effectiveConfig`). */
  constructor(opts: GatewayOptions) {
    this.opts = { ...opts, config: effectiveConfig(opts.config, VENUES) };
    this.metrics = new GatewayMetrics({ processMetrics: opts.processMetrics ?? true });
  }

  /** The configuration in effect: every default filled in. */
  get config(): GatewayConfig {
    return this.opts.config;
  }

  /** The NATS URL in use (the embedded server's when none was configured). */
  get natsUrl(): string | undefined {
    const configured = this.opts.config.nats.servers[0];
    return this.embedded?.url ?? (configured === undefined ? undefined : maskUrl(configured));
  }

  /** Port of the HTTP endpoints, once started (0 disables them). */
  get httpPort(): number | undefined {
    return this.http?.port;
  }

  async start(): Promise<void> {
    const { config, logger } = this.opts;
    let servers = config.nats.servers;
    if (servers.length === 0) {
      this.embedded = await startEmbeddedNats({ logger });
      servers = [this.embedded.url];
      logger.info({ url: this.embedded.url, storeDir: this.embedded.storeDir }, 'no nats.servers configured: started an embedded nats-server');
    }
    this.nats = await connectNats({ servers, auth: natsAuthOf(config.nats), name: config.nats.name, logger });
    if (config.nats.mode === 'jetstream') {
      const result = await ensureStream(this.nats.nc, {
        name: config.nats.stream,
        duplicateWindowMs: config.nats.duplicateWindowMs,
        maxAgeMs: config.nats.maxAgeMs,
        replicas: config.nats.replicas,
        logger,
      });
      logger.info({ stream: config.nats.stream, action: result.action, changes: result.changes }, 'JetStream stream ready');
      if (config.feeds.some((f) => f.channels.includes('book'))) {
        const books = await ensureStream(this.nats.nc, {
          name: config.nats.bookStream,
          subjects: [...BOOK_STREAM_SUBJECTS],
          maxAgeMs: config.nats.bookMaxAgeMs,
          duplicateWindowMs: Math.min(config.nats.duplicateWindowMs, config.nats.bookMaxAgeMs),
          replicas: config.nats.replicas,
          logger,
        });
        logger.info({ stream: config.nats.bookStream, action: books.action, changes: books.changes }, 'JetStream book stream ready');
      }
    } else {
      logger.warn('core mode: there is no stream to resume from; trades made while the gateway is stopped are not recovered, and no status event reports them');
    }
    // JetStream mode: each feed resumes after the last trade the stream holds, at start and after every NATS reconnect.
    const contents = config.nats.mode === 'jetstream' ? new StreamContents(this.nats.nc, config.nats.stream) : undefined;
    this.publisher = createPublisher(this.nats.nc, { mode: config.nats.mode, window: config.nats.window, maxBuffered: config.nats.maxBuffered, stream: config.nats.stream, logger });
    const publisher = this.publisher;

    if (config.http.port !== 0) {
      this.http = await startHttp(
        {
          readiness: () => this.readiness(),
          metrics: () => {
            this.sampleMetrics();
            return this.metrics.text();
          },
          metricsContentType: this.metrics.registry.contentType,
        },
        { port: config.http.port, host: config.http.host },
      );
      logger.info({ port: this.http.port }, 'HTTP endpoints: /healthz /readyz /metrics');
    }

    for (const [index, feed] of config.feeds.entries()) {
      const adapter = VENUES[feed.venue]!;
      // effectiveConfig filled in the name and the URLs
      const name = feed.name ?? feed.venue;
      const restUrl = feed.restUrl ?? adapter.defaults.restUrl;
      const key = restKey(feed.venue, restUrl);
      let rest = this.restClients.get(key)?.client;
      if (!rest) {
        const requests = this.metrics.restRequests;
        const venue = feed.venue;
        rest = new RestClient({
          baseUrl: restUrl,
          venue,
          limits: feed.rest.weightLimit === undefined ? adapter.rest.limits : { ...adapter.rest.limits, weightPerMinute: feed.rest.weightLimit },
          ...(feed.rest.windowMs !== undefined ? { windowMs: feed.rest.windowMs } : {}),
          safetyFraction: feed.rest.safetyFraction,
          logger: logger.child({ venue, component: 'rest' }),
          observe: (sample) => requests.labels(venue, sample.path, sample.outcome).inc(),
        });
        this.restClients.set(key, { venue, restUrl, client: rest });
      }
      const task = new FeedTask({
        name,
        feed,
        configPath: configPath('feeds', index),
        adapter,
        rest,
        sink: { publishTrade: (t) => publisher.publishTrade(t), publishStatus: (s) => publisher.publishStatus(s), stalledMs: () => publisher.stalledMs() },
        maxPending: config.nats.maxPending,
        unreadyAfterMs: config.http.unreadyAfterMs,
        ...(contents ? { lastStored: (instrument: string) => contents.lastTrade(feed.venue, instrument) } : {}),
        ...(feed.channels.some((c) => c !== 'trades') ? this.bookWiring(feed.venue) : {}),
        logger: logger.child({ venue: feed.venue, feed: name }),
        metrics: this.metrics,
        ...(this.opts.runnerOptions ? { runnerOptions: this.opts.runnerOptions } : {}),
      });
      this.tasks.push(task);
    }
    // Feeds start independently: one that cannot start is marked failed and the others go on.
    await Promise.all(
      this.tasks.map((task) =>
        task.start().catch((error: unknown) => {
          task.fail(describeError(error));
          logger.error({ feed: task.name, err: describeError(error) }, 'feed could not start');
        }),
      ),
    );
    this.metricsTimer = setInterval(() => this.sampleMetrics(), METRICS_TICK_MS);
    this.metricsTimer.unref();
    if (contents) void this.resyncOnReconnect(this.nats);
  }

  /** After every NATS reconnect, the feeds compare what they released with what the stream holds. */
  private async resyncOnReconnect(nats: GatewayNats): Promise<void> {
    for await (const status of nats.nc.status()) {
      if (this.stopping) return;
      if (status.type !== 'reconnect') continue;
      for (const task of this.tasks) {
        task.resyncWithStream().catch((error: unknown) => this.opts.logger.error({ feed: task.name, err: describeError(error) }, 'reading the stream after a reconnect failed'));
      }
    }
  }

  private sampleMetrics(): void {
    for (const task of this.tasks) task.sampleMetrics();
    const stats = this.publisher?.stats();
    if (stats) {
      this.metrics.publishInFlight.set(stats.buffered + this.tasks.reduce((n, t) => n + t.backlog, 0));
    }
    this.metrics.natsConnected.set(this.nats?.connected ? 1 : 0);
    const now = Date.now();
    for (const { venue, client } of this.restClients.values()) {
      const state = client.state();
      this.metrics.restWeight.labels(venue).set(Math.max(state.usedWeightLocal, state.usedWeightVenue ?? 0));
      const paused = (state.bannedUntilMs ?? 0) > now || (state.pausedUntilMs ?? 0) > now;
      this.metrics.restBanned.labels(venue).set(paused ? 1 : 0);
    }
    if (stats) {
      const retries = stats.retries - this.publishRetriesSeen;
      if (retries > 0) this.metrics.publishRetries.inc(retries);
      this.publishRetriesSeen = stats.retries;
      const confirmed = stats.confirmedStored - this.publishConfirmedSeen;
      if (confirmed > 0) this.metrics.publishConfirmedStored.inc(confirmed);
      this.publishConfirmedSeen = stats.confirmedStored;
    }
  }

  /** Book outputs and counters of a feed with the book or bbo channel (one publisher for all feeds). */
  private bookWiring(venue: string): { books: Pick<BookOutputs, 'book' | 'bbo'>; bookObserver: BookFeedObserver } {
    this.bookPublisher ??= new BookPublisher(this.nats!.nc);
    const publisher = this.bookPublisher;
    const m = this.metrics;
    return {
      books: { book: (b) => publisher.book(b), bbo: (b) => publisher.bbo(b) },
      bookObserver: {
        published: (instrument, book) => {
          m.bookMessages.labels(venue, instrument, book.action).inc();
          if (book.action === 'snapshot') {
            m.bookInSync.labels(venue, instrument).set(1);
            if (book.depth !== undefined) m.bookDepth.labels(venue, instrument).set(book.depth);
          }
        },
        resync: (instrument, reason) => {
          m.bookResyncs.labels(venue, instrument, reason).inc();
          m.bookInSync.labels(venue, instrument).set(0);
        },
        snapshotRequest: (_instrument, weight, outcome) => {
          m.bookSnapshotRequests.labels(venue, outcome).inc();
          m.bookSnapshotWeight.labels(venue).inc(weight);
        },
        bbo: () => m.bboMessages.labels(venue).inc(),
        outOfSync: (instrument, seconds) => m.bookOutOfSync.labels(venue, instrument).set(seconds),
      },
    };
  }

  /**
   * Readiness: NATS connected and every feed ready (each instrument live on its stream, or covered by
   * REST polling that works; see `feed/readiness.ts`). `instruments` lists those that are not, with the reason.
   */
  readiness(): Readiness {
    const feeds = this.tasks.map((t) => t.health());
    const connected = this.nats?.connected ?? false;
    return {
      ready: connected && feeds.length > 0 && feeds.every((f) => f.ready),
      nats: { connected, ...(this.nats ? { server: this.nats.server } : {}) },
      feeds,
      instruments: feeds.flatMap((f) => (f.unready ?? []).map((u) => ({ venue: f.venue, feed: f.name, ...u }))),
    };
  }

  /**
   * Graceful stop within `timeoutMs`: close the feeds (no new live trades), let their REST backfills in
   * flight finish within the first half of it, publish a `gap` status (reason `shutdown`) for each
   * instrument whose continuity could not be verified, wait for the publisher to have everything
   * acknowledged (the rest of it), drain NATS, stop the embedded server and the HTTP endpoints.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping ??= this.doStop(options.timeoutMs ?? 8_000);
    return this.stopping;
  }

  private async doStop(timeoutMs: number): Promise<void> {
    const { logger } = this.opts;
    clearInterval(this.metricsTimer);
    const deadline = Date.now() + timeoutMs;
    const backfillUntilMs = Date.now() + timeoutMs / 2;
    await Promise.all(this.tasks.map((t) => t.stop({ backfillUntilMs }).catch((e: unknown) => logger.error({ err: describeError(e) }, 'feed stop failed'))));
    for (const { client } of this.restClients.values()) await client.close();
    // Trades and status events still in the feeds' outboxes go through the publisher as it drains.
    while (this.tasks.some((t) => t.backlog > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.publisher) {
      const { abandoned } = await this.publisher.close({ timeoutMs: Math.max(500, deadline - Date.now()) });
      if (abandoned) logger.error({ abandoned }, 'stopped with unacknowledged trades (they are re-fetched from REST on the next start only if within the venue history)');
    }
    if (this.nats) await this.nats.nc.drain().catch(() => undefined);
    await this.http?.close();
    await this.embedded?.stop();
    logger.info('gateway stopped');
  }
}

/** What `Gateway.readiness()` (and `/readyz`) reports. */
export interface Readiness {
  readonly ready: boolean;
  readonly nats: { readonly connected: boolean; readonly server?: string };
  readonly feeds: FeedHealth[];
  /** Every instrument that keeps the gateway from being ready, with its venue, feed and reason. */
  readonly instruments: Array<{ readonly venue: string; readonly feed: string } & UnreadyInstrument>;
}

/** The key of a venue's REST client: the venue and its REST URL (a map key only; the record holds both). */
function restKey(venue: string, restUrl: string): string {
  return JSON.stringify([venue, restUrl]);
}

