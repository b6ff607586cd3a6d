import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric the gateway exports, on its own registry. Labels: `venue`, `instrument`,
 * `feed`; counters end in `_total`. Hot-path updates go through pre-bound label children.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly tradesPublished = new Counter({ name: 'tickgate_trades_published_total', help: 'Trades published to NATS, by source (ws or rest).', labelNames: ['venue', 'instrument', 'source'] as const, registers: [this.registry] });
  readonly framesReceived = new Counter({ name: 'tickgate_frames_received_total', help: 'WebSocket frames received.', labelNames: ['venue', 'feed'] as const, registers: [this.registry] });
  readonly rejections = new Counter({ name: 'tickgate_rejections_total', help: 'Frames rejected by the adapter, by reason.', labelNames: ['venue', 'reason'] as const, registers: [this.registry] });
  readonly duplicatesDropped = new Counter({ name: 'tickgate_duplicates_dropped_total', help: 'Trades dropped as duplicates or overlaps by the sequencer.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly gaps = new Counter({ name: 'tickgate_gaps_total', help: 'Gaps found in trade ids, by reason.', labelNames: ['venue', 'instrument', 'reason'] as const, registers: [this.registry] });
  readonly recovered = new Counter({ name: 'tickgate_trades_recovered_total', help: 'Missing trades recovered through REST.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly unrecoverable = new Counter({ name: 'tickgate_trades_unrecoverable_total', help: 'Trade ids declared unrecoverable.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly reconnects = new Counter({ name: 'tickgate_reconnects_total', help: 'WebSocket reconnects, by reason.', labelNames: ['venue', 'feed', 'reason'] as const, registers: [this.registry] });
  readonly feedState = new Gauge({ name: 'tickgate_feed_state', help: '1 for the state each feed connection is in (connecting, live, reconnecting, fallback, stopped).', labelNames: ['venue', 'feed', 'state'] as const, registers: [this.registry] });
  readonly lastTradeAge = new Gauge({ name: 'tickgate_last_trade_age_seconds', help: 'Seconds since the last published trade of the instrument.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'tickgate_exchange_to_publish_seconds',
    help: 'Exchange trade time to hand-over to the NATS client, seconds.',
    labelNames: ['venue'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly restRequests = new Counter({ name: 'tickgate_rest_requests_total', help: 'REST requests, by endpoint and HTTP status (0: no response).', labelNames: ['venue', 'endpoint', 'status'] as const, registers: [this.registry] });
  readonly restWeight = new Gauge({ name: 'tickgate_rest_weight_used', help: 'REST weight used in the current window (venue-reported when available).', labelNames: ['venue'] as const, registers: [this.registry] });
  readonly restBanned = new Gauge({ name: 'tickgate_rest_banned', help: '1 while REST to the venue is paused by a 418 ban or 429 Retry-After.', labelNames: ['venue'] as const, registers: [this.registry] });
  readonly priceDivergence = new Gauge({ name: 'tickgate_price_divergence_ratio', help: 'Last published price vs the venue ticker, |a-b|/b.', labelNames: ['venue', 'instrument'] as const, registers: [this.registry] });
  readonly publishInFlight = new Gauge({ name: 'tickgate_publish_in_flight', help: 'Acknowledged publishes awaiting their ack (plus those waiting to be sent).', registers: [this.registry] });
  readonly publishRetries = new Counter({ name: 'tickgate_publish_retries_total', help: 'Publishes retried after a failure (same Nats-Msg-Id).', registers: [this.registry] });
  readonly natsConnected = new Gauge({ name: 'tickgate_nats_connected', help: '1 while connected to NATS.', registers: [this.registry] });
  readonly statusEvents = new Counter({ name: 'tickgate_status_events_total', help: 'Status events published, by state.', labelNames: ['venue', 'state'] as const, registers: [this.registry] });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'tickgate_' });
  }

  /** Set the one-hot state gauge of a feed. */
  setFeedState(venue: string, feed: string, state: string): void {
    for (const s of FEED_STATES) this.feedState.labels(venue, feed, s).set(s === state ? 1 : 0);
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

export const FEED_STATES = ['idle', 'connecting', 'live', 'reconnecting', 'fallback', 'stopped', 'failed'] as const;
