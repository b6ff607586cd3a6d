import { parseArgs } from 'node:util';
import type { ChaosOptions } from './core/faults.js';
import type { BinanceSimOptions } from './binance/binance-sim.js';

/** The command's default port: the venue's own WebSocket port. `--port 0` picks a free one. */
export const DEFAULT_PORT = 9443;
/** The command's default rate (trades per second per symbol); the library's default is 0 (manual). */
export const DEFAULT_RATE = 10;

export const USAGE = `tickgate exchange simulator: Binance, Coinbase, Kraken, OKX or Bybit (WebSocket streams + REST on one port)

Usage: npm run sim -- [flags]       or       node packages/exchange-sim/dist/main.js [flags]

  --venue <name>                  binance (default), coinbase, kraken, okx or bybit; the WebSocket and
                                  REST rule flags below are Binance's and are refused for other venues

Market
  --host <addr>                   listen address (default 127.0.0.1)
  --port <n>                      port (default ${DEFAULT_PORT}; 0 = a free port)
  --seed <n|text>                 seed of the market and of random faults (default 1)
  --symbols <A,B>                 symbols in the venue's spelling (default BTCUSDT; BTC-USD on coinbase,
                                  BTC/USD on kraken, BTC-USDT on okx)
  --rate <n>                      trades per second per symbol (default ${DEFAULT_RATE}; 0 = only on request)
  --burst-size <n>                also make n trades at once ...
  --burst-every-ms <ms>           ... every ms milliseconds
  --trade-id-start <n>            first trade id (default 1)
  --agg-trade-id-start <n>        first aggregate trade id (default 1)
  --history-size <n>              trades kept per symbol for REST (default 1000000)
  --books                         L2 order books (binance and okx): depth / books channels, REST snapshots,
                                  trades taken from the book
  --book-interval-ms <ms>         with --books: one batch of random book changes per symbol this often (100)

WebSocket rules (venue values by default)
  --ping-interval-ms <ms>         server ping period (20000)
  --pong-timeout-ms <ms>          pong deadline (60000)
  --lifetime-ms <ms>              connection lifetime (86400000)
  --max-messages-per-sec <n>      incoming messages per second (5)
  --max-streams <n>               streams per connection (1024)
  --max-connection-attempts <n>   connection attempts per IP per window (300)
  --connection-window-ms <ms>     that window (300000)

REST rules
  --weight-limit <n>              request weight per window per IP (6000)
  --weight-window-ms <ms>         that window (60000)
  --ban-ms <ms>                   418 ban after ignoring a 429 (120000)

Random faults (seeded)
  --skip-prob <p>                 probability a trade frame is not sent (server-side gap)
  --duplicate-prob <p>            probability a trade frame is sent twice
  --reorder-prob <p>              probability a trade frame is held back behind the next one
  --malformed-prob <p>            probability a trade frame is replaced by garbage
  --drop-every-ms <ms>            destroy a random connection's socket (no close frame) this often
  --close-every-ms <ms>           close a random connection politely (1001) this often
  --stall-every-ms <ms>           stall a random connection this often ...
  --stall-ms <ms>                 ... for this long (default 5000)
  --shutdown-every-ms <ms>        send a serverShutdown notice on a random connection this often
  --rest-latency-ms <ms>          delay every REST answer
  --rest-error-prob <p>           probability a REST request gets 503

  --help                          this text

Control endpoint on the same port: GET /__sim/state, POST /__sim/faults, POST /__sim/generate,
POST /__sim/market (see the README).`;

/** Venues the command can simulate. */
export const VENUES = ['binance', 'coinbase', 'kraken', 'okx', 'bybit'] as const;
export type Venue = (typeof VENUES)[number];

/** Each venue's default symbol, in the venue's own spelling. */
export const DEFAULT_SYMBOLS: Record<Venue, string> = {
  binance: 'BTCUSDT',
  coinbase: 'BTC-USD',
  kraken: 'BTC/USD',
  okx: 'BTC-USDT',
  bybit: 'BTCUSDT',
};

/**
 * `venue` is present only for a venue other than Binance (the default). For the other venues `options`
 * carries only the venue-neutral fields (host, port, seed, symbols, rate, burst, trade ids, history, chaos).
 */
export type CliResult = { help: true } | { help: false; venue?: Exclude<Venue, 'binance'>; options: BinanceSimOptions };

const FLAGS = {
  venue: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  seed: { type: 'string' },
  symbols: { type: 'string' },
  rate: { type: 'string' },
  'burst-size': { type: 'string' },
  'burst-every-ms': { type: 'string' },
  'trade-id-start': { type: 'string' },
  'agg-trade-id-start': { type: 'string' },
  'history-size': { type: 'string' },
  books: { type: 'boolean' },
  'book-interval-ms': { type: 'string' },
  'ping-interval-ms': { type: 'string' },
  'pong-timeout-ms': { type: 'string' },
  'lifetime-ms': { type: 'string' },
  'max-messages-per-sec': { type: 'string' },
  'max-streams': { type: 'string' },
  'max-connection-attempts': { type: 'string' },
  'connection-window-ms': { type: 'string' },
  'weight-limit': { type: 'string' },
  'weight-window-ms': { type: 'string' },
  'ban-ms': { type: 'string' },
  'skip-prob': { type: 'string' },
  'duplicate-prob': { type: 'string' },
  'reorder-prob': { type: 'string' },
  'malformed-prob': { type: 'string' },
  'drop-every-ms': { type: 'string' },
  'close-every-ms': { type: 'string' },
  'stall-every-ms': { type: 'string' },
  'stall-ms': { type: 'string' },
  'shutdown-every-ms': { type: 'string' },
  'rest-latency-ms': { type: 'string' },
  'rest-error-prob': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags that take a value. */
type ValueFlag = { [K in keyof typeof FLAGS]: (typeof FLAGS)[K]['type'] extends 'string' ? K : never }[keyof typeof FLAGS];

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function probability(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(raw) || value < 0 || value > 1) throw new Error(`--${name} must be between 0 and 1, got ${JSON.stringify(raw)}`);
  return value;
}

function rate(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new Error(`--rate must be a non-negative number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Drop keys whose value is undefined. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Read the command's flags into simulator options. Throws with a message naming the bad flag. */
export function parseCli(argv: readonly string[]): CliResult {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
  if (values.help) return { help: true };
  const int = (flag: ValueFlag) => integer(flag, values[flag]);
  const prob = (flag: ValueFlag) => probability(flag, values[flag]);
  const burstSize = int('burst-size');
  const burstEveryMs = int('burst-every-ms');
  if ((burstSize === undefined) !== (burstEveryMs === undefined)) throw new Error('--burst-size and --burst-every-ms go together');
  const chaos: ChaosOptions = defined({
    skipProbability: prob('skip-prob'),
    duplicateProbability: prob('duplicate-prob'),
    reorderProbability: prob('reorder-prob'),
    malformedProbability: prob('malformed-prob'),
    dropEveryMs: int('drop-every-ms'),
    closeEveryMs: int('close-every-ms'),
    stallEveryMs: int('stall-every-ms'),
    stallMs: int('stall-ms'),
    shutdownEveryMs: int('shutdown-every-ms'),
    restLatencyMs: int('rest-latency-ms'),
    restErrorProbability: prob('rest-error-prob'),
  });
  const ws = defined({
    pingIntervalMs: int('ping-interval-ms'),
    pongTimeoutMs: int('pong-timeout-ms'),
    lifetimeMs: int('lifetime-ms'),
    maxMessagesPerSecond: int('max-messages-per-sec'),
    maxStreams: int('max-streams'),
    maxConnectionAttempts: int('max-connection-attempts'),
    connectionAttemptWindowMs: int('connection-window-ms'),
  });
  const rest = defined({
    weightLimit: int('weight-limit'),
    weightWindowMs: int('weight-window-ms'),
    banMs: int('ban-ms'),
  });
  const venueText = values.venue ?? 'binance';
  if (!(VENUES as readonly string[]).includes(venueText)) throw new Error(`--venue must be one of ${VENUES.join(', ')}, got ${JSON.stringify(venueText)}`);
  const venue = venueText as Venue;
  if (venue !== 'binance' && (Object.keys(ws).length > 0 || Object.keys(rest).length > 0)) {
    throw new Error(`--venue ${venue}: the WebSocket and REST rule flags apply to binance only`);
  }
  const bookIntervalMs = int('book-interval-ms');
  if (bookIntervalMs !== undefined && !values.books) throw new Error('--book-interval-ms needs --books');
  if (values.books && venue !== 'binance' && venue !== 'okx') throw new Error(`--books: order books are simulated for binance and okx only, not ${venue}`);
  const seedText = values.seed;
  const options: BinanceSimOptions = {
    ...defined({
      host: values.host,
      seed: seedText === undefined ? undefined : /^\d+$/.test(seedText) ? Number(seedText) : seedText,
      tradeIdStart: int('trade-id-start'),
      aggTradeIdStart: int('agg-trade-id-start'),
      historySize: int('history-size'),
    }),
    port: int('port') ?? DEFAULT_PORT,
    rate: rate(values.rate) ?? DEFAULT_RATE,
    symbols: (values.symbols ?? DEFAULT_SYMBOLS[venue]).split(',').map((s) => s.trim()).filter((s) => s !== ''),
    ...(burstSize !== undefined && burstEveryMs !== undefined ? { burst: { size: burstSize, everyMs: burstEveryMs } } : {}),
    ...(Object.keys(ws).length > 0 ? { ws } : {}),
    ...(Object.keys(rest).length > 0 ? { rest } : {}),
    ...(Object.keys(chaos).length > 0 ? { chaos } : {}),
    ...(values.books ? { books: bookIntervalMs !== undefined ? { intervalMs: bookIntervalMs } : true } : {}),
  };
  return venue === 'binance' ? { help: false, options } : { help: false, venue, options };
}

/** Why the server could not listen, in terms of the flags (`--port`, `--host`); undefined for any other error. */
export function listenFailure(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (typeof e !== 'object' || e === null || e.syscall !== 'listen') return undefined;
  switch (e.code) {
    case 'EADDRINUSE':
      return `port ${e.port ?? '?'} is already in use (set --port)`;
    case 'EACCES':
      return `port ${e.port ?? '?'} needs privileges this process does not have (set --port)`;
    case 'EADDRNOTAVAIL':
      return `address ${e.address ?? '?'} is not on this machine (set --host)`;
    default:
      return undefined;
  }
}
