import {
  BOOK_SYNC_RULES,
  bookLevelsOf,
  instrumentOrReject,
  invalidFieldError,
  isJsonObject,
  ParseError,
  parseRestJson,
  rejectChannelField,
  REST_VALUE_PREVIEW_CHARS,
  valuePreview,
  type BookChannels,
  type BookSnapshot,
  type InstrumentInfo,
  type InstrumentMap,
  type JsonObject,
  type ParseSink,
  type RestRequest,
} from '@tickgate/core';
import { compareDecimals, WIRE_VERSION, type Bbo } from '@tickgate/schema';
import { msToMicros, OKX_VENUE } from './parse.js';

/**
 * OKX v5 L2 books and top of book. `books` (400 levels, 100 ms) pushes chain by `prevSeqId`/`seqId` (the
 * `chain` rule: ids jump, a keep-alive repeats the id, a reset goes lower). The book is anchored on the
 * REST `/api/v5/market/books` snapshot with its `seqId`, and also on the legacy initial WebSocket
 * snapshot (`action: "snapshot"`, `prevSeqId` -1) while the venue still sends it; the `checksum`
 * (fixed at 0 since 2026-06-23) is never read. `bbo-tbt` gives the best bid and offer.
 */

/** Levels per side of the `books` channel, and most `sz` of `/api/v5/market/books`. */
export const BOOKS_DEPTH = 400;

/** Read the `data[0]` entry of a push, or reject naming `data`. */
function firstEntry(msg: JsonObject, raw: string, sink: ParseSink, instrument: string, channel: 'book' | 'bbo'): JsonObject | undefined {
  const data = msg['data'];
  if (!Array.isArray(data) || data.length !== 1 || !isJsonObject(data[0])) {
    rejectChannelField(sink, channel, 'data', 'not an array of one book entry', data, raw, instrument);
    return undefined;
  }
  return data[0] as JsonObject;
}

/** A `seqId` / `prevSeqId`: an integer in JSON (`prevSeqId` may be -1 on snapshots), as text. */
function seqIdText(value: unknown, allowMinusOne: boolean): string | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
  if (value >= 0) return String(value);
  return allowMinusOne && value === -1 ? '-1' : undefined;
}

/**
 * Read one `books` push: an `update` is a `bookDelta` (`prevUpdateId` = `prevSeqId`, `updateId` = `seqId`),
 * a `snapshot` a `bookSnapshot` (source `ws`). A sink without book outputs ignores it.
 */
export function parseBooksPush(msg: JsonObject, arg: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  if (sink.bookDelta === undefined) {
    sink.control({ type: 'ignored', what: 'books' });
    return;
  }
  const info = instrumentOrReject(sink, instruments, 'arg.instId', arg['instId'], raw);
  if (info === undefined) return;
  const instrument = info.instrument;
  const action = msg['action'];
  if (action !== 'snapshot' && action !== 'update') return rejectChannelField(sink, 'book', 'action', 'not "snapshot" or "update"', action, raw, instrument);
  const d = firstEntry(msg, raw, sink, instrument, 'book');
  if (d === undefined) return;
  const seqId = seqIdText(d['seqId'], false);
  if (seqId === undefined) return rejectChannelField(sink, 'book', 'seqId', 'not a non-negative integer', d['seqId'], raw, instrument);
  const prevSeqId = seqIdText(d['prevSeqId'], true);
  if (prevSeqId === undefined || (action === 'update') === (prevSeqId === '-1')) {
    return rejectChannelField(sink, 'book', 'prevSeqId', action === 'update' ? 'not a non-negative integer' : 'not -1 on a snapshot', d['prevSeqId'], raw, instrument);
  }
  const asks = bookLevelsOf(d['asks'], action === 'update');
  if (typeof asks === 'string') return rejectChannelField(sink, 'book', 'asks', asks, undefined, raw, instrument);
  const bids = bookLevelsOf(d['bids'], action === 'update');
  if (typeof bids === 'string') return rejectChannelField(sink, 'book', 'bids', bids, undefined, raw, instrument);
  const exchangeTime = msToMicros(d['ts']);
  const times = exchangeTime !== undefined ? { exchangeTime, receiveTime: receiveTimeUs } : { receiveTime: receiveTimeUs };
  if (action === 'update') {
    sink.bookDelta(instrument, { prevUpdateId: prevSeqId, updateId: seqId, bids, asks, ...times });
  } else if (sink.bookSnapshot !== undefined) {
    sink.bookSnapshot(instrument, { source: 'ws', updateId: seqId, bids, asks, depth: BOOKS_DEPTH, ...times });
  } else {
    sink.control({ type: 'ignored', what: 'books snapshot' });
  }
}

/** Read one `bbo-tbt` push into a best bid and offer. A sink without `bbo` ignores it. */
export function parseBboPush(msg: JsonObject, arg: JsonObject, raw: string, receiveTimeUs: number, sink: ParseSink, instruments: InstrumentMap): void {
  if (sink.bbo === undefined) {
    sink.control({ type: 'ignored', what: 'bbo-tbt' });
    return;
  }
  const info = instrumentOrReject(sink, instruments, 'arg.instId', arg['instId'], raw);
  if (info === undefined) return;
  const instrument = info.instrument;
  const d = firstEntry(msg, raw, sink, instrument, 'bbo');
  if (d === undefined) return;
  const bids = bookLevelsOf(d['bids'], false);
  if (typeof bids === 'string' || bids.length !== 1) return rejectChannelField(sink, 'bbo', 'bids', typeof bids === 'string' ? bids : 'not one level', bids, raw, instrument);
  const asks = bookLevelsOf(d['asks'], false);
  if (typeof asks === 'string' || asks.length !== 1) return rejectChannelField(sink, 'bbo', 'asks', typeof asks === 'string' ? asks : 'not one level', asks, raw, instrument);
  const [bidPrice, bidSize] = bids[0]!;
  const [askPrice, askSize] = asks[0]!;
  if (compareDecimals(bidPrice, askPrice) >= 0) return rejectChannelField(sink, 'bbo', 'bids', `best bid is not below the best ask ${askPrice}`, bidPrice, raw, instrument);
  const seqId = seqIdText(d['seqId'], false);
  const exchangeTime = msToMicros(d['ts']);
  const bbo: Bbo = {
    v: WIRE_VERSION,
    type: 'bbo',
    venue: OKX_VENUE,
    instrument,
    symbol: info.symbol,
    ...(seqId !== undefined ? { updateId: seqId } : {}),
    bidPrice,
    bidSize,
    askPrice,
    askSize,
    ...(exchangeTime !== undefined ? { exchangeTime } : {}),
    receiveTime: receiveTimeUs,
  };
  sink.bbo(bbo);
}

/**
 * Parse a `/api/v5/market/books` body into a snapshot of `sz` levels per side. The body must carry
 * `seqId` (the venue's new sync procedure); without it the snapshot cannot anchor the chain and is refused.
 */
export function parseBooksSnapshot(body: string, sz: number, receiveTimeUs: number): BookSnapshot {
  const value = parseRestJson(body, 'books');
  if (!isJsonObject(value)) throw invalidFieldError('books', 'body is not an object', value);
  const code = value['code'];
  if (code !== '0' && code !== 0) throw new ParseError('unknown-message', `books: OKX error ${valuePreview(code, REST_VALUE_PREVIEW_CHARS)}: ${typeof value['msg'] === 'string' ? value['msg'] : '?'}`);
  const data = value['data'];
  if (!Array.isArray(data) || data.length !== 1 || !isJsonObject(data[0])) throw invalidFieldError('books.data', 'not an array of one book', data);
  const d = data[0] as JsonObject;
  const seqId = seqIdText(d['seqId'], false);
  if (seqId === undefined) throw invalidFieldError('books.data[0].seqId', 'missing or not a non-negative integer (a snapshot without it cannot anchor the stream)', d['seqId']);
  const asks = bookLevelsOf(d['asks'], false);
  if (typeof asks === 'string') throw invalidFieldError('books.data[0].asks', asks, undefined);
  const bids = bookLevelsOf(d['bids'], false);
  if (typeof bids === 'string') throw invalidFieldError('books.data[0].bids', bids, undefined);
  const exchangeTime = msToMicros(d['ts']);
  return { source: 'rest', updateId: seqId, bids, asks, depth: sz, receiveTime: receiveTimeUs, ...(exchangeTime !== undefined ? { exchangeTime } : {}) };
}

/** `GET /api/v5/market/books?instId=&sz=`: the book snapshot (weight 1; 40 requests per 2 s per IP). */
export function booksRequest(instrument: InstrumentInfo, sz: number): RestRequest<BookSnapshot> {
  if (!Number.isSafeInteger(sz) || sz < 1 || sz > BOOKS_DEPTH) throw new RangeError(`sz must be an integer from 1 to ${BOOKS_DEPTH} (got ${sz})`);
  if (!/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/.test(instrument.symbol)) throw new RangeError(`not an OKX spot instId: ${JSON.stringify(instrument.symbol)}`);
  return {
    path: `/api/v5/market/books?instId=${encodeURIComponent(instrument.symbol)}&sz=${sz}`,
    weight: 1,
    parse: (body, receiveTimeUs) => parseBooksSnapshot(body, sz, receiveTimeUs),
  };
}

/** OKX's book channels: the `chain` rule, 400 levels, `bbo-tbt` for the top. */
export const okxBooks: BookChannels = {
  rule: BOOK_SYNC_RULES.okx,
  maxDepth: BOOKS_DEPTH,
  bbo: true,
  snapshot: booksRequest,
};

