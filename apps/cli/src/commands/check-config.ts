import { parseArgs } from 'node:util';
import { captureApp } from '../apps.js';
import { UsageError, withUsageErrors } from '../errors.js';
import { writeLine, type Io } from '../io.js';

interface CheckedConfig {
  nats?: { servers?: string[]; mode?: string; stream?: string };
  feeds?: Array<{ venue?: string; instruments?: string[] }>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `1 feed, 2 instruments (binance: BTC-USDT, ETH-USDT) -> NATS nats://… (jetstream, stream MD)`. */
export function summarizeConfig(config: CheckedConfig): string {
  const feeds = config.feeds ?? [];
  const instruments = feeds.reduce((n, f) => n + (f.instruments?.length ?? 0), 0);
  const list = feeds.map((f) => `${f.venue ?? '?'}: ${(f.instruments ?? []).join(', ')}`).join('; ');
  const servers = config.nats?.servers ?? [];
  const target = servers.length > 0 ? `NATS ${servers.join(', ')}` : 'an embedded nats-server';
  return `${plural(feeds.length, 'feed')}, ${plural(instruments, 'instrument')} (${list}) -> ${target} (${config.nats?.mode ?? 'jetstream'}, stream ${config.nats?.stream ?? 'MD'})`;
}

/**
 * `tickgate check-config <file>`: the gateway's own `--check-config` — the same validation and the same
 * output, the effective config (every default filled in, secrets masked) on stdout — plus an `ok` line
 * and a one-line summary on stderr.
 */
export async function checkConfigCommand(argv: string[], io: Io): Promise<number> {
  const { positionals } = withUsageErrors('check-config', () =>
    parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} }),
  );
  if (positionals.length === 0) throw new UsageError('missing config file', 'check-config');
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, 'check-config');
  const file = positionals[0] as string;
  const result = await captureApp('gateway', ['--check-config', '--config', file], io.env);
  if (result.code !== 0) {
    const line = result.stderr.split('\n').find((l) => l.trim() !== '') ?? `tickgate: the gateway's config check failed with exit code ${result.code}`;
    await writeLine(io.stderr, line.trimEnd());
    return result.code === 2 ? 2 : result.code;
  }
  let config: CheckedConfig;
  try {
    config = JSON.parse(result.stdout) as CheckedConfig;
  } catch {
    await writeLine(io.stderr, `tickgate: the gateway accepted ${file} but printed something other than JSON`);
    return 1;
  }
  await writeLine(io.stdout, result.stdout.trimEnd());
  await writeLine(io.stderr, `ok: ${file}`);
  await writeLine(io.stderr, summarizeConfig(config));
  return 0;
}
