import { formatUnits, toUnits } from '../core/fixed-point.js';
import type { Market, SimTrade, SymbolSpec } from '../core/market.js';
import { rfc3339Micros } from '../core/kit/render.js';
import type { VenueRestAnswer, VenueRestRequest } from '../core/kit/rest.js';
import { restTradeRow } from './messages.js';

/** Most trades one `/products/<id>/trades` page returns (also the default `limit`). */
export const COINBASE_MAX_TRADES = 1000;

const json = (status: number, body: unknown, headers?: Record<string, string>): VenueRestAnswer => ({
  status,
  body: JSON.stringify(body),
  ...(headers ? { headers } : {}),
});

/** Coinbase error bodies are `{"message": …}`. */
export function coinbaseError(status: number, message: string): VenueRestAnswer {
  return json(status, { message });
}

function positiveInt(raw: string | null, name: string): number | undefined | VenueRestAnswer {
  if (raw === null || raw === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(raw)) return coinbaseError(400, `Invalid ${name}`);
  return Number(raw);
}

function productJson(spec: SymbolSpec) {
  const eight = (d: string) => formatUnits(toUnits(d));
  return {
    id: spec.symbol,
    base_currency: spec.base,
    quote_currency: spec.quote,
    quote_increment: eight(spec.tickSize),
    base_increment: eight(spec.stepSize),
    display_name: `${spec.base}/${spec.quote}`,
    min_market_funds: '1',
    margin_enabled: false,
    post_only: false,
    limit_only: false,
    cancel_only: false,
    status: spec.status,
    status_message: '',
    trading_disabled: false,
    fx_stablecoin: false,
    max_slippage_percentage: '0.02000000',
    auction_mode: false,
    high_bid_limit_percentage: '',
  };
}

/** Trades newest first: `after` pages to older trades (ids below it), `before` to newer ones (ids above it). */
function tradesPage(market: Market, product: string, limit: number, after: number | undefined, before: number | undefined): SimTrade[] {
  const first = market.firstId(product);
  const last = market.lastId(product);
  if (first === undefined || last === undefined) return [];
  if (after !== undefined) {
    const top = Math.min(after - 1, last);
    if (top < first) return [];
    const from = Math.max(first, top - limit + 1);
    return market.trades(product, { fromId: from, limit: top - from + 1 }).reverse();
  }
  if (before !== undefined) {
    const from = Math.max(before + 1, first);
    if (from > last) return [];
    return market.trades(product, { fromId: from, limit }).reverse();
  }
  return market.latest(product, limit).reverse();
}

/** Serve `/products/<id>`, `/products/<id>/trades`, `/products/<id>/ticker`. */
export function handleCoinbaseRest(req: VenueRestRequest, market: Market): VenueRestAnswer | undefined {
  const match = /^\/products\/([^/]+)(\/trades|\/ticker)?\/?$/.exec(req.url.pathname);
  if (!match) return undefined;
  if (req.method !== 'GET') return coinbaseError(405, 'Method Not Allowed');
  const product = decodeURIComponent(match[1] ?? '');
  const spec = market.spec(product);
  if (!spec) return coinbaseError(404, 'NotFound');
  const params = req.url.searchParams;
  switch (match[2]) {
    case undefined:
      return json(200, productJson(spec));
    case '/ticker': {
      const last = market.latest(product, 1)[0];
      const book = market.book(product);
      const volume = market
        .latest(product, 100_000)
        .reduce((sum, t) => sum + toUnits(t.qty), 0n);
      return json(200, {
        ask: book.askPrice,
        bid: book.bidPrice,
        volume: formatUnits(volume),
        trade_id: last?.id ?? 0,
        price: last?.price ?? market.lastPrice(product),
        size: last?.qty ?? '0.00000000',
        time: rfc3339Micros(last?.timeUs ?? Date.now() * 1000),
        rfq_volume: '0.00000000',
      });
    }
    default: {
      const limit = positiveInt(params.get('limit'), 'limit');
      if (typeof limit === 'object') return limit;
      if (limit !== undefined && (limit < 1 || limit > COINBASE_MAX_TRADES)) return coinbaseError(400, `limit must be between 1 and ${COINBASE_MAX_TRADES}`);
      const after = positiveInt(params.get('after'), 'after');
      if (typeof after === 'object') return after;
      const before = positiveInt(params.get('before'), 'before');
      if (typeof before === 'object') return before;
      const page = tradesPage(market, product, limit ?? COINBASE_MAX_TRADES, after, before);
      const headers: Record<string, string> = {};
      if (page.length > 0) {
        headers['CB-BEFORE'] = String((page[0] as SimTrade).id);
        headers['CB-AFTER'] = String((page[page.length - 1] as SimTrade).id);
      }
      return json(200, page.map(restTradeRow), headers);
    }
  }
}
