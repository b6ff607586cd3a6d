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
