import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectSettings, natsFailureKind, type NatsAuth } from '@tickgate/client';
import type { Painter } from './color.js';
import { ConnectError } from './errors.js';
import { errorMessage, writeLine } from './io.js';

/**
 * Connect to NATS. `reconnectForever` keeps retrying after a lost connection (tail); otherwise the
 * library's default number of attempts applies. The first connection must succeed within 5 s. A
 * refused login and a TLS failure are told apart in the message.
 */
export async function connectNats(servers: string[], options: { name: string; reconnectForever?: boolean; auth?: NatsAuth }): Promise<NatsConnection> {
  let settings;
  try {
    settings = natsConnectSettings(servers, options.auth);
  } catch (error) {
    throw new ConnectError(errorMessage(error));
  }
  try {
    return await connect({
      ...settings.options,
      servers: settings.servers,
      name: options.name,
      timeout: 5_000,
      ...(options.reconnectForever ? { maxReconnectAttempts: -1 } : {}),
    });
  } catch (error) {
    const kind = natsFailureKind(error);
    const what = kind === 'auth' ? 'NATS refused the login' : kind === 'tls' ? 'TLS with NATS failed' : 'cannot connect to NATS';
    throw new ConnectError(`${what} at ${settings.servers.join(', ')}: ${errorMessage(error)}`);
  }
}

/** Report the connection's disconnects and reconnects on stderr while it lives. */
export async function reportConnectionEvents(nc: NatsConnection, stderr: NodeJS.WritableStream, p: Painter, prefix: string): Promise<void> {
  for await (const s of nc.status()) {
    if (s.type === 'disconnect') await writeLine(stderr, p.paint(`${prefix}: disconnected from NATS ${s.server}; reconnecting…`, 'red', 'bold'));
    else if (s.type === 'reconnect') await writeLine(stderr, p.paint(`${prefix}: reconnected to NATS ${s.server} (messages published meanwhile were missed)`, 'green', 'bold'));
    else if (s.type === 'slowConsumer') await writeLine(stderr, p.paint(`${prefix}: NATS reports this consumer as slow (${s.pending} pending)`, 'yellow'));
  }
}
