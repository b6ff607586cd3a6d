import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientOptions } from 'ws';
import type { Bbo, Trade } from '@tickgate/schema';
import { instrumentMap, type ControlEvent, type FeedChannel, type HeartbeatRule, type InstrumentInfo, type InstrumentMap, type Rejection, type VenueAdapter } from '../adapter.js';
import type { BookDelta, BookSnapshot } from '../books/types.js';
import { ConfigError, type FeedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sharedAttemptBudget, type AttemptBudget } from './attempt-budget.js';
import { Backoff } from '../backoff.js';
import { monotonicMs, systemClock, type Clock } from '../clock.js';
import { Connection, type CloseCause, type ConnectionCounters, type ConnectionEnd, type ConnectionHandler, type LossReason } from './connection.js';

/**
 * Where a feed stands:
 * - `idle`: constructed, not started;
 * - `connecting`: the first connection since `start()` is being made;
 * - `live`: a connection is open and subscribed;
 * - `reconnecting`: the connection was lost; waiting (backoff, attempt budget) or connecting again;
 * - `stopped`: `stop()` was called (final).
 */
export type FeedState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Why a rotation (make-before-break reconnect) started. */
export type RotationReason = 'lifetime' | 'shutdown-notice';

/** Why the state changed: `start`, `ready` (to `live`), `stop`, or the loss that caused `reconnecting`. */
export type FeedStateReason = 'start' | 'ready' | 'stop' | LossReason;

/** Payload of the `state` event. */
export interface FeedStateChange {
  readonly state: FeedState;
  readonly previous: FeedState;
  readonly reason: FeedStateReason;
  /** The loss, for `reconnecting`. */
  readonly error?: FeedError;
  /** The connection concerned (the live one, or the one lost). */
  readonly connectionId?: number;
  /** Wall time of the change, µs. */
  readonly timeUs: number;
}

/** Payload of the `connection` event: the life of each connection (for logs and metrics). */
export interface FeedConnectionEvent {
  readonly connectionId: number;
  /** `primary` carries the feed; `standby` is being opened to replace it (rotation). */
  readonly role: 'primary' | 'standby' | 'retired';
  /**
   * `connecting` (attempt started), `open` (socket open), `ready` (subscribed), `promoted` (a standby
   * took over as primary), `closed` (ended: lost, rotated out, discarded or stopped).
   */
  readonly phase: 'connecting' | 'open' | 'ready' | 'promoted' | 'closed';
  readonly url: string;
  /** For `closed`: the loss reason, or why the runner closed it. */
  readonly reason?: LossReason | CloseCause;
  /** For `closed` by a loss. */
  readonly error?: FeedError;
  /** For `closed`: the WebSocket close code, when known. */
  readonly code?: number;
  /** For `closed`: the backoff delay before the next attempt, when this loss scheduled one. */
  readonly retryInMs?: number;
  /** Wall time, µs. */
  readonly timeUs: number;
}

/**
 * Events of a {@link FeedRunner} (a typed `EventEmitter`; there is no `error` event, so an unhandled
 * failure never throws). Hot-path events take positional arguments to avoid an allocation per trade.
 */
export interface FeedRunnerEvents {
  /** A normalized trade; `span` consecutive venue ids end at `trade.id` (1 unless the venue aggregates). */
  trade: [trade: Trade, span: number, connectionId: number];
  /**
   * A book delta, an in-band book snapshot, a best bid/offer (feeds with the book and bbo channels), from
   * the primary connection only: during a rotation the standby's copies are dropped, so an instrument's
   * book sees one connection's stream at a time (continuity across the switch is the book rule's to check).
   */
  bookDelta: [instrument: string, delta: BookDelta, connectionId: number];
  bookSnapshot: [instrument: string, snapshot: BookSnapshot, connectionId: number];
  bbo: [bbo: Bbo, connectionId: number];
  /** A frame the adapter could not read (the sequencer treats one carrying `tradeId` as a gap). */
  rejection: [rejection: Rejection, connectionId: number];
  /** Every control event (already acted on by the runner: shutdown notices rotate, pongs/heartbeats keep alive). */
  control: [event: ControlEvent, connectionId: number];
  /** The feed's state changed. */
  state: [change: FeedStateChange];
  /** A connection's life moved on. */
  connection: [event: FeedConnectionEvent];
}

/** Timings, all in ms; every one has a default. */
export interface FeedRunnerTimings {
  /** A connection must be live this long before the backoff starts over. Default 30 000. */
  readonly healthyAfterMs: number;
  /**
   * Reconnect when nothing at all (no frame, WebSocket ping or pong, heartbeat) arrived for this long.
   * A quiet market with a working heartbeat never reaches it. Default from the heartbeat rule:
   * `server-ping` interval + pong deadline; `client-ping` interval + timeout; `server-message` 3 intervals.
   */
  readonly staleAfterMs: number;
  /** Start rotating this long before the venue's connection lifetime ends. Default min(300 000, lifetime / 10). */
  readonly rotateBeforeMs: number;
  /** During a rotation, close the old connection at the latest this long after the new one is ready. Default 5 000. */
  readonly overlapMs: number;
  /** Backoff: ceiling of the first retry delay. Default 500. */
  readonly backoffBaseMs: number;
  /** Backoff: largest ceiling. Default 30 000. */
  readonly backoffCapMs: number;
  /** After sending subscribe messages, wait this long for an acknowledgement or a trade. Default 10 000. */
  readonly subscribeTimeoutMs: number;
  /** WebSocket handshake timeout. Default 10 000. */
  readonly connectTimeoutMs: number;
  /** A polite close that gets no answer is forced after this long. Default 2 000. */
  readonly closeTimeoutMs: number;
}

/** Options of a {@link FeedRunner} beyond its timings. */
export interface FeedRunnerOptions extends Partial<FeedRunnerTimings> {
  /** Random source in [0, 1) for the backoff jitter (seeded in tests). Default `Math.random`. */
  readonly random?: () => number;
  /**
   * The connection-attempt budget. Default: the process-wide budget of this venue
   * (`sharedAttemptBudget(adapter.venue, adapter.stream.connectAttempts)`) when the venue states a limit;
   * `null` for none.
   */
  readonly attemptBudget?: AttemptBudget | null;
  /** Overrides the venue's `connectionLifetimeMs` (`null`: never rotate on age). */
  readonly connectionLifetimeMs?: number | null;
  /** Extra `ws` client options (agent, headers, perMessageDeflate…). */
  readonly webSocketOptions?: ClientOptions;
}

/** What a {@link FeedRunner} needs. */
export interface FeedRunnerConfig {
  readonly adapter: VenueAdapter;
  /** The instruments this feed carries (at most `adapter.stream.maxStreamsPerConnection`). */
  readonly instruments: readonly InstrumentInfo[];
  /** Base WebSocket URL handed to `adapter.stream.connect`. */
  readonly wsUrl: string;
  /** What the connections carry (default trades only); `book` and `bbo` need `adapter.books`. */
  readonly channels?: readonly FeedChannel[];
  readonly logger: Logger;
  /** Receive-time clock. Default {@link systemClock}. */
  readonly clock?: Clock;
  readonly options?: FeedRunnerOptions;
}

/** Counters for metrics; a snapshot is read through {@link FeedRunner.counters}. */
export interface FeedRunnerCounters {
  /** Frames received on every connection (text and binary). */
  frames: number;
  trades: number;
  rejections: number;
  controls: number;
  /** Client messages sent (subscribe requests and pings). */
  clientMessagesSent: number;
  pingsSent: number;
  /** Sockets opened or attempted (first connection, reconnects, rotations). */
  connectAttempts: number;
  /** Losses of the primary connection, by reason (each led to a reconnect). */
  reconnects: Record<LossReason, number>;
  /** Rotations started, by reason. */
  rotations: Record<RotationReason, number>;
  /** Standby connections (rotations) that failed before taking over. */
  rotationFailures: number;
  /** Frames whose parser or listeners threw (logged; the feed carries on). */
  handlerErrors: number;
}

const LOSS_REASONS: readonly LossReason[] = ['connect-failed', 'closed', 'dropped', 'error', 'stale', 'heartbeat', 'subscribe-timeout'];

interface PendingOpen {
  role: 'primary' | 'standby';
  readonly abort: AbortController;
}

/** Reconnect timings a runner uses when its options do not set them (the venue's rules set the others). */
export const RUNNER_DEFAULTS = {
  /** A connection must stay live this long before the backoff starts over. */
  healthyAfterMs: 30_000,
  /** First reconnect delay ceiling (full jitter). */
  backoffBaseMs: 500,
  /** Largest reconnect delay ceiling. */
  backoffCapMs: 30_000,
} as const;

/** Default stall threshold for a heartbeat rule. */
export function defaultStaleAfterMs(rule: HeartbeatRule): number {
  switch (rule.kind) {
    case 'server-ping':
      return rule.intervalMs + rule.pongDeadlineMs;
    case 'client-ping':
      return rule.intervalMs + rule.timeoutMs;
    case 'server-message':
      return 3 * rule.intervalMs;
  }
}

/**
 * Runs one venue WebSocket feed: connects, subscribes, keeps the heartbeat, hands frames to the adapter's
 * parser and emits what it finds; reconnects on close, error, stall or heartbeat miss with capped
 * exponential backoff (full jitter) within the venue's attempt budget; rotates make-before-break before
 * the venue's connection lifetime ends and on shutdown notices. During a rotation both connections'
 * trades are emitted: the sequencer downstream drops duplicates.
 *
 * ```ts
 * const runner = new FeedRunner({ adapter, instruments, wsUrl: adapter.defaults.wsUrl, logger });
 * runner.on('state', ({ state, reason }) => log.info({ state, reason }, 'feed state'));
 * // Trades, rejections, heartbeats and connection changes go to each instrument's sequencer:
 * wireSequencers(runner, instruments.map((i) => i.instrument), (instrument) => sequencers.get(instrument));
 * runner.start();
 * await runner.stop();
 * ```
 */
export class FeedRunner extends EventEmitter<FeedRunnerEvents> {
  /** The venue id. */
  readonly venue: string;
  private readonly adapter: VenueAdapter;
  private readonly instruments: readonly InstrumentInfo[];
  private readonly map: InstrumentMap;
  private readonly wsUrl: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timings: FeedRunnerTimings;
  private readonly lifetimeMs: number | undefined;
  private readonly backoff: Backoff;
  private readonly budget: AttemptBudget | undefined;
  private readonly webSocketOptions: ClientOptions | undefined;
  private readonly count: FeedRunnerCounters & ConnectionCounters;
  private stateValue: FeedState = 'idle';
  private primary: Connection | undefined;
  private standby: Connection | undefined;
  private pending: PendingOpen | undefined;
  private rotationReason: RotationReason = 'lifetime';
  /** Every connection whose socket may still be open. */
  private readonly sockets = new Set<Connection>();
  private nextId = 1;
  private stopping: Promise<void> | undefined;
  private readonly handler: ConnectionHandler;
  private readonly channels: readonly FeedChannel[];

  constructor(config: FeedRunnerConfig) {
    super();
    const { adapter, instruments, wsUrl, logger } = config;
    const options = config.options ?? {};
    const rules = adapter.stream;
    if (instruments.length === 0) throw new ConfigError('a feed needs at least one instrument', { path: 'instruments' });
    if (instruments.length > rules.maxStreamsPerConnection) {
      throw new ConfigError(`${instruments.length} instruments exceed ${adapter.venue}'s ${rules.maxStreamsPerConnection} streams per connection`, { path: 'instruments' });
    }
    if (config.channels?.some((c) => c !== 'trades') && adapter.books === undefined) {
      throw new ConfigError(`${adapter.venue} has no book or bbo channels`, { path: 'channels' });
    }
    this.channels = config.channels ?? ['trades'];
    const plan = rules.connect(wsUrl, instruments, this.channels);
    let protocol: string;
    try {
      protocol = new URL(plan.url).protocol;
    } catch (cause) {
      throw new ConfigError(`not a URL: ${plan.url}`, { path: 'wsUrl', cause });
    }
    if (protocol !== 'ws:' && protocol !== 'wss:') throw new ConfigError(`not a WebSocket URL: ${plan.url}`, { path: 'wsUrl' });

    this.venue = adapter.venue;
    this.adapter = adapter;
    this.instruments = instruments;
    this.map = instrumentMap(instruments);
    this.wsUrl = wsUrl;
    this.logger = logger;
    this.clock = config.clock ?? systemClock;
    this.lifetimeMs = options.connectionLifetimeMs === null ? undefined : (options.connectionLifetimeMs ?? rules.connectionLifetimeMs);
    const lifetime = this.lifetimeMs;
    this.timings = {
      healthyAfterMs: options.healthyAfterMs ?? RUNNER_DEFAULTS.healthyAfterMs,
      staleAfterMs: options.staleAfterMs ?? defaultStaleAfterMs(rules.heartbeat),
      rotateBeforeMs: options.rotateBeforeMs ?? (lifetime === undefined ? 0 : Math.min(300_000, lifetime / 10)),
      overlapMs: options.overlapMs ?? 5_000,
      backoffBaseMs: options.backoffBaseMs ?? RUNNER_DEFAULTS.backoffBaseMs,
      backoffCapMs: options.backoffCapMs ?? RUNNER_DEFAULTS.backoffCapMs,
      subscribeTimeoutMs: options.subscribeTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      closeTimeoutMs: options.closeTimeoutMs ?? 2_000,
    };
    this.backoff = new Backoff({
      baseMs: this.timings.backoffBaseMs,
      capMs: this.timings.backoffCapMs,
      healthyAfterMs: this.timings.healthyAfterMs,
      ...(options.random ? { random: options.random } : {}),
    });
    this.budget =
      options.attemptBudget === null
        ? undefined
        : (options.attemptBudget ?? (rules.connectAttempts ? sharedAttemptBudget(adapter.venue, rules.connectAttempts) : undefined));
    this.webSocketOptions = options.webSocketOptions;
    this.count = {
      frames: 0,
      trades: 0,
      rejections: 0,
      controls: 0,
      clientMessagesSent: 0,
      pingsSent: 0,
      connectAttempts: 0,
      reconnects: Object.fromEntries(LOSS_REASONS.map((r) => [r, 0])) as Record<LossReason, number>,
      rotations: { lifetime: 0, 'shutdown-notice': 0 },
      rotationFailures: 0,
      handlerErrors: 0,
    };
    this.handler = {
      opened: (conn) => this.onOpened(conn),
      ready: (conn) => this.onReady(conn),
      firstFrameAfterReady: (conn) => {
        if (conn === this.standby) this.promote(conn);
      },
      trade: (conn, trade, span) => {
        this.count.trades += 1;
        this.emit('trade', trade, span, conn.id);
      },
      rejection: (conn, rejection) => {
        this.count.rejections += 1;
        this.emit('rejection', rejection, conn.id);
      },
      control: (conn, event) => this.onControl(conn, event),
      bookDelta: (conn, instrument, delta) => {
        if (conn === this.primary) this.emit('bookDelta', instrument, delta, conn.id);
      },
      bookSnapshot: (conn, instrument, snapshot) => {
        if (conn === this.primary) this.emit('bookSnapshot', instrument, snapshot, conn.id);
      },
      bbo: (conn, bbo) => {
        if (conn === this.primary) this.emit('bbo', bbo, conn.id);
      },
      ended: (conn, end) => this.onEnded(conn, end),
    };
  }

  /** The current state. */
  get state(): FeedState {
    return this.stateValue;
  }

  /** The effective timings (defaults filled in). */
  get settings(): Readonly<FeedRunnerTimings> {
    return this.timings;
  }

  /** A snapshot of the counters. */
  counters(): FeedRunnerCounters {
    const c = this.count;
    return { ...c, reconnects: { ...c.reconnects }, rotations: { ...c.rotations } };
  }

  /** Id of the connection carrying the feed, if any. */
  get connectionId(): number | undefined {
    return this.primary?.id;
  }

  /** Start connecting. Calling it again while running does nothing; after `stop()` it throws. */
  start(): void {
    if (this.stateValue === 'stopped') throw new Error('a stopped feed runner cannot start again');
    if (this.stateValue !== 'idle') return;
    this.setState('connecting', 'start');
    this.scheduleOpen('primary', 0);
  }

  /**
   * Stop: cancels pending attempts, closes every socket politely (forcibly after `closeTimeoutMs`),
   * clears every timer. Resolves once all sockets are closed. Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.setState('stopped', 'stop');
    this.pending?.abort.abort();
    this.pending = undefined;
    const sockets = [...this.sockets];
    for (const conn of sockets) conn.close('stopped');
    this.primary = undefined;
    this.standby = undefined;
    this.stopping = Promise.all(sockets.map((c) => c.closed)).then(() => undefined);
    return this.stopping;
  }

  private scheduleOpen(role: 'primary' | 'standby', delayMs: number): void {
    const pending: PendingOpen = { role, abort: new AbortController() };
    this.pending = pending;
    const { signal } = pending.abort;
    void (async () => {
      try {
        if (delayMs > 0) await sleep(delayMs, undefined, { signal });
        if (this.budget) {
          const waitMs = this.budget.waitMs();
          if (waitMs > 0) this.logger.warn({ waitMs, max: this.budget.max, windowMs: this.budget.windowMs }, 'connection attempt budget exhausted: delaying the attempt');
          await this.budget.take(signal);
        }
      } catch {
        return; // cancelled
      }
      if (this.pending !== pending || this.stateValue === 'stopped') return;
      this.pending = undefined;
      this.open(pending.role);
    })();
  }

  private open(role: 'primary' | 'standby'): void {
    const id = this.nextId++;
    this.count.connectAttempts += 1;
    let conn: Connection;
    try {
      const plan = this.adapter.stream.connect(this.wsUrl, this.instruments, this.channels);
      conn = new Connection(
        {
          id,
          plan,
          parser: this.adapter.createParser(this.map),
          heartbeat: this.adapter.stream.heartbeat,
          staleAfterMs: this.timings.staleAfterMs,
          subscribeTimeoutMs: this.timings.subscribeTimeoutMs,
          connectTimeoutMs: this.timings.connectTimeoutMs,
          closeTimeoutMs: this.timings.closeTimeoutMs,
          maxClientMessagesPerSecond: this.adapter.stream.maxClientMessagesPerSecond,
          clock: this.clock,
          logger: this.logger,
          counters: this.count,
          webSocketOptions: this.webSocketOptions,
        },
        this.handler,
      );
    } catch (error) {
      // The adapter threw building the plan or parser: a bug, but retry rather than die.
      this.logger.error({ connectionId: id, err: error instanceof Error ? error.message : String(error) }, 'adapter failed to prepare a connection');
      this.afterLoss(role, id, 'connect-failed', undefined);
      return;
    }
    if (role === 'primary') this.primary = conn;
    else this.standby = conn;
    this.sockets.add(conn);
    void conn.closed.then(() => this.sockets.delete(conn));
    this.logger.info({ connectionId: id, role, url: conn.url }, 'connecting');
    this.emitConnection(conn, 'connecting');
    conn.start();
  }

  private onOpened(conn: Connection): void {
    this.logger.info({ connectionId: conn.id, role: this.roleOf(conn) }, 'connection open');
    this.emitConnection(conn, 'open');
    if (this.lifetimeMs !== undefined) {
      conn.after(Math.max(0, this.lifetimeMs - this.timings.rotateBeforeMs), () => this.rotate(conn, 'lifetime'));
    }
  }

  private onReady(conn: Connection): void {
    this.backoff.healthy(monotonicMs());
    this.emitConnection(conn, 'ready');
    if (conn === this.primary) {
      this.logger.info({ connectionId: conn.id }, 'feed live');
      this.setState('live', 'ready', { connectionId: conn.id });
    } else if (conn === this.standby) {
      this.logger.info({ connectionId: conn.id, overlapMs: this.timings.overlapMs }, 'standby connection ready');
      conn.after(this.timings.overlapMs, () => this.promote(conn));
    }
  }

  private onControl(conn: Connection, event: ControlEvent): void {
    this.count.controls += 1;
    if (event.type === 'shutdown-notice') {
      this.logger.warn({ connectionId: conn.id, role: this.roleOf(conn) }, 'venue shutdown notice');
      if (conn === this.primary) this.rotate(conn, 'shutdown-notice');
      else if (conn === this.standby) {
        // The replacement itself is going away: drop it and try another one.
        conn.close('discarded');
        this.count.rotationFailures += 1;
        if (this.primary && !this.pending) this.scheduleOpen('standby', this.backoff.next(monotonicMs()));
      }
    } else if (event.type === 'error') {
      this.logger.warn({ connectionId: conn.id, code: event.code, requestId: event.requestId, venueMessage: event.message }, 'venue reported an error');
    }
    this.emit('control', event, conn.id);
  }

  /** Make-before-break: open a standby connection; it takes over once ready and delivering. */
  private rotate(conn: Connection, reason: RotationReason): void {
    if (conn !== this.primary || this.standby || this.pending || this.stateValue === 'stopped') return;
    this.count.rotations[reason] += 1;
    this.rotationReason = reason;
    this.logger.info({ connectionId: conn.id, reason }, 'rotating connection (make-before-break)');
    this.scheduleOpen('standby', 0);
  }

  private promote(conn: Connection): void {
    if (conn !== this.standby) return;
    const old = this.primary;
    this.primary = conn;
    this.standby = undefined;
    this.logger.info({ connectionId: conn.id, replaced: old?.id, reason: this.rotationReason }, 'standby connection took over');
    this.emitConnection(conn, 'promoted');
    if (old) old.close('rotated');
    this.setState('live', 'ready', { connectionId: conn.id });
  }

  private onEnded(conn: Connection, end: ConnectionEnd): void {
    const role = this.roleOf(conn);
    if (role === 'primary') this.primary = undefined;
    if (role === 'standby') this.standby = undefined;
    if (!isLoss(end.reason) || this.stateValue === 'stopped') {
      this.emitConnection(conn, 'closed', end, undefined, role);
      return;
    }
    const level = role === 'retired' ? 'debug' : 'warn';
    this.logger[level]({ connectionId: conn.id, role, reason: end.reason, code: end.code, err: end.error?.message }, 'connection lost');
    if (role === 'retired') {
      this.emitConnection(conn, 'closed', end, undefined, role);
      return;
    }
    this.afterLoss(role, conn.id, end.reason, end, conn);
  }

  /** React to the loss of a connection in `role`. */
  private afterLoss(role: 'primary' | 'standby', id: number, reason: LossReason, end: ConnectionEnd | undefined, conn?: Connection): void {
    let retryInMs: number | undefined;
    // A connection counts as healthy until its last inbound traffic, not until a stall was noticed.
    const lostAtMs = conn && conn.lastActivityMs > 0 ? conn.lastActivityMs : monotonicMs();
    if (role === 'standby') {
      this.count.rotationFailures += 1;
      if (this.primary && !this.pending) {
        retryInMs = this.backoff.next(lostAtMs);
        this.scheduleOpen('standby', retryInMs);
      }
    } else {
      this.count.reconnects[reason] += 1;
      const standby = this.standby;
      if (standby) {
        // A rotation was under way: the standby takes over (its own losses are handled as usual).
        this.primary = standby;
        this.standby = undefined;
        this.emitConnection(standby, 'promoted');
      } else if (this.pending) {
        this.pending.role = 'primary';
      } else {
        retryInMs = this.backoff.next(lostAtMs);
        this.scheduleOpen('primary', retryInMs);
      }
    }
    if (conn && end) this.emitConnection(conn, 'closed', end, retryInMs, role);
    if (role === 'primary' && !this.primary?.isReady) {
      this.setState('reconnecting', reason, { connectionId: id, ...(end?.error ? { error: end.error } : {}) });
    }
  }

  private roleOf(conn: Connection): 'primary' | 'standby' | 'retired' {
    if (conn === this.primary) return 'primary';
    if (conn === this.standby) return 'standby';
    return 'retired';
  }

  private setState(state: FeedState, reason: FeedStateReason, extra: { connectionId?: number; error?: FeedError } = {}): void {
    const previous = this.stateValue;
    if (previous === state || previous === 'stopped') return;
    this.stateValue = state;
    this.emit('state', { state, previous, reason, ...extra, timeUs: this.clock.nowUs() });
  }

  private emitConnection(
    conn: Connection,
    phase: FeedConnectionEvent['phase'],
    end?: ConnectionEnd,
    retryInMs?: number,
    role: FeedConnectionEvent['role'] = this.roleOf(conn),
  ): void {
    const event: FeedConnectionEvent = {
      connectionId: conn.id,
      role,
      phase,
      url: conn.url,
      ...(end ? { reason: end.reason } : {}),
      ...(end?.error ? { error: end.error } : {}),
      ...(end?.code !== undefined ? { code: end.code } : {}),
      ...(retryInMs !== undefined ? { retryInMs } : {}),
      timeUs: this.clock.nowUs(),
    };
    this.emit('connection', event);
  }
}

function isLoss(reason: LossReason | CloseCause): reason is LossReason {
  return reason !== 'rotated' && reason !== 'discarded' && reason !== 'stopped';
}
