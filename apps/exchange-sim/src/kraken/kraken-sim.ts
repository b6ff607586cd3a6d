import type { ChaosOptions, Faults } from '../core/faults.js';
import type { Market, SymbolSpec } from '../core/market.js';
import {
  groupByTakerOrder,
  resolveVenueSymbol,
  startVenueSim,
  type VenueConnections,
  type VenueSimState,
  type VenueSymbolInput,
} from '../core/venue-kit.js';
import { KrakenConnection, type KrakenWsLimits } from './connection.js';
import { handleKrakenRest, krakenError } from './rest.js';

export interface KrakenWsOptions extends KrakenWsLimits {
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
}

export interface KrakenRestOptions {
  /** Public REST requests per window per IP. Default 15 per 15 s (about one per second with a burst). */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
}

export const KRAKEN_WS_DEFAULTS: KrakenWsOptions = { heartbeatIntervalMs: 1_000, snapshotSize: 50, reorderFlushMs: 100 };
export const KRAKEN_REST_DEFAULTS: KrakenRestOptions = { requestsPerWindow: 15, windowMs: 15_000 };

export interface KrakenSimOptions {
  readonly host?: string;
  readonly port?: number;
  readonly seed?: number | string;
  /** v2 symbols; default `['BTC/USD']` (REST pair `XBTUSD`). Known: BTC/USD, ETH/USD, SOL/USD. */
  readonly symbols?: readonly VenueSymbolInput[];
  readonly tradeIdStart?: number;
  readonly historySize?: number;
  readonly rate?: number;
  readonly burst?: { readonly size: number; readonly everyMs: number };
  /** Taker orders filling several trades (sent as one `update` with several trades). Default 0.3 / up to 4. */
  readonly sweeps?: { readonly probability: number; readonly maxTrades: number };
  readonly ws?: Partial<KrakenWsOptions>;
  readonly rest?: Partial<KrakenRestOptions>;
  readonly chaos?: ChaosOptions;
}

/** A running Kraken (WebSocket v2 + public REST) simulator. */
export interface KrakenSim {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`; connect to `${wsUrl}/v2`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`; append `/0/public/Trades?pair=XBTUSD`. */
  readonly restUrl: string;
  readonly market: Market;
  readonly faults: Faults;
  readonly connections: VenueConnections;
  readonly rest: { used(ip?: string): number; resetLimits(): void };
  state(): VenueSimState;
  close(): Promise<void>;
}

const KNOWN: Record<string, Omit<SymbolSpec, 'symbol' | 'status'>> = {
  'BTC/USD': { base: 'BTC', quote: 'USD', tickSize: '0.1', stepSize: '0.00000001', startPrice: '97000.0', maxQty: '2' },
  'ETH/USD': { base: 'ETH', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '3400.00', maxQty: '40' },
  'SOL/USD': { base: 'SOL', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', startPrice: '180.00', maxQty: '500' },
};

/** A Kraken v2 symbol spec (`BTC/USD`). */
export function resolveKrakenSymbol(input: VenueSymbolInput): SymbolSpec {
  const spec = resolveVenueSymbol(
    input,
    KNOWN,
    (s) => {
      const [base = '', quote = ''] = s.split('/');
      return { base, quote };
    },
    'online',
  );
  if (!/^[A-Z0-9]{1,10}\/[A-Z0-9]{1,10}$/.test(spec.symbol)) throw new Error(`invalid Kraken symbol ${JSON.stringify(spec.symbol)}`);
  return spec;
}

/** Start a Kraken simulator: WebSocket v2 at `/v2` (`trade`, `heartbeat`, `status`, ping) and public REST. */
export async function startKrakenSim(options: KrakenSimOptions = {}): Promise<KrakenSim> {
  const ws: KrakenWsOptions = { ...KRAKEN_WS_DEFAULTS, ...options.ws };
  const rest: KrakenRestOptions = { ...KRAKEN_REST_DEFAULTS, ...options.rest };
  const core = await startVenueSim({
    venue: 'kraken',
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    symbols: (options.symbols ?? ['BTC/USD']).map(resolveKrakenSymbol),
    ...(options.tradeIdStart !== undefined ? { tradeIdStart: options.tradeIdStart } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate: options.rate ?? 0,
    ...(options.burst ? { burst: options.burst } : {}),
    sweeps: options.sweeps ?? { probability: 0.3, maxTrades: 4 },
    ...(options.chaos ? { chaos: options.chaos } : {}),
    reorderFlushMs: ws.reorderFlushMs,
    groupTrades: groupByTakerOrder,
    checkUpgrade: (_req, url) => (url.pathname === '/v2' ? undefined : { status: 404 }),
    createConnection: (ctx) => new KrakenConnection(ctx, ws),
    handleRest: handleKrakenRest,
    restLimit: { limit: rest.requestsPerWindow, windowMs: rest.windowMs },
    tooManyRequests: (status, retryAfterSec) => ({ ...krakenError('EGeneral:Too many requests', status), headers: { 'Retry-After': String(retryAfterSec) } }),
    errorAnswer: (status) => krakenError(status === 404 ? 'EGeneral:Unknown method' : 'EService:Unavailable', status),
  });
  return {
    host: core.host,
    port: core.port,
    wsUrl: core.wsUrl,
    restUrl: core.restUrl,
    market: core.market,
    faults: core.faults,
    connections: core.connections,
    rest: core.rest,
    state: core.state,
    close: core.close,
  };
}
