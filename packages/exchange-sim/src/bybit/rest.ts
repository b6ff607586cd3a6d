import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { Market, SymbolSpec } from '../core/market.js';
import { decimalsOf } from '../core/kit/render.js';
import type { VenueRestAnswer, VenueRestRequest } from '../core/kit/rest.js';
import { priceText, restTrade } from './messages.js';

/** Most (and default) trades of spot `recent-trade`; there is no pagination. */
export const BYBIT_MAX_RECENT = 60;

/** `{"retCode":…,"retMsg":…,"result":…,"retExtInfo":{},"time":…}` envelope. */
export function bybitAnswer(status: number, retCode: number, retMsg: string, result: unknown = {}): VenueRestAnswer {
  return { status, body: JSON.stringify({ retCode, retMsg, result, retExtInfo: {}, time: Date.now() }) };
}

function spotSymbol(params: URLSearchParams, market: Market, required: boolean): SymbolSpec | undefined | VenueRestAnswer {
  const category = params.get('category');
  if (category === null || category === '') return bybitAnswer(200, 10001, 'Missing required parameter: category');
  if (category !== 'spot') return bybitAnswer(200, 10001, 'Illegal category');
  const raw = params.get('symbol');
  if (raw === null || raw === '') return required ? bybitAnswer(200, 10001, 'Missing required parameter: symbol') : undefined;
  return market.spec(raw) ?? bybitAnswer(200, 10001, 'Not supported symbols');
}

const isAnswer = (v: unknown): v is VenueRestAnswer => typeof v === 'object' && v !== null && 'body' in v;

/** Serve `/v5/market/recent-trade`, `/v5/market/instruments-info`, `/v5/market/tickers` (spot). */
export function handleBybitRest(req: VenueRestRequest, market: Market): VenueRestAnswer | undefined {
  const params = req.url.searchParams;
  switch (req.url.pathname) {
    case '/v5/market/recent-trade': {
      const spec = spotSymbol(params, market, true);
      if (isAnswer(spec)) return spec;
      const symbol = (spec as SymbolSpec).symbol;
      const raw = params.get('limit');
      if (raw !== null && !/^[0-9]{1,6}$/.test(raw)) return bybitAnswer(200, 10001, 'Invalid parameter: limit');
      const limit = Math.min(BYBIT_MAX_RECENT, Math.max(1, raw === null ? BYBIT_MAX_RECENT : Number(raw)));
      const decimals = decimalsOf((spec as SymbolSpec).tickSize);
      const list = market.latest(symbol, limit).reverse().map((t) => restTrade(t, decimals));
      return bybitAnswer(200, 0, 'OK', { category: 'spot', list });
    }
    case '/v5/market/instruments-info': {
      const spec = spotSymbol(params, market, false);
      if (isAnswer(spec)) return spec;
      const specs = spec ? [spec] : [...market.symbols()];
      const list = specs.map((s) => ({
        symbol: s.symbol,
        baseCoin: s.base,
        quoteCoin: s.quote,
        innovation: '0',
        status: s.status,
        marginTrading: 'none',
        lotSizeFilter: {
          basePrecision: canonical(s.stepSize),
          quotePrecision: '0.00000001',
          minOrderQty: canonical(s.stepSize),
          maxOrderQty: '9999',
          minOrderAmt: '1',
          maxOrderAmt: '4000000',
        },
        priceFilter: { tickSize: canonical(s.tickSize) },
      }));
      return bybitAnswer(200, 0, 'OK', { category: 'spot', list, nextPageCursor: '' });
    }
    case '/v5/market/tickers': {
      const spec = spotSymbol(params, market, false);
      if (isAnswer(spec)) return spec;
      const specs = spec ? [spec] : [...market.symbols()];
      const list = specs.map((s) => {
        const d = decimalsOf(s.tickSize);
        const px = (p: string) => formatUnits(toUnits(p), d);
        const recent = market.latest(s.symbol, 100_000);
        const last = recent[recent.length - 1];
        const open = recent[0];
        const book = market.book(s.symbol);
        return {
          symbol: s.symbol,
          bid1Price: px(book.bidPrice),
          bid1Size: canonical(book.bidQty),
          ask1Price: px(book.askPrice),
          ask1Size: canonical(book.askQty),
          lastPrice: last ? priceText(last, d) : px(market.lastPrice(s.symbol)),
          prevPrice24h: open ? priceText(open, d) : px(market.lastPrice(s.symbol)),
          price24hPcnt: '0',
          highPrice24h: px(recent.reduce((m, t) => (toUnits(t.price) > toUnits(m) ? t.price : m), market.lastPrice(s.symbol))),
          lowPrice24h: px(recent.reduce((m, t) => (toUnits(t.price) < toUnits(m) ? t.price : m), market.lastPrice(s.symbol))),
          turnover24h: canonical(formatUnits(recent.reduce((sum, t) => sum + toUnits(t.quoteQty), 0n))),
          volume24h: canonical(formatUnits(recent.reduce((sum, t) => sum + toUnits(t.qty), 0n))),
        };
      });
      return bybitAnswer(200, 0, 'OK', { category: 'spot', list });
    }
    default:
      return undefined;
  }
}
