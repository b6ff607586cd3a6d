import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { Market, SimTrade, SymbolSpec } from '../core/market.js';
import { decimalsOf } from '../core/kit/render.js';
import type { VenueRestAnswer, VenueRestRequest } from '../core/kit/rest.js';
import { restTradeRow } from './messages.js';

/** Most trades one `Trades` page returns (also the default `count`). */
export const KRAKEN_MAX_TRADES = 1000;

/** Asset names that differ in REST (`BTC` is `XBT`, `DOGE` is `XDG`). */
const REST_ASSETS: Record<string, string> = { BTC: 'XBT', DOGE: 'XDG' };
/** Internal names of the classic pairs (the key of `result`); other pairs use their altname. */
const INTERNAL: Record<string, string> = { XBTUSD: 'XXBTZUSD', ETHUSD: 'XETHZUSD', XBTEUR: 'XXBTZEUR', ETHEUR: 'XETHZEUR' };

/** REST names of a v2 symbol: `BTC/USD` → altname `XBTUSD`, internal `XXBTZUSD`, wsname `XBT/USD`. */
export function krakenPairNames(spec: SymbolSpec): { altname: string; internal: string; wsname: string } {
  const base = REST_ASSETS[spec.base] ?? spec.base;
  const quote = REST_ASSETS[spec.quote] ?? spec.quote;
  const altname = `${base}${quote}`;
  return { altname, internal: INTERNAL[altname] ?? altname, wsname: `${base}/${quote}` };
}

const body = (status: number, text: string, headers?: Record<string, string>): VenueRestAnswer => ({ status, body: text, ...(headers ? { headers } : {}) });

/** Kraken error bodies: HTTP 200 (or the given status) with `{"error":["EQuery:…"]}`. */
export function krakenError(error: string, status = 200): VenueRestAnswer {
  return body(status, JSON.stringify({ error: [error] }));
}

function findPair(market: Market, raw: string | null): SymbolSpec | undefined {
  if (raw === null) return undefined;
  return market.symbols().find((s) => {
    const names = krakenPairNames(s);
    return raw === names.altname || raw === names.internal || raw === s.symbol || raw === names.wsname;
  });
}

/** Price decimals of REST rows: the pair's tick decimals, at least 5 (the venue writes `"27386.60000"`). */
function priceDecimals(spec: SymbolSpec): number {
  return Math.max(5, decimalsOf(spec.tickSize));
}

/**
 * Trades from the ns cursor `since`, oldest first. Times are µs: `since` is inclusive at µs precision, and
 * its three sub-µs digits count trades of that very µs already returned (so a page that ends inside a
 * group of same-time trades neither repeats nor loses any). `last` is built the same way.
 */
function tradesSince(market: Market, symbol: string, since: bigint, count: number): { trades: SimTrade[]; last: string } {
  const sinceUs = Number(since / 1000n);
  const skip = Number(since % 1000n);
  const candidates = market.tradesBetween(symbol, sinceUs, Number.MAX_SAFE_INTEGER, count + skip);
  let skipped = 0;
  const trades = candidates.filter((t) => !(t.timeUs === sinceUs && skipped++ < skip)).slice(0, count);
  return { trades, last: cursorAfter(trades, since) };
}

function cursorAfter(trades: readonly SimTrade[], fallback: bigint): string {
  const last = trades[trades.length - 1];
  if (!last) return String(fallback);
  let sameUs = 0;
  for (let i = trades.length - 1; i >= 0 && (trades[i] as SimTrade).timeUs === last.timeUs; i--) sameUs++;
  return String(BigInt(last.timeUs) * 1000n + BigInt(Math.min(999, sameUs)));
}

/** Serve `/0/public/Trades`, `/0/public/AssetPairs`, `/0/public/Ticker`, `/0/public/Time`. */
export function handleKrakenRest(req: VenueRestRequest, market: Market): VenueRestAnswer | undefined {
  const path = req.url.pathname;
  const params = req.url.searchParams;
  if (!path.startsWith('/0/public/')) return undefined;
  const name = path.slice('/0/public/'.length);
  switch (name) {
    case 'Time': {
      const now = Date.now();
      return body(200, JSON.stringify({ error: [], result: { unixtime: Math.floor(now / 1000), rfc1123: new Date(now).toUTCString() } }));
    }
    case 'Trades': {
      const spec = findPair(market, params.get('pair'));
      if (!spec) return krakenError('EQuery:Unknown asset pair');
      const countRaw = params.get('count');
      if (countRaw !== null && !/^[0-9]{1,4}$/.test(countRaw)) return krakenError('EGeneral:Invalid arguments');
      const count = Math.min(KRAKEN_MAX_TRADES, Math.max(1, countRaw === null ? KRAKEN_MAX_TRADES : Number(countRaw)));
      const sinceRaw = params.get('since');
      if (sinceRaw !== null && !/^[0-9]{1,20}$/.test(sinceRaw)) return krakenError('EGeneral:Invalid arguments');
      let trades: SimTrade[];
      let last: string;
      if (sinceRaw === null) {
        trades = market.latest(spec.symbol, count);
        last = cursorAfter(trades, 0n);
      } else {
        // A `since` in seconds (10 digits or fewer) is read as seconds, as the venue still accepts it.
        const since = sinceRaw.length <= 10 ? BigInt(sinceRaw) * 1_000_000_000n : BigInt(sinceRaw);
        ({ trades, last } = tradesSince(market, spec.symbol, since, count));
      }
      const decimals = priceDecimals(spec);
      const rows = trades.map((t) => restTradeRow(t, decimals)).join(',');
      return body(200, `{"error":[],"result":{${JSON.stringify(krakenPairNames(spec).internal)}:[${rows}],"last":"${last}"}}`);
    }
    case 'AssetPairs': {
      const wanted = params.get('pair');
      const specs = wanted === null ? [...market.symbols()] : wanted.split(',').map((p) => findPair(market, p));
      if (specs.some((s) => s === undefined)) return krakenError('EQuery:Unknown asset pair');
      const result: Record<string, unknown> = {};
      for (const spec of specs as SymbolSpec[]) {
        const names = krakenPairNames(spec);
        result[names.internal] = {
          altname: names.altname,
          wsname: names.wsname,
          aclass_base: 'currency',
          base: REST_ASSETS[spec.base] ? `X${REST_ASSETS[spec.base]}` : spec.base,
          aclass_quote: 'currency',
          quote: spec.quote === 'USD' || spec.quote === 'EUR' ? `Z${spec.quote}` : spec.quote,
          pair_decimals: decimalsOf(spec.tickSize),
          cost_decimals: 5,
          lot_decimals: 8,
          lot_multiplier: 1,
          ordermin: canonical(spec.stepSize),
          costmin: '0.5',
          tick_size: canonical(spec.tickSize),
          status: spec.status,
        };
      }
      return body(200, JSON.stringify({ error: [], result }));
    }
    case 'Ticker': {
      const spec = findPair(market, params.get('pair'));
      if (!spec) return krakenError('EQuery:Unknown asset pair');
      const last = market.latest(spec.symbol, 1)[0];
      const book = market.book(spec.symbol);
      const d = priceDecimals(spec);
      const px = (p: string) => formatUnits(toUnits(p), d);
      const lastQty = last ? formatUnits(toUnits(last.qty), 8) : '0.00000000';
      return body(
        200,
        JSON.stringify({
          error: [],
          result: {
            [krakenPairNames(spec).internal]: {
              a: [px(book.askPrice), '1', formatUnits(toUnits(book.askQty), 3)],
              b: [px(book.bidPrice), '1', formatUnits(toUnits(book.bidQty), 3)],
              c: [px(last?.price ?? market.lastPrice(spec.symbol)), lastQty],
            },
          },
        }),
      );
    }
    default:
      return krakenError('EGeneral:Unknown method', 404);
  }
}
