import type { NatsConnection } from '@nats-io/transport-node';
import { CorePublisher } from './core-publisher.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import type { Publisher, PublisherOptions } from './types.js';

export { statusMsgId } from './status-msg-id.js';
export type { Publisher, PublishMode, PublisherOptions, PublisherStats } from './types.js';

/** The publisher for `options.mode` (default `jetstream`). */
export function createPublisher(nc: NatsConnection, options: PublisherOptions = {}): Publisher {
  const mode = options.mode ?? 'jetstream';
  if (mode === 'jetstream') return new JetStreamPublisher(nc, options);
  if (mode === 'core') return new CorePublisher(nc, options);
  throw new RangeError(`publish mode must be "jetstream" or "core", got ${JSON.stringify(mode)}`);
}
