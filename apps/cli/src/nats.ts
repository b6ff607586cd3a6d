import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Painter } from './color.js';
import { ConnectError } from './errors.js';
import { errorMessage, writeLine } from './io.js';


/**
 * Connect to NATS. `reconnectForever` keeps retrying after a lost connection (tail); otherwise the
 * library's default number of attempts applies. The first connection must succeed within 5 s.
 */
export async function connectNats(servers: string[], options: { name: string; reconnectForever?: boolean }): Promise<NatsConnection> {
  try {
    return await connect({
      servers,
      name: options.name,
      timeout: 5_000,
      ...(options.reconnectForever ? { maxReconnectAttempts: -1 } : {}),
    });
  } catch (error) {
    throw new ConnectError(`cannot connect to NATS at ${servers.join(', ')}: ${errorMessage(error)}`);
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
