import { connect, type ConnectionOptions, type NatsConnection, type Status } from '@nats-io/transport-node';
import { natsConnectSettings, natsFailureKind, type NatsAuth } from '@tickgate/client';
import { silentLogger, TickgateError, type Logger } from '@tickgate/core';
import { installFastNatsEncoder } from './fast-encoder.js';

/** Options of `connectNats`. Everything but `servers` has a default suited to a gateway. */
export interface ConnectNatsOptions {
  /** Server URLs (`nats://host:4222`, credentials allowed: `nats://user:pass@host:4222`); several for a cluster. */
  servers: string | string[];
  /** Login and TLS; credentials in the URLs are used when this gives none. */
  auth?: NatsAuth;
  /** Client name shown by the server's monitoring (default `tickgate-gateway`). */
  name?: string;
  /** Where connection status changes are logged (default: nowhere). */
  logger?: Logger;
  /** Milliseconds between reconnect attempts (default 1,000; plus up to `reconnectJitterMs`). */
  reconnectTimeWaitMs?: number;
  /** Random extra delay per reconnect attempt, ms (default 500), so replicas do not reconnect in step. */
  reconnectJitterMs?: number;
  /** Milliseconds between client pings (default 10,000). */
  pingIntervalMs?: number;
  /** Unanswered pings before the connection is declared stale and re-dialled (default 3). */
  maxPingOut?: number;
  /** Milliseconds allowed for one connection handshake (default 5,000). */
  connectTimeoutMs?: number;
  /**
   * Keep trying when no server answers at start-up (default false: `connectNats` rejects with the
   * client's error, which names the server, so that a wrong URL is seen at once).
   */
  waitOnFirstConnect?: boolean;
  /** Anything else passed to the NATS client as is (overrides the options above). */
  extra?: Partial<ConnectionOptions>;
  /** Encode the client's protocol lines with `Buffer.from` (default true; see `installFastNatsEncoder`). */
  fastEncoder?: boolean;
}

/** A NATS connection with its state, as the gateway needs it. */
export interface GatewayNats {
  /** The client connection (hand it to `Publisher`, `ensureStream`). */
  readonly nc: NatsConnection;
  /** True while the client holds a live connection to a server (for readiness checks). */
  readonly connected: boolean;
  /** The server currently (or last) connected to. */
  readonly server: string;
  /** How many times the client has reconnected since it was created. */
  readonly reconnects: number;
  /** Resolves when the connection is closed for good (with the error, if one closed it). */
  readonly closed: Promise<void | Error>;
  /** Drain (flush what was published, then close). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Connect to NATS with gateway settings: `noAsyncTraces` (the client otherwise builds stack-trace
 * errors for every request, a third of its CPU when publishing to JetStream), unlimited reconnects,
 * pings that detect a dead server within `pingIntervalMs × maxPingOut`, and the client's protocol
 * lines encoded through the pooled `Buffer` allocator (`installFastNatsEncoder`). Status changes are logged.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<GatewayNats> {
  const logger = (options.logger ?? silentLogger).child({ component: 'nats' });
  if (options.fastEncoder ?? true) installFastNatsEncoder();
  const settings = natsConnectSettings(options.servers, options.auth);
  let nc: NatsConnection;
  try {
    nc = await connect({
    ...settings.options,
    servers: settings.servers,
    name: options.name ?? 'tickgate-gateway',
    noAsyncTraces: true,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1_000,
    reconnectJitter: options.reconnectJitterMs ?? 500,
    pingInterval: options.pingIntervalMs ?? 10_000,
    maxPingOut: options.maxPingOut ?? 3,
    timeout: options.connectTimeoutMs ?? 5_000,
    waitOnFirstConnect: options.waitOnFirstConnect ?? false,
    ...options.extra,
    });
  } catch (cause) {
    throw NatsConnectError.from(cause, settings.servers);
  }
  logger.info({ auth: settings.method, tls: settings.options.tls !== undefined }, 'NATS login');
  return new NatsHandle(nc, logger);
}

/**
 * The first connection to NATS failed. `code`: `TICKGATE_NATS_AUTH` (the server refused the login),
 * `TICKGATE_NATS_TLS` (the TLS handshake failed) or `TICKGATE_NATS_CONNECT` (no server answered).
 * The message names the servers (without credentials) and the reason.
 */
export class NatsConnectError extends TickgateError {
  declare readonly code: 'TICKGATE_NATS_AUTH' | 'TICKGATE_NATS_TLS' | 'TICKGATE_NATS_CONNECT';
  static from(cause: unknown, servers: readonly string[]): NatsConnectError {
    const kind = natsFailureKind(cause);
    const reason = cause instanceof Error ? cause.message : String(cause);
    const at = servers.join(', ');
    if (kind === 'auth') return new NatsConnectError('TICKGATE_NATS_AUTH', `NATS refused the login at ${at}: ${reason}`, cause);
    if (kind === 'tls') return new NatsConnectError('TICKGATE_NATS_TLS', `TLS with NATS failed at ${at}: ${reason}`, cause);
    return new NatsConnectError('TICKGATE_NATS_CONNECT', `cannot connect to NATS at ${at}: ${reason}`, cause);
  }
  private constructor(code: NatsConnectError['code'], message: string, cause: unknown) {
    super(code, message, { retryable: code === 'TICKGATE_NATS_CONNECT', cause });
  }
}

class NatsHandle implements GatewayNats {
  connected = true;
  server: string;
  reconnects = 0;
  readonly closed: Promise<void | Error>;
  private closing: Promise<void> | undefined;

  constructor(
    readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {
    this.server = nc.getServer();
    logger.info({ server: this.server }, 'connected to NATS');
    void this.watch();
    this.closed = nc.closed().then((error) => {
      this.connected = false;
      if (error) logger.error({ err: error }, 'NATS connection closed with an error');
      else logger.info('NATS connection closed');
      return error;
    });
  }

  private async watch(): Promise<void> {
    for await (const status of this.nc.status()) this.onStatus(status);
  }

  private onStatus(status: Status): void {
    switch (status.type) {
      case 'disconnect':
        this.connected = false;
        this.logger.warn({ server: status.server }, 'disconnected from NATS');
        break;
      case 'reconnect':
        this.connected = true;
        this.reconnects += 1;
        this.server = status.server;
        this.logger.info({ server: status.server, reconnects: this.reconnects }, 'reconnected to NATS');
        break;
      case 'reconnecting':
        this.logger.debug('reconnecting to NATS');
        break;
      case 'staleConnection':
        this.logger.warn('NATS connection is stale (pings unanswered); re-dialling');
        break;
      case 'ldm':
        this.logger.warn({ server: status.server }, 'NATS server entered lame-duck mode');
        break;
      case 'error':
        this.logger.error({ err: status.error }, 'NATS server error');
        break;
      case 'update':
        this.logger.debug({ added: status.added, deleted: status.deleted }, 'NATS cluster servers changed');
        break;
      case 'slowConsumer':
        this.logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'slow NATS consumer');
        break;
      case 'forceReconnect':
        this.logger.info('NATS reconnect forced');
        break;
      default:
        // pings and close (reported by `closed`) are not worth a line
        break;
    }
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closing = this.nc.isClosed() ? Promise.resolve() : this.nc.drain().catch(() => this.nc.close());
    }
    return this.closing;
  }
}
