import { TickgateError } from '@tickgate/core';

/**
 * `publishTrade` was called while the publisher already held its hard limit of unacknowledged
 * messages (twice `maxBuffered`): the caller kept publishing without awaiting the backpressure
 * promise. The message was **not** accepted. Retryable: await `publisher.ready()` and publish again.
 */
export class PublishOverflowError extends TickgateError {
  readonly buffered: number;
  constructor(buffered: number) {
    super('TICKGATE_PUBLISH_OVERFLOW', `publisher holds ${buffered} unacknowledged messages; await the promise publishTrade returned before publishing more`, {
      retryable: true,
    });
    this.buffered = buffered;
  }
}

/** The publisher was closed (or its NATS connection closed for good); nothing more is accepted. */
export class PublisherClosedError extends TickgateError {
  constructor(message = 'publisher is closed') {
    super('TICKGATE_PUBLISHER_CLOSED', message);
  }
}

/** The JetStream stream cannot be brought to the wanted configuration (e.g. storage type differs). */
export class StreamConfigError extends TickgateError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TICKGATE_STREAM_CONFIG', message, options);
  }
}

/** The embedded `nats-server` could not be found or started. */
export class EmbeddedNatsError extends TickgateError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TICKGATE_EMBEDDED_NATS', message, options);
  }
}
