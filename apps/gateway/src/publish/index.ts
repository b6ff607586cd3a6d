// Public surface of the publisher (NATS core and JetStream) and the embedded nats-server.

/** Connect to NATS with gateway settings, logging status changes; exposes `connected` for readiness. */
export { connectNats, NatsConnectError, type ConnectNatsOptions, type GatewayNats } from './connection.js';
/** Create or update a JetStream stream (the trade stream, the book stream). */
export { ensureStream, describeChanges, type EnsureStreamOptions, type EnsureStreamResult } from './stream.js';
/** Publish trades and status events, acknowledged (JetStream) or fire-and-forget (core). */
export { createPublisher, statusMsgId, type Publisher, type PublishMode, type PublisherOptions, type PublisherStats } from './publisher.js';
export { CorePublisher } from './core-publisher.js';
export { JetStreamPublisher } from './jetstream-publisher.js';
/** Reads a JetStream publish's reply (pure). */
export { parseAck, type AckOutcome, type AckReply } from './ack.js';
/** Run a local `nats-server -js` when no servers are configured. */
export { startEmbeddedNats, locateNatsServer, NATS_SERVER_INSTALL, type EmbeddedNats, type EmbeddedNatsOptions } from './embedded-nats.js';
/** Errors with stable codes (`TICKGATE_PUBLISH_OVERFLOW`, `TICKGATE_PUBLISHER_CLOSED`, `TICKGATE_STREAM_CONFIG`, `TICKGATE_EMBEDDED_NATS`). */
export { PublishOverflowError, PublisherClosedError, StreamConfigError, EmbeddedNatsError } from './errors.js';
