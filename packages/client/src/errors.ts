import { TickgateError } from '@tickgate/schema';

/** Stable codes of `ClientError`. */
export type ClientErrorCode =
  /** The NATS connection could not be opened (retryable). */
  | 'TICKGATE_CLIENT_CONNECT'
  /** The server refused the login (wrong or missing credentials); not retryable as is. */
  | 'TICKGATE_CLIENT_AUTH'
  /** The TLS handshake failed (an untrusted or wrong certificate, TLS required or refused). */
  | 'TICKGATE_CLIENT_TLS'
  /** The JetStream stream to replay from does not exist. */
  | 'TICKGATE_CLIENT_STREAM_NOT_FOUND'
  /** JetStream is not enabled on the server or account, or did not answer (retryable). */
  | 'TICKGATE_CLIENT_JETSTREAM'
  /** An option the caller passed is invalid: a bad duration, venue or instrument token, buffer size. */
  | 'TICKGATE_CLIENT_BAD_OPTION'
  /** The server refused or ended a subscription (permissions, connection closed under it). */
  | 'TICKGATE_CLIENT_SUBSCRIPTION'
  /** The client was closed; no new subscriptions can be made. */
  | 'TICKGATE_CLIENT_CLOSED';

const RETRYABLE: ReadonlySet<ClientErrorCode> = new Set(['TICKGATE_CLIENT_CONNECT', 'TICKGATE_CLIENT_JETSTREAM']);

/** A failure of the consumer library. `code` is stable; the NATS error, if any, is the `cause`. */
export class ClientError extends TickgateError {
  declare readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: RETRYABLE.has(code), cause: options.cause });
  }
}
