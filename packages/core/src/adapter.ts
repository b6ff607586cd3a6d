import type { Bbo, Trade } from '@tickgate/schema';
import type { BookDelta, BookSnapshot } from './books/types.js';
import type { BookSyncRule } from './books/sync-rules.js';
import type { RejectionReason } from './errors.js';

/**
 * The venue-neutral adapter contract. An adapter is data plus pure functions: how to reach the venue's
 * stream and REST API, and how to read what they send. It opens no socket, reads no clock and logs
 * nothing: `@tickgate/core` (`FeedRunner`, `RestClient`) and the gateway's feed task and reconciler do
 * the I/O.
 */
export interface VenueAdapter {
  /** Lowercase venue id used in subjects: `binance`. */
  readonly venue: string;
  /** Default public endpoints. */
  readonly defaults: { wsUrl: string; restUrl: string };
  /** How the venue's WebSocket stream works. */
  readonly stream: StreamRules;
  /** Build a parser for frames of one connection carrying `instruments`. */
  createParser(instruments: InstrumentMap): FrameParser;
  /** The venue's REST endpoints (pure request builders and response parsers). */
  readonly rest: RestApi;
  /** L2 books and best bid/offer, where the adapter carries them (absent: trades only). */
  readonly books?: BookChannels;
  /**
   * The venue symbol for a normalized instrument before metadata is known (`BTC-USDT` → `BTCUSDT`).
   * Default: base and quote joined without a separator. Metadata from `rest.instruments` confirms it.
   */
  symbolFor?(instrument: string): string;
}

/** What a feed carries: trades, the L2 book, the venue's best bid/offer. */
export type FeedChannel = 'trades' | 'book' | 'bbo';

/**
 * How a venue's L2 book and top of book are read. The sync itself (buffering, the snapshot's overlap,
 * continuity, resyncs) is the venue-neutral `BookSync` driven by `rule`; the adapter only names the
 * rule, builds the requests and reads the frames.
 */
export interface BookChannels {
  /** The venue's sync rule (`BOOK_SYNC_RULES.binance`, …). */
  readonly rule: BookSyncRule;
  /** Most levels per side the venue's snapshot serves (Binance 5000, OKX 400). */
  readonly maxDepth: number;
  /** Whether the venue has a dedicated top-of-book channel the adapter reads (`bbo`). */
  readonly bbo: boolean;
  /**
   * The REST snapshot of an instrument's book, `depth` levels per side (rule `snapshotSource: 'rest'`).
   * Its weight follows the venue's table for that depth.
   */
  snapshot?(instrument: InstrumentInfo, depth: number): RestRequest<BookSnapshot>;
}

/** One tradable instrument, as learned from venue metadata. */
export interface InstrumentInfo {
  /** Normalized `BASE-QUOTE` (`BTC-USDT`). */
  readonly instrument: string;
  /** The venue's own symbol (`BTCUSDT`). */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Price increment, canonical decimal, when the venue says. */
  readonly tickSize?: string;
  /** Quantity increment, canonical decimal, when the venue says. */
  readonly stepSize?: string;
  /** Venue status (`TRADING`), when the venue says. */
  readonly status?: string;
}

/** Instruments of one feed, looked up both ways. */
export interface InstrumentMap {
  bySymbol(symbol: string): InstrumentInfo | undefined;
  byInstrument(instrument: string): InstrumentInfo | undefined;
  all(): readonly InstrumentInfo[];
}

/** Build an `InstrumentMap` from a list. Symbols are matched exactly as the venue writes them. */
export function instrumentMap(list: readonly InstrumentInfo[]): InstrumentMap {
  const bySymbol = new Map(list.map((i) => [i.symbol, i] as const));
  const byInstrument = new Map(list.map((i) => [i.instrument, i] as const));
  return {
    bySymbol: (s) => bySymbol.get(s),
    byInstrument: (i) => byInstrument.get(i),
    all: () => list,
  };
}

/**
 * Reads one raw text frame, calling `sink` for each event it holds (a frame may hold several trades).
 * `receiveTimeUs` is the gateway's receive time, passed in so that parsing stays pure.
 * It must never throw: anything unreadable goes to `sink.reject`.
 */
export type FrameParser = (raw: string, receiveTimeUs: number, sink: ParseSink) => void;

export interface ParseSink {
  /**
   * A normalized trade, already schema-valid (canonical decimals, µs times, taker side).
   * `span` is how many consecutive venue ids it covers, ending at `trade.id` (OKX aggregates; default 1).
   */
  trade(trade: Trade, span?: number): void;
  /** A control message: for the feed runner (shutdown notices, pongs) or the sequencer (heartbeats). */
  control(event: ControlEvent): void;
  /** A venue book delta for `instrument` (book channel): ids and changed levels, canonical. */
  bookDelta?(instrument: string, delta: BookDelta): void;
  /** A book snapshot that arrived in band (OKX's legacy initial push). */
  bookSnapshot?(instrument: string, snapshot: BookSnapshot): void;
  /** The venue's best bid and offer (bbo channel), wire-valid. */
  bbo?(bbo: Bbo): void;
  /** A frame that could not be read. */
  reject(rejection: Rejection): void;
}

export type ControlEvent =
  /** A subscribe request was accepted. */
  | { readonly type: 'subscribed'; readonly requestId?: string | number | null; readonly detail?: string }
  /** The venue answered a request with an error (bad subscribe, too many messages, …). */
  | { readonly type: 'error'; readonly code?: string | number; readonly message: string; readonly requestId?: string | number | null }
  /** The venue will close this connection soon: reconnect elsewhere, make-before-break. */
  | { readonly type: 'shutdown-notice'; readonly timeUs?: number }
  /** An application-level pong (client-ping venues). */
  | { readonly type: 'pong' }
  /** An application-level heartbeat; `lastTradeId` lets the sequencer notice silent gaps. */
  | { readonly type: 'heartbeat'; readonly instrument?: string; readonly lastTradeId?: string }
  /** A message the runner needs nothing from (list results, snapshot markers, other channels). */
  | { readonly type: 'ignored'; readonly what: string };

export interface Rejection {
  readonly reason: RejectionReason;
  /** One line for logs: what was wrong, naming the field. */
  readonly message: string;
  /** The start of the raw frame (at most `RAW_PREVIEW_CHARS`, 200, characters). */
  readonly raw: string;
  /** The instrument the frame was for, when that much could be read. */
  readonly instrument?: string;
  /** The venue trade id the frame carried, when that much could be read: the sequencer treats it as a gap. */
  readonly tradeId?: string;
  /** The channel of the frame, when not trades (`book`, `bbo`): the trade sequencer ignores those. */
  readonly channel?: FeedChannel;
}

/** How the venue's stream is reached and kept alive. */
export interface StreamRules {
  /**
   * Most instruments (streams) one connection may carry. A `FeedRunner` refuses more; the gateway's feed
   * task splits a feed's instruments over as many runners (connections) as this needs.
   */
  readonly maxStreamsPerConnection: number;
  /** The venue closes connections after this long; rotate (make-before-break) before it. */
  readonly connectionLifetimeMs?: number;
  /** Most messages the client may send per second on one connection (control messages, pongs). */
  readonly maxClientMessagesPerSecond?: number;
  /**
   * Connection attempts allowed per window (per IP): every runner of the venue in a process draws on one
   * budget of this size.
   */
  readonly connectAttempts?: { readonly max: number; readonly windowMs: number };
  readonly heartbeat: HeartbeatRule;
  /**
   * How trade ids order and reveal gaps: `consecutive` — integer ids, each instrument's next trade is
   * `last + 1` (Binance `t`, Coinbase, Kraken, OKX with spans); `none` — ids carry no order (Bybit).
   */
  readonly sequencing: 'consecutive' | 'none';
  /**
   * URL and messages that open a connection carrying `instruments`, with `channels` (default: trades
   * only; `book` and `bbo` need `VenueAdapter.books`).
   */
  connect(baseUrl: string, instruments: readonly InstrumentInfo[], channels?: readonly FeedChannel[]): ConnectPlan;
}

export interface ConnectPlan {
  /** Full WebSocket URL, streams and options included where the venue takes them in the URL. */
  readonly url: string;
  /** Text messages to send once open (subscribe requests), in order, within the message rate. */
  readonly subscribe: readonly string[];
}

export type HeartbeatRule =
  /**
   * The server sends WebSocket pings every `intervalMs` and wants a pong within `pongDeadlineMs` (`ws`
   * answers them); by default the runner calls the connection stale after `intervalMs + pongDeadlineMs`
   * of silence.
   */
  | { readonly kind: 'server-ping'; readonly intervalMs: number; readonly pongDeadlineMs: number }
  /**
   * The client must send `message` (text, or a WebSocket ping for `'ws-ping'`) every `intervalMs`; no
   * answer or other traffic within `timeoutMs` of one loses the connection.
   */
  | { readonly kind: 'client-ping'; readonly intervalMs: number; readonly message: string | 'ws-ping'; readonly timeoutMs: number }
  /**
   * The server sends an application heartbeat message at least every `intervalMs`; by default the runner
   * calls the connection stale after 3 × `intervalMs` of silence.
   */
  | { readonly kind: 'server-message'; readonly intervalMs: number };

/** A REST request, built purely; the core REST client sends it. */
export interface RestRequest<T> {
  /** Path and query, relative to the REST base URL: `/api/v3/trades?symbol=BTCUSDT&limit=500`. */
  readonly path: string;
  /** Cost against the venue's rate budget. */
  readonly weight: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Read a 2xx body. Throws `ParseError` for a body it cannot read. */
  parse(body: string, receiveTimeUs: number): T;
}

export interface RestApi {
  /** Rate-limit facts the REST client enforces. */
  readonly limits: RestLimits;
  /** Instrument metadata for `symbols` (venue symbols). */
  instruments(symbols: readonly string[]): RestRequest<InstrumentInfo[]>;
  /**
   * Up to `limit` trades from id `fromId` (inclusive), ascending. Absent where the venue cannot page trades
   * by id: gaps are then filled from `recentTrades` as far as it reaches, and the rest reported lost.
   */
  tradesFrom?(instrument: InstrumentInfo, fromId: string, limit: number): RestRequest<Trade[]>;
  /** The most recent trades, ascending. */
  recentTrades(instrument: InstrumentInfo, limit: number): RestRequest<Trade[]>;
  /** Last traded price, canonical decimal. */
  lastPrice(instrument: InstrumentInfo): RestRequest<string>;
}

export interface RestLimits {
  /** Weight the venue allows per minute. */
  readonly weightPerMinute: number;
  /** Response header carrying the weight used in the current minute, lowercase (`x-mbx-used-weight-1m`). */
  readonly usedWeightHeader?: string;
  /** Most trades one `tradesFrom` / `recentTrades` page returns. */
  readonly maxTradesPerPage: number;
}
