import { SEQUENCER_DEFAULTS } from '@tickgate/core';
import { isInstrumentId, isVenueId } from '@tickgate/schema';
import { z } from 'zod';

const natsUrl = z
  .string()
  .refine((s) => /^(nats|tls|ws|wss):\/\/([^\s/@]+@)?[^\s/@]+(:\d+)?\/?$/.test(s), { message: 'not a NATS URL (nats://host:port, nats://user:pass@host:port)' });

const filePath = z.string().min(1, { message: 'a file path' });

export const NatsTlsConfig = z.strictObject({
  /** CA certificate (PEM) the server's certificate must chain to; the system's CAs by default. */
  caFile: filePath.optional(),
  /** Client certificate (PEM), for servers that verify clients; needs `keyFile`. */
  certFile: filePath.optional(),
  /** Key of the client certificate (PEM); needs `certFile`. */
  keyFile: filePath.optional(),
});

function urlWith(protocols: string[], what: string) {
  return z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `not a ${what} URL (${protocols.map((p) => `${p}//`).join(' or ')})` },
  );
}

const durationMs = z.number().int().positive();

export const NatsConfig = z
  .strictObject({
  /** NATS servers. Empty or absent: start an embedded `nats-server -js` child. */
  servers: z.array(natsUrl).default([]),
  /** JetStream stream that captures trades and status events (`md.trade.>`, `md.status.>`). */
  stream: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'stream names are letters, digits, _ and -' }).default('MD'),
  /** `jetstream`: acknowledged publishing (default); `core`: fire-and-forget core NATS only. */
  mode: z.enum(['jetstream', 'core']).default('jetstream'),
  /** Most acknowledged publishes in flight. */
  window: z.number().int().min(1).max(100_000).default(1_000),
  /** Unacknowledged messages (in flight + queued) at which feeds wait for the stream before publishing more. */
  maxBuffered: z.number().int().min(1).max(1_000_000).default(4_000),
  /**
   * Most trades and status events each feed holds in memory while NATS pushes back. Past it, released
   * trades are shed and recovered from the venue's REST once NATS has room (or reported unrecoverable).
   */
  maxPending: z.number().int().min(1).max(10_000_000).default(50_000),
  /** JetStream duplicate window (dedup across replicas and retries). */
  duplicateWindowMs: durationMs.default(120_000),
  /** How long the stream keeps messages. */
  maxAgeMs: durationMs.default(24 * 3600_000),
  /** Stream replicas (3 on a NATS cluster). */
  replicas: z.number().int().min(1).max(5).default(1),
  /** Connection name shown by the server. */
  name: z.string().min(1).default('tickgate-gateway'),
  /** JetStream stream of the book messages (`md.book.>`), made when a feed carries books (JetStream mode). */
  bookStream: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'stream names are letters, digits, _ and -' }).default('MD_BOOK'),
  /** How long the book stream keeps messages (a few snapshot intervals is enough for late joiners). */
  bookMaxAgeMs: durationMs.default(600_000),
  /** Login: user + pass, or a token, or a `.creds` file, or an nkey seed file (one of them); or credentials in the URLs. */
  user: z.string().min(1).optional(),
  pass: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  credsFile: filePath.optional(),
  nkeyFile: filePath.optional(),
  /** TLS: any of these turns it on (so does a `tls://` URL or a server that requires it). */
  tls: NatsTlsConfig.optional(),
  })
  .refine((n) => n.maxBuffered >= n.window, { message: 'maxBuffered must be at least window (the window could never fill)', path: ['maxBuffered'] })
  .refine((n) => [n.user !== undefined || n.pass !== undefined, n.token !== undefined, n.credsFile !== undefined, n.nkeyFile !== undefined].filter(Boolean).length <= 1, {
    message: 'give one way of logging in: user and pass, token, credsFile or nkeyFile',
  })
  .refine((n) => n.user === undefined || n.pass !== undefined, { message: 'a user needs a password (nats.pass or TICKGATE_NATS_PASS)', path: ['pass'] })
  .refine((n) => n.pass === undefined || n.user !== undefined, { message: 'a password needs a user (nats.user or TICKGATE_NATS_USER)', path: ['user'] })
  .refine((n) => (n.tls?.certFile === undefined) === (n.tls?.keyFile === undefined), { message: 'a client certificate needs both certFile and keyFile', path: ['tls'] });

export const HttpConfig = z.strictObject({
  /** Port of `/healthz`, `/readyz` and `/metrics`; 0 disables the HTTP server. */
  port: z.number().int().min(0).max(65535).default(9464),
  host: z.string().min(1).default('0.0.0.0'),
  /**
   * An instrument whose feed is not live, whose REST polls fail, and that has published nothing for this
   * long makes `/readyz` answer 503.
   */
  unreadyAfterMs: durationMs.default(30_000),
});

export const LogConfig = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Human-readable logs; default: when stdout is a terminal. */
  pretty: z.boolean().optional(),
});

export const ReconcileConfig = z.strictObject({
  /** Fill gaps from REST (the no-trade-lost promise); disable only for testing. */
  backfill: z.boolean().default(true),
  /** Start polling REST when the stream has been down this long. */
  fallbackAfterMs: durationMs.default(5_000),
  /** Polling interval while in fallback. */
  pollIntervalMs: durationMs.default(1_000),
  /**
   * After a reconnect, when no live trade has moved an instrument on within this long, ask REST once
   * for trades after its last published id (a quiet market shows no gap until its next trade).
   */
  catchUpAfterMs: durationMs.default(2_000),
  /** Compare the last published price with the venue's ticker this often; 0 disables. */
  priceCheckIntervalMs: z.number().int().min(0).default(60_000),
  /** Report a divergence above this fraction (0.01 = 1 %). */
  divergenceThreshold: z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, { message: 'a plain decimal such as "0.01"' }).default('0.01'),
  /**
   * Hold live trades behind a gap at most this long before declaring the rest unrecoverable: the
   * sequencer's `holdTimeoutMs`, whose default (`SEQUENCER_DEFAULTS`, in core) is the one here.
   */
  holdTimeoutMs: durationMs.default(SEQUENCER_DEFAULTS.holdTimeoutMs),
  /** Hold at most this many live trades behind a gap: the sequencer's `maxHeld`, with its default. */
  maxHeld: z.number().int().positive().default(SEQUENCER_DEFAULTS.maxHeld),
  /**
   * JetStream mode: at start, each instrument resumes after the last trade the stream holds, and the
   * trades made meanwhile are fetched from REST; unless that trade is older than this (exchange time),
   * when one `unrecoverable` status names the span and the feed starts from live, instead of paging
   * through days of history.
   */
  resumeLookbackMs: durationMs.default(3_600_000),
});

export const ConnectionConfig = z.strictObject({
  /** Rotate each connection (make-before-break) after this long; default: before the venue's lifetime. */
  lifetimeMs: durationMs.optional(),
  /** Reconnect when nothing at all (frames, pings, heartbeats) arrived this long; default from the venue's heartbeat rule. */
  staleAfterMs: durationMs.optional(),
  /** First reconnect delay ceiling (full jitter). */
  backoffBaseMs: durationMs.optional(),
  /** Largest reconnect delay ceiling. */
  backoffCapMs: durationMs.optional(),
  /** A connection must stay live this long before the backoff starts over. */
  healthyAfterMs: durationMs.optional(),
});

export const RestConfig = z.strictObject({
  /** The venue's request-weight limit per window (Binance: 6000 per minute); the venue's published value by default. */
  weightLimit: z.number().int().positive().optional(),
  /** Length of that window, ms (default 60 000). */
  windowMs: durationMs.optional(),
  /** Keep this fraction of the limit in reserve: requests wait before it is reached. */
  safetyFraction: z.number().gt(0).max(1).default(0.8),
});

export const FeedChannelName = z.enum(['trades', 'book', 'bbo']);

export const BookConfig = z.strictObject({
  /** Levels per side published on `md.book.…` (at most the venue's snapshot depth). */
  depth: z.number().int().min(1).max(1000).default(20),
  /** Levels per side asked of the venue's REST snapshot; default: min(venue maximum, 1000), at least `depth`. */
  snapshotDepth: z.number().int().min(1).max(5000).optional(),
  /** Publish each live book again as a snapshot this often, for consumers that join late (stream `nats.bookStream`). */
  snapshotIntervalMs: durationMs.default(30_000),
});

export const FeedConfig = z.strictObject({
  /** Venue id: `binance`. */
  venue: z.string().refine(isVenueId, { message: 'a lowercase venue id such as "binance"' }),
  /** Normalized instruments, `BASE-QUOTE`. */
  instruments: z
    .array(z.string().refine(isInstrumentId, { message: 'not a BASE-QUOTE instrument such as "BTC-USDT"' }))
    .min(1, { message: 'at least one instrument' }),
  /** WebSocket base URL; the venue's public one by default. */
  wsUrl: urlWith(['ws:', 'wss:'], 'WebSocket').optional(),
  /** REST base URL; the venue's public one by default. */
  restUrl: urlWith(['http:', 'https:'], 'HTTP').optional(),
  /** Feed name in logs and metrics; `<venue>` (or `<venue>-<n>` when a venue has several feeds) by default. */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  reconcile: ReconcileConfig.default(ReconcileConfig.parse({})),
  /** REST rate budget (one per venue and REST URL, shared by its feeds); the venue's rules by default. */
  rest: RestConfig.default({ safetyFraction: 0.8 }),
  /** Connection tuning; the venue's rules by default. */
  connection: ConnectionConfig.default({}),
  /** What the feed carries: `trades`, `book` (L2 on `md.book.…`), `bbo` (the venue's top of book on `md.bbo.…`). */
  channels: z
    .array(FeedChannelName)
    .min(1, { message: 'at least one channel' })
    .refine((c) => new Set(c).size === c.length, { message: 'a channel is listed twice' })
    .refine((c) => c.includes('trades'), { message: 'a feed carries trades (book and bbo come with them)' })
    .default(['trades']),
  /** L2 book settings (channel `book`). */
  book: BookConfig.default(BookConfig.parse({})),
});

export const GatewayConfig = z.strictObject({
  nats: NatsConfig.default(NatsConfig.parse({})),
  http: HttpConfig.default(HttpConfig.parse({})),
  log: LogConfig.default(LogConfig.parse({})),
  feeds: z.array(FeedConfig).min(1, { message: 'at least one feed' }),
});

export type GatewayConfig = z.infer<typeof GatewayConfig>;
export type FeedConfig = z.infer<typeof FeedConfig>;
export type NatsConfig = z.infer<typeof NatsConfig>;
export type ReconcileConfig = z.infer<typeof ReconcileConfig>;
export type BookConfig = z.infer<typeof BookConfig>;

/** What `npm start` runs with no `--config`: Binance BTC-USDT, embedded NATS. */
export const DEFAULT_CONFIG_INPUT = {
  feeds: [{ venue: 'binance', instruments: ['BTC-USDT'] }],
};
