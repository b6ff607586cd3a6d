import type { Status, Trade } from '@tickgate/schema';
import type { Logger } from '@tickgate/core';

/**
 * - `jetstream`: every message is acknowledged by the stream; retried (same `Nats-Msg-Id`) until it is.
 * - `core`: plain NATS publish, fire-and-forget, lowest latency; lost while NATS is unreachable.
 */
export type PublishMode = 'jetstream' | 'core';

/** Options of both publishers; each reads the ones that concern it. */
export interface PublisherOptions {
  /** Default `jetstream`. */
  mode?: PublishMode;
  /** JetStream publishes awaiting their acknowledgement at once (default 1,000). */
  window?: number;
  /**
   * Messages accepted but not yet acknowledged (in flight + queued + awaiting a retry) at which
   * `publishTrade` starts returning a promise (default 4,000). The promise resolves when the count
   * has fallen to half of this. A caller that ignores the promise gets `PublishOverflowError` at twice
   * this bound (the message is then *not* accepted). JetStream mode only.
   */
  maxBuffered?: number;
  /** How long one JetStream publish waits for its acknowledgement, ms (default 5,000). */
  ackTimeoutMs?: number;
  /** First pause before retrying after a failure, ms (default 100); doubles up to `retryDelayMaxMs`. */
  retryDelayMs?: number;
  /** Longest pause between retries, ms (default 2,000). */
  retryDelayMaxMs?: number;
  /** Core mode: publishes after which `publishTrade` returns a promise that yields to the event loop (default 1,000). */
  yieldEvery?: number;
  /** Where failures and recoveries are logged (default: nowhere). */
  logger?: Logger;
  /**
   * Subject prefix of the JetStream acknowledgements' reply inbox (default: the connection's
   * `inboxPrefix`, else `_INBOX`), for accounts whose permissions allow replies only under a prefix.
   */
  inboxPrefix?: string;
  /**
   * The JetStream stream the subjects go to. When given, a retry after a stall or a reconnect first
   * asks it which messages it already holds (per subject, its last message) and does not send those
   * again, so that core subscribers see no repeats. JetStream mode only.
   */
  stream?: string;
}

/** A snapshot of the publisher's counters, for metrics. Counters only grow; gauges go up and down. */
export interface PublisherStats {
  mode: PublishMode;
  /** Trades accepted for JetStream publishing (counter). */
  publishedJetStream: number;
  /** Trades published on core NATS (counter). */
  publishedCore: number;
  /** Status events accepted (counter). */
  publishedStatus: number;
  /** Messages acknowledged by the stream, duplicates included (counter). */
  acked: number;
  /** Acknowledgements that said "duplicate": the stream already held that msg id (counter). */
  duplicates: number;
  /** Sends of a message that had been sent before (counter). */
  retries: number;
  /** Failed attempts: timeouts, no responders, API errors, core publish errors (counter). */
  failures: number;
  /** Messages refused with `PublishOverflowError` (counter). */
  rejected: number;
  /** Messages whose acknowledgement was lost that the stream turned out to hold: settled, not sent again (counter). */
  confirmedStored: number;
  /** Publishes awaiting their acknowledgement now (gauge). */
  inFlight: number;
  /** Messages accepted and not yet acknowledged, in flight included (gauge). */
  buffered: number;
}

/** The counters part of {@link PublisherStats}, which both publishers keep. */
export type PublisherCounters = Omit<PublisherStats, 'mode' | 'inFlight' | 'buffered'>;

export const zeroCounters = (): PublisherCounters => ({
  publishedJetStream: 0,
  publishedCore: 0,
  publishedStatus: 0,
  acked: 0,
  duplicates: 0,
  retries: 0,
  failures: 0,
  rejected: 0,
  confirmedStored: 0,
});

/**
 * Publishes trades and status events to NATS on the wire-contract subjects, each with its
 * `Nats-Msg-Id`. Two implementations: {@link CorePublisher} and {@link JetStreamPublisher}; choose one
 * with `createPublisher`.
 *
 * **Hot path.** `publishTrade(trade)` returns `undefined` while there is room, and a `Promise<void>`
 * when the caller should wait before publishing more. The message is accepted either way:
 *
 * ```ts
 * const wait = publisher.publishTrade(trade);
 * if (wait) await wait;
 * ```
 */
export interface Publisher {
  readonly mode: PublishMode;
  /**
   * Publish one trade (already schema-valid: no validation here). Returns `undefined` when the caller
   * may go on, or a promise to await before publishing more. Throws `PublisherClosedError` after
   * `close()`, `PublishOverflowError` at the hard bound (JetStream).
   */
  publishTrade(trade: Trade): void | Promise<void>;
  /**
   * Publish a status event on `md.status.<venue>[.<instrument>]`, validated strictly first (throws
   * `WireDecodeError`). Its `Nats-Msg-Id` is `statusMsgId(status)` unless `msgId` is given.
   */
  publishStatus(status: Status, options?: { msgId?: string }): Promise<void>;
  /** Resolves when `publishTrade` may be called again without exceeding the backpressure bound. */
  ready(): Promise<void>;
  /** Resolves when everything published so far has reached NATS (core) or the stream (JetStream). */
  flush(): Promise<void>;
  /**
   * Stop accepting messages, wait up to `timeoutMs` (default 10,000) for the accepted ones, then let
   * go. Resolves with the number of messages still unacknowledged. Does not close the connection.
   */
  close(options?: { timeoutMs?: number }): Promise<{ abandoned: number }>;
  /** Counters and gauges, for metrics (a fresh object per call). */
  stats(): PublisherStats;
  /** Messages accepted and not yet acknowledged (always 0 in core mode). */
  readonly buffered: number;
  /**
   * How long NATS has taken nothing while messages wait, ms: since the last acknowledgement when some
   * are unacknowledged, else 0 (always 0 in core mode, which waits for nothing).
   */
  stalledMs(): number;
}

export function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
