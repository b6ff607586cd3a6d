import type { NatsAuth } from '@tickgate/client';
import { isInstrumentId, isVenueId } from '@tickgate/schema';
import { DEFAULT_NATS_URL } from './defaults.js';
import { UsageError, withUsageErrors } from './errors.js';

export { DEFAULT_NATS_URL, UsageError, withUsageErrors };

/** NATS servers from `--servers` (repeatable, comma-separated), else `$NATS_URL`, else the local default. */
export function resolveServers(flag: string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const fromFlag = (flag ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (fromFlag.length > 0) return fromFlag;
  const fromEnv = (env['NATS_URL'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return fromEnv.length > 0 ? fromEnv : [DEFAULT_NATS_URL];
}

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

/** The login and TLS flags of the commands that connect to NATS (tail, replay), for `parseArgs`. */
export const NATS_AUTH_FLAGS = {
  creds: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  token: { type: 'string' },
  'tls-ca': { type: 'string' },
} as const;

/** Their usage lines. */
export const NATS_AUTH_USAGE = `      --user <name>     NATS user (default $TICKGATE_NATS_USER); its password: --password or $TICKGATE_NATS_PASS
      --password <pw>   NATS password (prefer $TICKGATE_NATS_PASS: flags show in the process list)
      --token <token>   NATS token (default $TICKGATE_NATS_TOKEN)
      --creds <file>    NATS .creds file (JWT and nkey seed; default $TICKGATE_NATS_CREDS)
      --tls-ca <file>   CA certificate (PEM) the server's certificate must chain to; turns TLS on`;

/**
 * How to log in: the flags, else the gateway's environment variables (`TICKGATE_NATS_USER`, `_PASS`,
 * `_TOKEN`, `_CREDS`). Credentials in a `--servers` URL work as well.
 */
export function resolveAuth(
  command: string,
  flags: { creds?: string | undefined; user?: string | undefined; password?: string | undefined; token?: string | undefined; 'tls-ca'?: string | undefined },
  env: NodeJS.ProcessEnv,
): NatsAuth {
  const pick = (flag: string | undefined, variable: string): string | undefined => (flag !== undefined && flag !== '' ? flag : env[variable] || undefined);
  const user = pick(flags.user, 'TICKGATE_NATS_USER');
  const pass = pick(flags.password, 'TICKGATE_NATS_PASS');
  const token = pick(flags.token, 'TICKGATE_NATS_TOKEN');
  const credsFile = pick(flags.creds, 'TICKGATE_NATS_CREDS');
  const ways = [user !== undefined, token !== undefined, credsFile !== undefined].filter(Boolean).length;
  if (ways > 1) throw new UsageError('give one way of logging in to NATS: --user with --password, --token or --creds', command);
  if (user !== undefined && pass === undefined) throw new UsageError(`the NATS user '${user}' needs a password (--password or TICKGATE_NATS_PASS)`, command);
  if (pass !== undefined && user === undefined && flags.password !== undefined) throw new UsageError('--password needs --user', command);
  return {
    ...(user !== undefined ? { user, pass } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(credsFile !== undefined ? { credsFile } : {}),
    ...(flags['tls-ca'] !== undefined ? { tls: { caFile: flags['tls-ca'] } } : {}),
  };
}
