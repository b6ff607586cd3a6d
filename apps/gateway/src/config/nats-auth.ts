import type { NatsAuth } from '@tickgate/client';
import type { NatsConfig } from './schema.js';

/** The login and TLS settings of the `nats` config section. */
export function natsAuthOf(nats: NatsConfig): NatsAuth {
  return {
    ...(nats.user !== undefined ? { user: nats.user } : {}),
    ...(nats.pass !== undefined ? { pass: nats.pass } : {}),
    ...(nats.token !== undefined ? { token: nats.token } : {}),
    ...(nats.credsFile !== undefined ? { credsFile: nats.credsFile } : {}),
    ...(nats.nkeyFile !== undefined ? { nkeyFile: nats.nkeyFile } : {}),
    ...(nats.tls !== undefined ? { tls: nats.tls } : {}),
  };
}
