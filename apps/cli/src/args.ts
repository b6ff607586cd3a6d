import { isInstrumentId, isVenueId } from '@tickgate/schema';

/** A mistake in how the command was called: reported as one line plus the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose usage to show (`undefined`: the top-level usage). */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/**
 * Run a `node:util` `parseArgs` call for `command`, turning its errors (unknown option, missing value)
 * into one-line `UsageError`s.
 */
export function withUsageErrors<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

function describeParseError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  const message = (err.message ?? String(error)).split('\n')[0] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1];
    return flag ? `unknown option '${flag}'` : message;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '--since <value>' argument missing" and friends.
    return message.replace(/^Option /, 'option ');
  }
  return message.replace(/\.$/, '');
}

/** NATS servers from `--servers` (repeatable, comma-separated), else `$NATS_URL`, else the local default. */
export function resolveServers(flag: string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const fromFlag = (flag ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (fromFlag.length > 0) return fromFlag;
  const fromEnv = (env['NATS_URL'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return fromEnv.length > 0 ? fromEnv : [DEFAULT_NATS_URL];
}

/** Where `tail` and `replay` look for NATS when neither `--servers` nor `$NATS_URL` says. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface Selection {
  venue?: string;
  instrument?: string;
}

/**
 * `[venue] [instrument]` positionals. `*` means any; a lone instrument (`BTC-USDT`, uppercase) means
 * that instrument on every venue. A second positional is upper-cased (`btc-usdt` is accepted there).
 */
export function parseSelection(command: string, positionals: string[]): Selection {
  if (positionals.length > 2) throw new UsageError(`unexpected argument '${positionals[2]}' (expected [venue] [instrument])`, command);
  const [first, second] = positionals;
  const selection: Selection = {};
  if (first !== undefined && second === undefined && first !== '*' && !isVenueId(first) && isInstrumentId(first)) {
    selection.instrument = first;
    return selection;
  }
  if (first !== undefined && first !== '*') {
    const venue = first.toLowerCase();
    if (!isVenueId(venue)) throw new UsageError(`invalid venue '${first}' (a venue id such as 'binance', or '*')`, command);
    selection.venue = venue;
  }
  if (second !== undefined && second !== '*') {
    const instrument = second.toUpperCase();
    if (!isInstrumentId(instrument)) throw new UsageError(`invalid instrument '${second}' (BASE-QUOTE such as 'BTC-USDT', or '*')`, command);
    selection.instrument = instrument;
  }
  return selection;
}

/** A positive whole number from a flag value. */
export function parsePositiveInt(command: string, flag: string, value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a positive whole number, got '${value}'`, command);
  }
  return Number(value);
}
