import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { Market, SimTrade, SymbolSpec } from '../core/market.js';
import type { VenueRestAnswer, VenueRestRequest } from '../core/kit/rest.js';
import type { Faults } from '../core/faults.js';
import { bookRow, restTrade } from './messages.js';

/** `/api/v5/market/books` depth `sz`: default 1, at most 400 (larger values are clamped). */
export const OKX_BOOKS_DEFAULT_SZ = 1;
export const OKX_BOOKS_MAX_SZ = 400;

/** Most trades of `market/trades` and of one `history-trades` page. */
export const OKX_MAX_TRADES = 500;
export const OKX_MAX_HISTORY = 100;

/** `{"code":"0","msg":"","data":[…]}` envelope. */
export function okxAnswer(status: number, code: string, msg: string, data: unknown[] = []): VenueRestAnswer {
  return { status, body: JSON.stringify({ code, msg, data }) };
}

class OkxError extends Error {
  constructor(
    readonly code: string,
    msg: string,
    readonly status = 400,
  ) {
    super(msg);
  }
}

function instrument(params: URLSearchParams, market: Market): SymbolSpec {
  const raw = params.get('instId');
  if (raw === null || raw === '') throw new OkxError('50014', 'Parameter instId can not be empty.');
  const spec = market.spec(raw);
  if (!spec) throw new OkxError('51001', "Instrument ID doesn't exist.");
  return spec;
}

function intParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(raw)) throw new OkxError('51000', `Parameter ${name} error`);
  return Number(raw);
}

function limitParam(params: URLSearchParams, fallback: number, max: number): number {
  const limit = intParam(params, 'limit') ?? fallback;
  if (limit < 1) throw new OkxError('51000', 'Parameter limit error');
  return Math.min(limit, max);
}

/**
 * Newest first by trade id: `after` = ids below it (older), `before` = ids above it (newer). With `before`
 * alone the page is the oldest `limit` trades above it, so that paging forward misses nothing.
 */
function historyPage(market: Market, symbol: string, limit: number, after: number | undefined, before: number | undefined): SimTrade[] {
  const first = market.firstId(symbol);
  const last = market.lastId(symbol);
  if (first === undefined || last === undefined) return [];
  const lo = Math.max(first, before !== undefined ? before + 1 : first);
  const hi = Math.min(last, after !== undefined ? after - 1 : last);
  if (hi < lo) return [];
  const from = before !== undefined && after === undefined ? lo : Math.max(lo, hi - limit + 1);
  const to = Math.min(hi, from + limit - 1);
  return market.trades(symbol, { fromId: from, limit: to - from + 1 }).reverse();
}

function instrumentJson(spec: SymbolSpec) {
  return {
    instType: 'SPOT',
    instId: spec.symbol,
    uly: '',
    instFamily: '',
    baseCcy: spec.base,
    quoteCcy: spec.quote,
    settleCcy: '',
    ctVal: '',
    ctMult: '',
    ctValCcy: '',
    optType: '',
    stk: '',
    listTime: '1606468572000',
    expTime: '',
    lever: '',
    tickSz: canonical(spec.tickSize),
    lotSz: canonical(spec.stepSize),
    minSz: canonical(spec.stepSize),
    ctType: '',
    alias: '',
    state: spec.status,
    maxLmtSz: '9999999999',
    maxMktSz: '1000000',
  };
}

/** Serve `/api/v5/market/trades`, `/market/history-trades`, `/market/ticker`, `/public/instruments`. */
export function handleOkxRest(req: VenueRestRequest, market: Market, faults?: Faults): VenueRestAnswer | undefined {
  const params = req.url.searchParams;
  try {
    switch (req.url.pathname) {
      case '/api/v5/market/books': {
        // `data[0]` carries `seqId` after `ts`: inferred from the new sync procedure (not seen in a response).
        const spec = instrument(params, market);
        const sz = intParam(params, 'sz') ?? OKX_BOOKS_DEFAULT_SZ;
        if (sz < 1) throw new OkxError('51000', 'Parameter sz error');
        if (!market.booksEnabled) throw new OkxError('51000', 'Order books are off in this simulator (start it with books).');
        const behind = faults?.decideSnapshot(spec.symbol);
        const book = behind === undefined ? market.orderBook(spec.symbol) : market.bookBehind(spec.symbol, behind);
        const depth = Math.min(sz, OKX_BOOKS_MAX_SZ);
        return okxAnswer(200, '0', '', [
          { asks: book.asks.slice(0, depth).map(bookRow), bids: book.bids.slice(0, depth).map(bookRow), ts: String(Date.now()), seqId: book.updateId },
        ]);
      }
      case '/api/v5/market/trades': {
        const spec = instrument(params, market);
        const limit = limitParam(params, 100, OKX_MAX_TRADES);
        return okxAnswer(200, '0', '', market.latest(spec.symbol, limit).reverse().map(restTrade));
      }
      case '/api/v5/market/history-trades': {
        const spec = instrument(params, market);
        // Only paging by trade id (`type=1`, the default) is simulated.
        const type = params.get('type') ?? '1';
        if (type !== '1') throw new OkxError('51000', 'Parameter type error');
        const limit = limitParam(params, 100, OKX_MAX_HISTORY);
        const page = historyPage(market, spec.symbol, limit, intParam(params, 'after'), intParam(params, 'before'));
        return okxAnswer(200, '0', '', page.map(restTrade));
      }
      case '/api/v5/market/ticker': {
        const spec = instrument(params, market);
        const last = market.latest(spec.symbol, 1)[0];
        const book = market.book(spec.symbol);
        const c = (d: string) => canonical(d);
        const recent = market.latest(spec.symbol, 100_000);
        const vol = recent.reduce((s, t) => s + toUnits(t.qty), 0n);
        const open = recent[0]?.price ?? market.lastPrice(spec.symbol);
        return okxAnswer(200, '0', '', [
          {
            instType: 'SPOT',
            instId: spec.symbol,
            last: c(last?.price ?? market.lastPrice(spec.symbol)),
            lastSz: c(last?.qty ?? '0'),
            askPx: c(book.askPrice),
            askSz: c(book.askQty),
            bidPx: c(book.bidPrice),
            bidSz: c(book.bidQty),
            open24h: c(open),
            high24h: c(recent.reduce((m, t) => (toUnits(t.price) > toUnits(m) ? t.price : m), open)),
            low24h: c(recent.reduce((m, t) => (toUnits(t.price) < toUnits(m) ? t.price : m), open)),
            volCcy24h: '0',
            vol24h: c(formatUnits(vol)),
            ts: String(Date.now()),
            sodUtc0: c(open),
            sodUtc8: c(open),
          },
        ]);
      }
      case '/api/v5/public/instruments': {
        const type = params.get('instType');
        if (type === null || type === '') throw new OkxError('50014', 'Parameter instType can not be empty.');
        if (type !== 'SPOT') return okxAnswer(200, '0', '', []);
        const instId = params.get('instId');
        const specs = instId === null ? [...market.symbols()] : [instrument(params, market)];
        return okxAnswer(200, '0', '', specs.map(instrumentJson));
      }
      default:
        return undefined;
    }
  } catch (error) {
    if (error instanceof OkxError) return okxAnswer(error.status, error.code, error.message);
    throw error;
  }
}
