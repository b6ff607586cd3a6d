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
import { OkxConnection, type OkxWsLimits } from './connection.js';
import { handleOkxRest, okxAnswer } from './rest.js';

export interface OkxWsOptions extends OkxWsLimits {
  /** How long reordered frames may be held before they are released anyway. Default 100 ms. */
  readonly reorderFlushMs: number;
}

export interface OkxRestOptions {
  /** Public REST requests per window per IP. Default 20 per 2 s (the venue's history-trades limit). */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
}

export const OKX_WS_DEFAULTS: OkxWsOptions = { idleTimeoutMs: 30_000, reorderFlushMs: 100 };
export const OKX_REST_DEFAULTS: OkxRestOptions = { requestsPerWindow: 20, windowMs: 2_000 };

export interface OkxSimOptions {
  readonly host?: string;
  readonly port?: number;
  readonly seed?: number | string;
  /** Instruments; default `['BTC-USDT']`. Known: BTC-USDT, ETH-USDT, SOL-USDT. */
  readonly symbols?: readonly VenueSymbolInput[];
  readonly tradeIdStart?: number;
  readonly historySize?: number;
  readonly rate?: number;
  readonly burst?: { readonly size: number; readonly everyMs: number };
  /** Taker orders filling several trades (one `trades` push with `count` > 1). Default 0.3 / up to 5. */
  readonly sweeps?: { readonly probability: number; readonly maxTrades: number };
  readonly ws?: Partial<OkxWsOptions>;
  readonly rest?: Partial<OkxRestOptions>;
  readonly chaos?: ChaosOptions;
}

/** A running OKX v5 simulator. */
export interface OkxSim {
  readonly host: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>`; connect to `${wsUrl}/ws/v5/public`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`; append `/api/v5/market/trades?instId=BTC-USDT`. */
  readonly restUrl: string;
  readonly market: Market;
  readonly faults: Faults;
  readonly connections: VenueConnections;
  readonly rest: { used(ip?: string): number; resetLimits(): void };
  state(): VenueSimState;
  close(): Promise<void>;
}

const KNOWN: Record<string, Omit<SymbolSpec, 'symbol' | 'status'>> = {
  'BTC-USDT': { base: 'BTC', quote: 'USDT', tickSize: '0.1', stepSize: '0.00000001', startPrice: '97000.0', maxQty: '2' },
  'ETH-USDT': { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', startPrice: '3400.00', maxQty: '40' },
  'SOL-USDT': { base: 'SOL', quote: 'USDT', tickSize: '0.01', stepSize: '0.000001', startPrice: '180.00', maxQty: '500' },
};

/** An OKX instrument spec (`BTC-USDT`). */
export function resolveOkxInstrument(input: VenueSymbolInput): SymbolSpec {
  const spec = resolveVenueSymbol(
    input,
    KNOWN,
    (s) => {
      const [base = '', quote = ''] = s.split('-');
      return { base, quote };
    },
    'live',
  );
  if (!/^[A-Z0-9]{1,10}-[A-Z0-9]{1,10}$/.test(spec.symbol)) throw new Error(`invalid OKX instrument ${JSON.stringify(spec.symbol)}`);
  return spec;
}

/** Start an OKX v5 simulator: public WebSocket at `/ws/v5/public` (`trades`) and public REST. */
export async function startOkxSim(options: OkxSimOptions = {}): Promise<OkxSim> {
  const ws: OkxWsOptions = { ...OKX_WS_DEFAULTS, ...options.ws };
  const rest: OkxRestOptions = { ...OKX_REST_DEFAULTS, ...options.rest };
  const seed = options.seed ?? 1;
  const core = await startVenueSim({
    venue: 'okx',
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    seed,
    symbols: (options.symbols ?? ['BTC-USDT']).map(resolveOkxInstrument),
    ...(options.tradeIdStart !== undefined ? { tradeIdStart: options.tradeIdStart } : {}),
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    rate: options.rate ?? 0,
    ...(options.burst ? { burst: options.burst } : {}),
    sweeps: options.sweeps ?? { probability: 0.3, maxTrades: 5 },
    ...(options.chaos ? { chaos: options.chaos } : {}),
    reorderFlushMs: ws.reorderFlushMs,
    groupTrades: groupByTakerOrder,
    checkUpgrade: (_req, url) => (url.pathname === '/ws/v5/public' ? undefined : { status: 404 }),
    createConnection: (ctx) => new OkxConnection(ctx, ws, seed),
    handleRest: handleOkxRest,
    restLimit: { limit: rest.requestsPerWindow, windowMs: rest.windowMs },
    tooManyRequests: (status, retryAfterSec) => ({ ...okxAnswer(status, '50011', 'Too Many Requests'), headers: { 'Retry-After': String(retryAfterSec) } }),
    errorAnswer: (status) =>
      status === 404 ? okxAnswer(404, '404', 'Not Found') : okxAnswer(status, '50001', 'Service temporarily unavailable. Please try again later.'),
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
