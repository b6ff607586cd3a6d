import type { VenueSymbolInput } from '../core/kit/symbols.js';
import type { SymbolSpec } from '../core/market.js';

/** Symbols the simulator knows without being told their assets and increments. */
const KNOWN: Record<string, Omit<SymbolSpec, 'symbol' | 'status'>> = {
  BTCUSDT: { base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', startPrice: '97000.00', maxQty: '2' },
  ETHUSDT: { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.0001', startPrice: '3400.00', maxQty: '40' },
  BNBUSDT: { base: 'BNB', quote: 'USDT', tickSize: '0.01', stepSize: '0.001', startPrice: '650.00', maxQty: '200' },
  SOLUSDT: { base: 'SOL', quote: 'USDT', tickSize: '0.01', stepSize: '0.001', startPrice: '180.00', maxQty: '500' },
  ETHBTC: { base: 'ETH', quote: 'BTC', tickSize: '0.00001', stepSize: '0.0001', startPrice: '0.03500', maxQty: '40' },
  BNBBTC: { base: 'BNB', quote: 'BTC', tickSize: '0.000001', stepSize: '0.001', startPrice: '0.006700', maxQty: '200' },
};

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY'];

/** A symbol given by name only, or with some of its properties. */
export type SymbolInput = VenueSymbolInput;

/** Fill in a symbol's spec: from the known table, else base/quote split on a known quote asset. */
export function resolveSymbol(input: SymbolInput): SymbolSpec {
  const given = typeof input === 'string' ? { symbol: input } : input;
  const symbol = given.symbol.toUpperCase();
  if (!/^[A-Z0-9]{2,20}$/.test(symbol)) throw new Error(`invalid symbol ${JSON.stringify(given.symbol)}`);
  const known = KNOWN[symbol];
  const quote = given.quote ?? known?.quote ?? QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? symbol.slice(-4);
  const base = given.base ?? known?.base ?? symbol.slice(0, symbol.length - quote.length);
  return {
    symbol,
    base,
    quote,
    tickSize: given.tickSize ?? known?.tickSize ?? '0.01',
    stepSize: given.stepSize ?? known?.stepSize ?? '0.001',
    startPrice: given.startPrice ?? known?.startPrice ?? '100.00',
    maxQty: given.maxQty ?? known?.maxQty ?? '100',
    status: given.status ?? 'TRADING',
  };
}
