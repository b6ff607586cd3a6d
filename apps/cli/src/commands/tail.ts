import { parseArgs } from 'node:util';
import { TickgateClient, type MarketValue } from '@tickgate/client';
import { withUsageErrors, parsePositiveInt, parseSelection, resolveServers, resolveAuth, NATS_AUTH_FLAGS } from '../args.js';
import { colorEnabled, createPainter } from '../color.js';
import { formatStatus, formatTrade, seconds, thousands, wireJson } from '../format.js';
import { errorMessage, onStopSignal, writeLine, type Io } from '../io.js';
import { connectNats, reportConnectionEvents } from '../nats.js';

/** `tickgate tail [venue] [instrument]`: live trades and status events, until Ctrl-C (exit 0). */
export async function tailCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = withUsageErrors('tail', () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options: {
        servers: { type: 'string', short: 's', multiple: true },
        ...NATS_AUTH_FLAGS,
        status: { type: 'boolean', default: true },
        json: { type: 'boolean', default: false },
        count: { type: 'string', short: 'n' },
        color: { type: 'boolean' },
      },
    }),
  );
  const selection = parseSelection('tail', positionals);
  const limit = values.count === undefined ? undefined : parsePositiveInt('tail', '--count', values.count);
  const servers = resolveServers(values.servers, io.env);
  const auth = resolveAuth('tail', values, io.env);
  const out = createPainter(values.color ?? colorEnabled(io.stdout, io.env));
  const err = createPainter(values.color ?? colorEnabled(io.stderr, io.env));

  const signal = onStopSignal();
  let interrupted = false;
  void signal.stopped.then(() => (interrupted = true));
  try {
    const nc = await connectNats(servers, { name: 'tickgate-tail', auth, reconnectForever: true });
    const client = TickgateClient.wrap(nc);
    const sub = client.trades({ ...selection, includeStatus: values.status });
    await nc.flush(); // the server has the subscriptions: what is published from now on is seen
    await writeLine(io.stderr, err.paint(`tail: listening on ${sub.subjects.join(', ')} at ${nc.getServer()} (Ctrl-C to stop)`, 'dim'));
    void reportConnectionEvents(nc, io.stderr, err, 'tail');
    let closedBy: Error | undefined;
    void nc.closed().then((e) => {
      closedBy = e ?? new Error('connection closed');
      void sub.close();
    });
    void signal.stopped.then(() => sub.close());
    if (interrupted) await sub.close();

    const started = Date.now();
    let trades = 0;
    let statuses = 0;
    for await (const value of sub as AsyncIterable<MarketValue>) {
      if (value.type === 'trade') {
        trades++;
        await writeLine(io.stdout, values.json ? wireJson(value) : formatTrade(value, out, { recvToNowUs: value.latencyUs() }));
        if (limit !== undefined && trades >= limit) break;
      } else {
        statuses++;
        await writeLine(io.stdout, values.json ? wireJson(value) : formatStatus(value, out));
      }
    }
    const stats = sub.stats;
    await writeLine(
      io.stderr,
      `tail: ${thousands(trades)} trade${trades === 1 ? '' : 's'}, ${thousands(statuses)} status event${statuses === 1 ? '' : 's'} in ${seconds(Date.now() - started)} s; ` +
        `${thousands(stats.malformed)} malformed skipped, ${thousands(stats.dropped)} dropped`,
    );
    if (closedBy !== undefined && !interrupted) {
      await writeLine(io.stderr, `tickgate: the NATS connection closed: ${errorMessage(closedBy)}`);
      return 1;
    }
    await client.close();
    await nc.close();
    return 0;
  } finally {
    signal.dispose();
  }
}
