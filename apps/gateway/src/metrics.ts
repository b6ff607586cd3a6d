import type { FeedState as RunnerState, GapReason, LossReason, RejectionReason } from '@tickgate/core';
import { StatusState } from '@tickgate/schema';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Histogram } from 'prom-client';

/** A list of the string union `T`'s members: one that misses a member, or holds anything else, does not type-check. */
function every<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L => list;
}

/**
 * The states of `tickgate_feed_state`: the runner's connection states, `fallback` (the stream is down
 * and REST polling stands in) and `failed` (the feed could not start).
 */
export const FEED_STATES = every<RunnerState | 'fallback' | 'failed'>()(['idle', 'connecting', 'live', 'reconnecting', 'fallback', 'stopped', 'failed']);
export type GatewayFeedState = (typeof FEED_STATES)[number];

/** The label values the gateway can export, by metric; each HELP text names them. */
export const REJECTION_REASONS = every<RejectionReason>()(['malformed-json', 'unknown-message', 'invalid-field', 'unknown-instrument']);
export const GAP_REASONS = every<GapReason>()(['jump', 'reconnect', 'parse-error', 'heartbeat', 'overlap', 'restart']);
export const RECONNECT_REASONS = every<LossReason>()(['connect-failed', 'closed', 'dropped', 'error', 'stale', 'heartbeat', 'subscribe-timeout']);
export const STATUS_STATES: readonly StatusState[] = StatusState.options;

/** One label value's series of a `BucketHistogram`. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Add one observation. Not a finite number: ignored (a histogram cannot place it). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A Prometheus histogram with one label, for observations on the hot path (one per trade).
 *
 * prom-client's `Histogram` validates and hashes the labels on every `observe`, even through a bound
 * child; at tens of thousands of trades per second that cost ~4% of the gateway's CPU. Here a series
 * is an array of bucket counts that `observe` increments; the text exposition is produced only when
 * the registry is scraped, in prom-client's format (`_bucket` with cumulative counts and `le`, `_sum`,
 * `_count`). It registers itself like any prom-client metric.
 */
export class BucketHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelName: string,
    readonly bounds: readonly number[],
    registry: Registry,
  ) {
    if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= (bounds[i - 1] as number)))) {
      throw new RangeError(`histogram bounds must be finite and ascending, got ${bounds.join(', ')}`);
    }
    registry.registerMetric(this as unknown as Histogram);
  }

  /** The series of one label value (created on first use; keep it for the hot path). */
  labels(value: string): HistogramSeries {
    let s = this.series.get(value);
    if (s === undefined) {
      s = new HistogramSeries(this.bounds);
      this.series.set(value, s);
    }
    return s;
  }

  /** Forget every observation (prom-client's `registry.resetMetrics()`). */
  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  /** prom-client's metric interface: the values to expose. */
  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> } {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const [labelValue, s] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i] as number;
        values.push({ labels: { le: this.bounds[i] as number, [this.labelName]: labelValue }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', [this.labelName]: labelValue }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { [this.labelName]: labelValue }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.labelName]: labelValue }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/**
 * Every Prometheus metric the gateway exports, on its own registry. Labels: `venue`, `instrument`,
 * `feed`; counters end in `_total`. Nothing here is updated per trade through prom-client: trade
 * counts are kept by the sequencers and added at each sample (`FeedTask.sampleMetrics`, every second
 * and before each scrape), and the latency histogram is a `BucketHistogram`. With `processMetrics`
 * (the default) the registry also holds prom-client's default process and Node.js metrics, under their
 * standard names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, ...).
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly tradesPublished = new Counter({ name: 'tickgate_trades_published_total', help: 'Trades published to NATS, by source (ws: live stream; rest: recovered or polled through REST).', labelNames: ['venue', 'instrument', 'source'] as const, registers: [this.registry] });
  readonly framesReceived = new Counter({ name: 'tickgate_frames_received_total', help: 'WebSocket frames received, by feed.', labelNames: ['venue', 'feed'] as const, registers: [this.registry] });
  readonly rejections = new Counter({ name: 'tickgate_rejections_total', help: `Frames rejected by the adapter, by reason (${REJECTION_REASONS.join(', ')}).`, labelNames: ['venue', 'reason'] as const, registers: [this.registry] });
  readonly duplicatesDropped = new Counter({ name: 'tickgate_duplicates_dropped_total', help: 'Trades dropped as duplicates or overlaps by the sequencer.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly gaps = new Counter({ name: 'tickgate_gaps_total', help: `Gaps found in trade ids, by reason (${GAP_REASONS.join(', ')}).`, labelNames: ['venue', 'instrument', 'reason'] as const, registers: [this.registry] });
  readonly gapOpen = new Gauge({ name: 'tickgate_gap_open_seconds', help: 'Age of the oldest gap still open on the instrument, seconds (0 when none is open); at reconcile.holdTimeoutMs its missing ids are declared unrecoverable.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly recovered = new Counter({ name: 'tickgate_trades_recovered_total', help: 'Missing trades recovered through REST.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly unrecoverable = new Counter({ name: 'tickgate_trades_unrecoverable_total', help: 'Trade ids declared unrecoverable (gaps REST could not fill, trades shed on a venue without ids to fetch by, spans missed while the gateway was stopped).', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly reconnects = new Counter({ name: 'tickgate_reconnects_total', help: `WebSocket reconnects, by feed and reason (${RECONNECT_REASONS.join(', ')}).`, labelNames: ['venue', 'feed', 'reason'] as const, registers: [this.registry] });
  readonly feedState = new Gauge({ name: 'tickgate_feed_state', help: `1 for the state each feed is in, 0 for the others (${FEED_STATES.join(', ')}).`, labelNames: ['venue', 'feed', 'state'] as const, registers: [this.registry] });
  readonly lastTradeAge = new Gauge({ name: 'tickgate_last_trade_age_seconds', help: 'Seconds since the last published trade of the instrument.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly latency = new BucketHistogram(
    'tickgate_exchange_to_publish_seconds',
    'Exchange trade time to hand-over to the NATS client, seconds (live-stream trades).',
    'venue',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    this.registry,
  );
  readonly restRequests = new Counter({ name: 'tickgate_rest_requests_total', help: 'REST attempts, by endpoint path and status: the HTTP status code, or network, timeout or aborted when no response came.', labelNames: ['venue', 'endpoint', 'status'] as const, registers: [this.registry] });
  readonly restWeight = new Gauge({ name: 'tickgate_rest_weight_used', help: 'REST weight used in the current window (venue-reported when available).', labelNames: ['venue'] as const, registers: [this.registry] });
  readonly restBanned = new Gauge({ name: 'tickgate_rest_banned', help: '1 while REST to the venue is paused by a 418 ban or 429 Retry-After.', labelNames: ['venue'] as const, registers: [this.registry] });
  readonly priceDivergence = new Gauge({ name: 'tickgate_price_divergence_ratio', help: 'Last published price vs the venue ticker, |a-b|/b.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly publishInFlight = new Gauge({ name: 'tickgate_publish_in_flight', help: 'Messages not yet acknowledged: accepted by the publisher and awaiting their ack (JetStream mode), plus those the feeds hold until the publisher takes them.', registers: [this.registry] });
  readonly publishRetries = new Counter({ name: 'tickgate_publish_retries_total', help: 'Publishes retried after a failure (same Nats-Msg-Id).', registers: [this.registry] });
  readonly tradesShed = new Counter({ name: 'tickgate_trades_shed_total', help: 'Trades not held in memory while NATS could not take them (nats.maxPending); recovered from the venue afterwards, or reported unrecoverable.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly publishConfirmedStored = new Counter({ name: 'tickgate_publish_confirmed_stored_total', help: 'Messages whose acknowledgement was lost that the stream already held: settled without sending them again.', registers: [this.registry] });
  readonly bookMessages = new Counter({ name: 'tickgate_book_messages_total', help: 'L2 book messages published on md.book, by action (snapshot, delta).', labelNames: ['venue', 'instrument', 'action'] as const, registers: [this.registry] });
  readonly bookResyncs = new Counter({ name: 'tickgate_book_resyncs_total', help: 'Books that went out of sync and were rebuilt, by reason (gap, crossed, stale, venue-reset, disconnect, buffer-overflow, snapshot-too-old).', labelNames: ['venue', 'instrument', 'reason'] as const, registers: [this.registry] });
  readonly bookSnapshotRequests = new Counter({ name: 'tickgate_book_snapshot_requests_total', help: 'REST book snapshot requests, by outcome (ok, failed).', labelNames: ['venue', 'outcome'] as const, registers: [this.registry] });
  readonly bookSnapshotWeight = new Counter({ name: 'tickgate_book_snapshot_weight_total', help: 'REST weight spent on book snapshots.', labelNames: ['venue'] as const, registers: [this.registry] });
  readonly bookInSync = new Gauge({ name: 'tickgate_book_in_sync', help: '1 while the instrument\'s book is in sync and published, 0 while it is being rebuilt.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly bookOutOfSync = new Gauge({ name: 'tickgate_book_out_of_sync_seconds', help: 'Seconds the instrument\'s book has been out of sync (being built or rebuilt; 0 while in sync).', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly bookDepth = new Gauge({ name: 'tickgate_book_depth', help: 'Levels per side the instrument\'s published book carries (its last snapshot\'s depth).', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly bboMessages = new Counter({ name: 'tickgate_bbo_messages_total', help: 'Best bid/offer messages published on md.bbo.', labelNames: ['venue'] as const, registers: [this.registry] });
  readonly natsConnected = new Gauge({ name: 'tickgate_nats_connected', help: '1 while connected to NATS.', registers: [this.registry] });
  readonly statusEvents = new Counter({ name: 'tickgate_status_events_total', help: `Status events published, by state (${STATUS_STATES.join(', ')}).`, labelNames: ['venue', 'state'] as const, registers: [this.registry] });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Set the one-hot state gauge of a feed. */
  setFeedState(venue: string, feed: string, state: GatewayFeedState): void {
    for (const s of FEED_STATES) this.feedState.labels(venue, feed, s).set(s === state ? 1 : 0);
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
