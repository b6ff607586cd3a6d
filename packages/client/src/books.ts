import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { bboSubject, bookSubject, decodeBbo, decodeBook, isInstrumentId, isVenueId, WireDecodeError, type Bbo } from '@tickgate/schema';
import { ClientError } from './errors.js';
import { LocalBook, type BookResync, type BookState, type LocalBookStats } from './order-book.js';
import { JetStreamReplay, type ReplayHooks } from './replay.js';
import { emptyStats, type MalformedHandler, type Stats } from './stats.js';

/** Default JetStream stream that captures the book subjects (`md.book.>`). */
export const DEFAULT_BOOK_STREAM = 'MD_BOOK';
/** Default time before now a book subscription starts reading the stream: more than the gateway's 30 s snapshot interval. */
export const DEFAULT_BOOK_LOOKBACK_MS = 40_000;

/** Options of `books()`. */
export interface BookOptions {
  /** Lowercase venue id (`binance`); required. */
  venue: string;
  /** Normalized `BASE-QUOTE` instrument (`BTC-USDT`); required. */
  instrument: string;
  /** Levels per side in each state yielded (default: every level the book holds). */
  depth?: number;
  /** How far back to start reading the stream, ms (default 40,000): it must reach a snapshot. */
  lookbackMs?: number;
  /** JetStream stream holding the book messages (default `MD_BOOK`). */
  stream?: string;
  /** Messages asked from the server per pull (default 256). */
  batchSize?: number;
  /** Called each time the book goes out of sync (in addition to the count in `stats.resyncs`). */
  onResync?: (info: BookResync) => void;
  /** Called for each malformed book message skipped (in addition to the client's `onMalformed`). */
  onMalformed?: MalformedHandler;
}

/** Counters of a book subscription. */
export interface BookStats extends Stats, LocalBookStats {}

/**
 * Consistent book states of one instrument, one after each book message applied. Nothing is yielded
 * while the book is out of sync. Leaving the loop deletes the server-side consumer.
 */
export interface BookSubscription extends AsyncIterableIterator<BookState> {
  /** The book subject read (`md.book.<venue>.<instrument>`). */
  readonly subjects: readonly string[];
  /**
   * `received`: book messages read; `delivered`: states yielded; `malformed`; `resyncs`, `crossed`,
   * `skipped` (valid messages not applied while out of sync).
   */
  readonly stats: Readonly<BookStats>;
  /** Whether the book is currently in sync (the last state yielded is current). */
  readonly synced: boolean;
  /** Stop reading and delete the consumer. */
  close(): Promise<void>;
}

export interface BookHooks {
  clientStats: Stats;
  onMalformed: MalformedHandler | undefined;
  onClose: (sub: { close(): Promise<void> }) => void;
}

function badOption(message: string): ClientError {
  return new ClientError('TICKGATE_CLIENT_BAD_OPTION', message);
}

/** Check `books()` options; returns the book subject. Throws `TICKGATE_CLIENT_BAD_OPTION`. */
function checkBookOptions(options: BookOptions): string {
  if (typeof options?.venue !== 'string' || !isVenueId(options.venue)) throw badOption(`books() needs a venue id, got ${JSON.stringify(options?.venue)}`);
  if (typeof options.instrument !== 'string' || !isInstrumentId(options.instrument)) {
    throw badOption(`books() needs a BASE-QUOTE instrument, got ${JSON.stringify(options.instrument)}`);
  }
  const { depth, lookbackMs, stream } = options;
  if (depth !== undefined && (!Number.isSafeInteger(depth) || depth < 1)) throw badOption(`depth must be a positive integer, got ${String(depth)}`);
  if (lookbackMs !== undefined && (typeof lookbackMs !== 'number' || !Number.isFinite(lookbackMs) || lookbackMs < 0)) {
    throw badOption(`lookbackMs must be a number of milliseconds >= 0, got ${String(lookbackMs)}`);
  }
  if (stream !== undefined && (typeof stream !== 'string' || !/^[^\s.*>]+$/.test(stream))) throw badOption(`invalid stream name ${JSON.stringify(stream)}`);
  return bookSubject(options.venue, options.instrument);
}

/**
 * Reads the instrument's book messages from the stream through an ordered consumer, from `lookbackMs`
 * ago and then live, and keeps the book in sync with `LocalBook`.
 */
export class JetStreamBooks implements BookSubscription {
  readonly subjects: readonly string[];
  readonly stats: BookStats = { ...emptyStats(), resyncs: 0, crossed: 0, skipped: 0 };
  readonly #replay: JetStreamReplay<BookState>;
  readonly #book: LocalBook;

  constructor(js: JetStreamClient, options: BookOptions, hooks: BookHooks) {
    const subject = checkBookOptions(options);
    const { venue, instrument } = options;
    this.subjects = [subject];
    this.#book = new LocalBook({ depth: options.depth, stats: this.stats, onResync: options.onResync });
    const map = (msg: JsMsg): BookState | undefined => {
      const book = decodeBook(msg.data);
      if (book.venue !== venue || book.instrument !== instrument) {
        throw new WireDecodeError('subject', `book for ${book.venue}/${book.instrument} published on ${msg.subject}`);
      }
      return this.#book.apply(book);
    };
    const replayHooks: ReplayHooks<BookState> = {
      clientStats: hooks.clientStats,
      onMalformed: hooks.onMalformed,
      onClose: () => hooks.onClose(this),
      multiFilter: true,
      map,
      stats: this.stats,
    };
    const since = new Date(Date.now() - (options.lookbackMs ?? DEFAULT_BOOK_LOOKBACK_MS));
    this.#replay = new JetStreamReplay<BookState>(
      js,
      options.stream ?? DEFAULT_BOOK_STREAM,
      [subject],
      { since, follow: true, ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }), ...(options.onMalformed ? { onMalformed: options.onMalformed } : {}) },
      replayHooks,
    );
  }

  get synced(): boolean {
    return this.#book.synced;
  }

  next(): Promise<IteratorResult<BookState>> {
    return this.#replay.next();
  }

  return(): Promise<IteratorResult<BookState>> {
    return this.#replay.return();
  }

  throw(error?: unknown): Promise<IteratorResult<BookState>> {
    return this.#replay.throw(error);
  }

  close(): Promise<void> {
    return this.#replay.close();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** One validated best bid and offer, with the subject it came on. */
export type BboValue = Readonly<Bbo & Record<string, unknown>> & { readonly subject: string };

/**
 * Decode and validate one `md.bbo.*` message; the payload must belong on its subject (a bbo for
 * `binance`/`BTC-USDT` only on `md.bbo.binance.BTC-USDT`). Throws `WireDecodeError`.
 */
export function toBbo(subject: string, data: Uint8Array): BboValue {
  const bbo = decodeBbo(data);
  const expected = bboSubject(bbo.venue, bbo.instrument);
  if (subject !== expected) throw new WireDecodeError('subject', `bbo for ${bbo.venue}/${bbo.instrument} published on ${subject}`);
  const value = bbo as Bbo & Record<string, unknown> & { subject: string };
  value.subject = subject;
  return value;
}
