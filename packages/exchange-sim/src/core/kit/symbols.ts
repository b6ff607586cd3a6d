import type { SymbolSpec } from '../market.js';

/** A symbol given by name, or with some of its properties. */
export type VenueSymbolInput = string | ({ readonly symbol: string } & Partial<Omit<SymbolSpec, 'symbol'>>);

/** Fill a symbol spec from a venue's table of known symbols; `split` names base and quote of others. */
export function resolveVenueSymbol(
  input: VenueSymbolInput,
  known: Readonly<Record<string, Omit<SymbolSpec, 'symbol' | 'status'>>>,
  split: (symbol: string) => { base: string; quote: string },
  status: string,
): SymbolSpec {
  const given = typeof input === 'string' ? { symbol: input } : input;
  const symbol = given.symbol;
  const k = known[symbol];
  const names = k ? { base: k.base, quote: k.quote } : split(symbol);
  return {
    symbol,
    base: given.base ?? names.base,
    quote: given.quote ?? names.quote,
    tickSize: given.tickSize ?? k?.tickSize ?? '0.01',
    stepSize: given.stepSize ?? k?.stepSize ?? '0.001',
    startPrice: given.startPrice ?? k?.startPrice ?? '100.00',
    maxQty: given.maxQty ?? k?.maxQty ?? '100',
    status: given.status ?? status,
  };
}

/** A venue's symbol rules: its known symbols, how others split, their status, and the form a symbol must have. */
export interface VenueSymbolRules {
  readonly known: Readonly<Record<string, Omit<SymbolSpec, 'symbol' | 'status'>>>;
  readonly split: (symbol: string) => { base: string; quote: string };
  readonly status: string;
  readonly form: RegExp;
  /** What the venue calls a symbol, for the error (`Coinbase product`). */
  readonly what: string;
}

/** Base and quote of a symbol around a separator (`BTC-USD` on `-`). */
export function splitSymbolOn(separator: string): (symbol: string) => { base: string; quote: string } {
  return (s) => {
    const [base = '', quote = ''] = s.split(separator);
    return { base, quote };
  };
}

/** `resolveVenueSymbol` under a venue's rules; throws `invalid <what> "<symbol>"` for a symbol of the wrong form. */
export function resolveCheckedSymbol(input: VenueSymbolInput, rules: VenueSymbolRules): SymbolSpec {
  const spec = resolveVenueSymbol(input, rules.known, rules.split, rules.status);
  if (!rules.form.test(spec.symbol)) throw new Error(`invalid ${rules.what} ${JSON.stringify(spec.symbol)}`);
  return spec;
}
