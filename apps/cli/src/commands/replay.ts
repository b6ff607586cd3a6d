import { parseArgs } from 'node:util';
import { parseDuration, TickgateClient, type MarketValue, type ReplayEnd, type ReplayStart } from '@tickgate/client';
import { withUsageErrors, parsePositiveInt, parseSelection, resolveServers, resolveAuth, NATS_AUTH_FLAGS, UsageError } from '../args.js';
import { colorEnabled, createPainter } from '../color.js';
import { formatStatus, formatTrade, thousands, wireJson } from '../format.js';
import { onStopSignal, writeLine, type Io } from '../io.js';
import { connectNats } from '../nats.js';
import { Progress } from '../progress.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A point in time from `--since` / `--until`: a duration before `now` (`10m`) or an ISO time. */
export function parseWhen(flag: string, text: string, now: number): Date {
  if (ISO_TIME.test(text)) {
    const date = new Date(text);
    if (Number.isFinite(date.getTime())) return date;
    throw new UsageError(`${flag}: invalid time '${text}'`, 'replay');
  }
  try {
    return new Date(now - parseDuration(text));
  } catch {
    throw new UsageError(`${flag} must be a duration such as 10m, 2h, 1d, 1h30m or an ISO time such as 2024-05-01T12:00:00Z, got '${text}'`, 'replay');
  }
}

/** `tickgate replay [venue] [instrument] --since …|--seq N`: stored values in stream order. */
export async function replayCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = withUsageErrors('replay', () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options: {
        since: { type: 'string' },
        seq: { type: 'string' },
        until: { type: 'string' },
        'until-seq': { type: 'string' },
        follow: { type: 'boolean', default: false },
        status: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        servers: { type: 'string', short: 's', multiple: true },
        ...NATS_AUTH_FLAGS,
        stream: { type: 'string', default: 'MD' },
        color: { type: 'boolean' },
      },
    }),
  );
  const selection = parseSelection('replay', positionals);
  const now = Date.now();
  if (values.since !== undefined && values.seq !== undefined) throw new UsageError('give either --since or --seq, not both', 'replay');
  if (values.until !== undefined && values['until-seq'] !== undefined) throw new UsageError('give either --until or --until-seq, not both', 'replay');
  let since: ReplayStart;
  if (values.seq !== undefined) since = { seq: parsePositiveInt('replay', '--seq', values.seq) };
  else if (values.since !== undefined) since = parseWhen('--since', values.since, now);
  else throw new UsageError('missing --since <when> or --seq <n> (where the replay starts)', 'replay');
  let until: ReplayEnd | undefined;
  if (values['until-seq'] !== undefined) until = { seq: parsePositiveInt('replay', '--until-seq', values['until-seq']) };
  else if (values.until !== undefined) until = parseWhen('--until', values.until, now);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(values.stream)) throw new UsageError(`invalid stream name '${values.stream}'`, 'replay');
  const servers = resolveServers(values.servers, io.env);
  const auth = resolveAuth('replay', values, io.env);
  const out = createPainter(values.color ?? colorEnabled(io.stdout, io.env));

  const signal = onStopSignal();
  let interrupted = false;
  void signal.stopped.then(() => (interrupted = true));
  try {
    const nc = await connectNats(servers, { name: 'tickgate-replay', auth });
    const client = TickgateClient.wrap(nc, { stream: values.stream });
    const replay = client.replay({ ...selection, includeStatus: values.status, since, ...(until ? { until } : {}), follow: values.follow });
    void signal.stopped.then(() => replay.close());
    if (interrupted) await replay.close();

    const progress = new Progress(io.stderr, io.stderr.isTTY === true && io.stdout.isTTY !== true);
    let trades = 0;
    let statuses = 0;
    let firstSeq: number | undefined;
    let lastSeq: number | undefined;
    try {
      for await (const value of replay as AsyncIterable<MarketValue & { seq: number }>) {
        firstSeq ??= value.seq;
        lastSeq = value.seq;
        progress.tick();
        if (value.type === 'trade') {
          trades++;
          await writeLine(io.stdout, values.json ? wireJson(value) : formatTrade(value, out, { fullTime: true }));
        } else {
          statuses++;
          await writeLine(io.stdout, values.json ? wireJson(value) : formatStatus(value, out, { fullTime: true }));
        }
      }
    } catch (error) {
      progress.stop();
      throw error;
    }
    progress.finish();
    const range = firstSeq === undefined ? 'nothing stored for this selection' : `stream ${client.stream} seq ${firstSeq}..${lastSeq}`;
    await writeLine(
      io.stderr,
      `replay: ${thousands(trades)} trade${trades === 1 ? '' : 's'}, ${thousands(statuses)} status event${statuses === 1 ? '' : 's'} (${range}); ` +
        `${thousands(replay.stats.malformed)} malformed skipped${interrupted ? '; interrupted' : ''}`,
    );
    await client.close();
    await nc.close();
    return 0;
  } finally {
    signal.dispose();
  }
}
