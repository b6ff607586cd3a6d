import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamBooks, toBbo, type BboValue, type BookOptions, type BookSubscription } from './books.js';
import { ClientError } from './errors.js';
import type { MarketValue, Replayed, StatusEvent, TradeTick } from './events.js';
import { LiveSubscription, type LiveOptions, type TickSubscription } from './live.js';
import { natsConnectSettings, natsFailureKind, type NatsAuth } from './nats-auth.js';
import { JetStreamReplay, type ReplayOptions, type ReplaySubscription } from './replay.js';
import { bboSubjects, statusSubjects, tradeSubjects, type Selection } from './selection.js';
import { emptyStats, type MalformedHandler, type Stats } from './stats.js';

/** Default JetStream stream that captures every tickgate subject. */
export const DEFAULT_STREAM = 'MD';

/** Options of `TickgateClient.connect`. */
export interface ConnectOptions {
  /** NATS server URL(s), e.g. `'nats://127.0.0.1:4222'`. */
  servers: string | string[];
  /** Connection name shown by the server (monitoring), default `tickgate-client`. */
  name?: string;
  /** JetStream stream for `replay()` (default `MD`). */
  stream?: string;
  /** Milliseconds to wait for the first connection (default 10,000). */
  timeoutMs?: number;
  /** Login and TLS (user + pass, token, creds file, nkey file; CA and client certificate). Credentials in a server URL work too. */
  auth?: NatsAuth;
  /** Called for each malformed message skipped by any subscription of this client. */
  onMalformed?: MalformedHandler;
}

/** Options of `TickgateClient.wrap`. */
export interface WrapOptions {
  stream?: string;
  onMalformed?: MalformedHandler;
}

/** Options of `trades()`. */
export interface TradeOptions extends Selection, LiveOptions {
  /** Also deliver the selection's status events, in the same loop (switch on `value.type`). */
  includeStatus?: boolean;
}

/** Options of `status()`. */
export type StatusOptions = Selection & LiveOptions;

/** Options of `bbo()`. */
export type BboOptions = Selection & Omit<LiveOptions, 'repeatWindow'>;

/** Options of `replay()`. */
export interface ReplaySelectionOptions extends Selection, ReplayOptions {
  /** Also deliver the selection's status events, in stream order with the trades. */
  includeStatus?: boolean;
}

interface Closable {
  close(): Promise<void>;
  drain?(): Promise<void>;
}

function versionAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (m === null) return false;
  const [maj, min] = [Number.parseInt(m[1] as string, 10), Number.parseInt(m[2] as string, 10)];
  return maj > major || (maj === major && min >= minor);
}

/**
 * Typed access to tickgate's NATS subjects: live trades and status over core NATS (`trades`,
 * `status`) and durable, ordered reads of the JetStream stream (`replay`).
 */
export class TickgateClient {
  /** Counters over every subscription and replay of this client. */
  readonly stats: Readonly<Stats>;
  /** The JetStream stream `replay()` reads. */
  readonly stream: string;
  readonly #nc: NatsConnection;
  readonly #ownsConnection: boolean;
  readonly #onMalformed: MalformedHandler | undefined;
  readonly #stats: Stats = emptyStats();
  readonly #open = new Set<Closable>();
  #js: JetStreamClient | undefined;
  #closed = false;

  private constructor(nc: NatsConnection, ownsConnection: boolean, options: WrapOptions) {
    this.#nc = nc;
    this.#ownsConnection = ownsConnection;
    this.stream = options.stream ?? DEFAULT_STREAM;
    this.#onMalformed = options.onMalformed;
    this.stats = this.#stats;
  }

  /** Open a NATS connection owned by the client (`close()` drains and closes it). */
  static async connect(options: ConnectOptions): Promise<TickgateClient> {
    const settings = natsConnectSettings(options.servers, options.auth);
    let nc: NatsConnection;
    try {
      nc = await connect({ ...settings.options, servers: settings.servers, name: options.name ?? 'tickgate-client', timeout: options.timeoutMs ?? 10_000 });
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const kind = natsFailureKind(cause);
      const code = kind === 'auth' ? 'TICKGATE_CLIENT_AUTH' : kind === 'tls' ? 'TICKGATE_CLIENT_TLS' : 'TICKGATE_CLIENT_CONNECT';
      const what = kind === 'auth' ? 'NATS refused the login' : kind === 'tls' ? 'TLS failed' : 'cannot connect';
      throw new ClientError(code, `${what} at ${settings.servers.join(', ')}: ${message}`, { cause });
    }
    return new TickgateClient(nc, true, options);
  }

  /** Use an existing connection; `close()` then ends this client's subscriptions but leaves `nc` open. */
  static wrap(nc: NatsConnection, options: WrapOptions = {}): TickgateClient {
    return new TickgateClient(nc, false, options);
  }

  /** The underlying NATS connection. */
  get connection(): NatsConnection {
    return this.#nc;
  }

  #checkOpen(): void {
    if (this.#closed || this.#nc.isClosed() || this.#nc.isDraining()) {
      throw new ClientError('TICKGATE_CLIENT_CLOSED', 'the client is closed');
    }
  }

  #live<T>(subjects: string[], options: LiveOptions, decode?: (subject: string, data: Uint8Array) => T): LiveSubscription<T> {
    this.#checkOpen();
    const sub = new LiveSubscription<T>(this.#nc, subjects, options, {
      clientStats: this.#stats,
      ...(decode === undefined ? {} : { decode }),
      onMalformed: this.#onMalformed,
      onClose: (s) => this.#open.delete(s),
    });
    this.#open.add(sub);
    return sub;
  }

  /**
   * Live trades over core NATS: every venue and instrument, one venue, one instrument on every venue, or
   * one pair. With `includeStatus`, the selection's status events arrive in the same loop.
   */
  trades(options: TradeOptions & { includeStatus: true }): TickSubscription<MarketValue>;
  trades(options?: TradeOptions & { includeStatus?: false }): TickSubscription<TradeTick>;
  trades(options?: TradeOptions): TickSubscription<MarketValue>;
  trades(options: TradeOptions = {}): TickSubscription<MarketValue> {
    const subjects = tradeSubjects(options);
    if (options.includeStatus) subjects.push(...statusSubjects(options));
    return this.#live<MarketValue>(subjects, options);
  }

  /**
   * Live status events only (connected, gap, recovered, …). A selection with an instrument also gets
   * the connection-wide events of the selected venue(s) (`md.status.<venue>`).
   */
  status(options: StatusOptions = {}): TickSubscription<StatusEvent> {
    return this.#live<StatusEvent>(statusSubjects(options), options);
  }

  /**
   * Live best bid and offer (the venue's own top-of-book channel) over core NATS, for the same kinds of
   * selection as `trades()`. Not stored: a value published while you were not subscribed is gone.
   */
  bbo(options: BboOptions = {}): TickSubscription<BboValue> {
    return this.#live<BboValue>(bboSubjects(options), options, toBbo);
  }

  /**
   * Consistent L2 book states of one instrument, one after each book message applied: read from the
   * JetStream stream `MD_BOOK` (or `options.stream`) from `lookbackMs` ago, then live. Deltas wait for a
   * snapshot; after a missed message or a crossed book nothing is yielded until the next snapshot.
   * Invalid options throw here; a missing stream rejects the first `next()`.
   */
  books(options: BookOptions): BookSubscription {
    this.#checkOpen();
    this.#js ??= jetstream(this.#nc);
    const books = new JetStreamBooks(this.#js, options, {
      clientStats: this.#stats,
      onMalformed: this.#onMalformed,
      onClose: (b) => this.#open.delete(b),
    });
    this.#open.add(books);
    return books;
  }

  /**
   * Stored trades (and, with `includeStatus`, status events) from the JetStream stream, in stream
   * order, each with its stream `seq`; ends when caught up, or continues live with `follow`.
   * Invalid options throw here; a missing stream rejects the first `next()`.
   */
  replay(options: ReplaySelectionOptions & { includeStatus: true }): ReplaySubscription<Replayed<TradeTick> | Replayed<StatusEvent>>;
  replay(options: ReplaySelectionOptions & { includeStatus?: false }): ReplaySubscription<Replayed<TradeTick>>;
  replay(options: ReplaySelectionOptions): ReplaySubscription<Replayed<TradeTick> | Replayed<StatusEvent>>;
  replay(options: ReplaySelectionOptions): ReplaySubscription<Replayed<TradeTick> | Replayed<StatusEvent>> {
    this.#checkOpen();
    const subjects = tradeSubjects(options);
    if (options.includeStatus) subjects.push(...statusSubjects(options));
    this.#js ??= jetstream(this.#nc);
    const replay = new JetStreamReplay<Replayed<TradeTick> | Replayed<StatusEvent>>(this.#js, this.stream, subjects, options, {
      clientStats: this.#stats,
      onMalformed: this.#onMalformed,
      onClose: (r) => this.#open.delete(r),
      multiFilter: versionAtLeast(this.#nc.info?.version, 2, 10),
    });
    this.#open.add(replay);
    return replay;
  }

  /**
   * Stop every subscription and replay. Live subscriptions are drained: values already received can
   * still be read, then their loops end. A connection opened by `connect()` is drained and closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(open.map((s) => (s.drain ? s.drain() : s.close())));
    if (this.#ownsConnection && !this.#nc.isClosed()) {
      await this.#nc.drain().catch(() => undefined);
    }
  }
}
