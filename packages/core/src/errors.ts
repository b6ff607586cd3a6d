import { TickgateError } from '@tickgate/schema';

export { TickgateError };

/** Bad gateway configuration: a file that cannot be read, an unknown key, a wrong type. Not retryable. */
export class ConfigError extends TickgateError {
  /** Dotted path of the offending key, when one is to blame (`feeds.0.wsUrl`). */
  readonly path: string | undefined;
  /** What is wrong, without the path (`message` is `<path>: <problem>` when there is a path). */
  readonly problem: string;
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super('TICKGATE_CONFIG', options.path ? `${options.path}: ${message}` : message, { cause: options.cause });
    this.path = options.path;
    this.problem = message;
  }
}

/** A frame or response body the adapter cannot read. Counted and logged, never thrown into a feed. */
export class ParseError extends TickgateError {
  readonly reason: RejectionReason;
  constructor(reason: RejectionReason, message: string) {
    super('TICKGATE_PARSE', message);
    this.reason = reason;
  }
}

/** A REST call that failed: the status, headers and body are kept for the caller. */
export class RestError extends TickgateError {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Seconds the venue asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterSec: number | undefined;
  constructor(
    code: 'TICKGATE_REST_STATUS' | 'TICKGATE_REST_RATE_LIMITED' | 'TICKGATE_REST_BANNED' | 'TICKGATE_REST_NETWORK' | 'TICKGATE_REST_BUDGET' | 'TICKGATE_REST_PARSE',
    message: string,
    details: { statusCode?: number; headers?: Record<string, string>; body?: string; retryAfterSec?: number; retryable: boolean; cause?: unknown },
  ) {
    super(code, message, { retryable: details.retryable, cause: details.cause });
    this.statusCode = details.statusCode ?? 0;
    this.headers = details.headers ?? {};
    this.body = details.body ?? '';
    this.retryAfterSec = details.retryAfterSec;
  }
}

/** The WebSocket feed failed in a way a reconnect may cure (closed, stalled, refused). */
export class FeedError extends TickgateError {
  constructor(code: 'TICKGATE_FEED_CLOSED' | 'TICKGATE_FEED_STALE' | 'TICKGATE_FEED_HEARTBEAT' | 'TICKGATE_FEED_CONNECT' | 'TICKGATE_FEED_SUBSCRIBE' | 'TICKGATE_FEED_SHUTDOWN_NOTICE', message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: true, cause: options.cause });
  }
}

/**
 * Why a frame was rejected. Stable strings: they label metrics and logs.
 * - `malformed-json`: not JSON at all;
 * - `unknown-message`: JSON, but no message kind this adapter knows;
 * - `invalid-field`: a known message with a missing, mistyped or absurd field;
 * - `unknown-instrument`: a trade for a symbol the feed did not subscribe to.
 */
export type RejectionReason = 'malformed-json' | 'unknown-message' | 'invalid-field' | 'unknown-instrument';
