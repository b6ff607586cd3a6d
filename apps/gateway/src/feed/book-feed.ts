import { Backoff, BookSync, describeError, monotonicMs, systemClock, type BookChannels, type BookDelta, type BookResyncEvent, type BookSnapshot, type InstrumentInfo, type Logger, type RestClient } from '@tickgate/core';
import { WIRE_VERSION, type Bbo, type Book, type Status } from '@tickgate/schema';

/** Where a `BookFeed` sends what it publishes. */
export interface BookOutputs {
  book(book: Book): void;
  bbo(bbo: Bbo): void;
  /** `book-resync` and `book-synced` status events (on the instrument's status subject). */
  status(status: Status): void;
}

/** Counters a `BookFeed` reports to metrics (per feed). */
export interface BookFeedObserver {
  published?(instrument: string, book: Book): void;
  resync?(instrument: string, reason: BookResyncEvent['reason']): void;
  snapshotRequest?(instrument: string, weight: number, outcome: 'ok' | 'failed'): void;
  bbo?(instrument: string): void;
  /** Seconds the instrument's book has been out of sync (0 while in sync), sampled on every `tick`. */
  outOfSync?(instrument: string, seconds: number): void;
}

export interface BookFeedOptions {
  readonly venue: string;
  readonly books: BookChannels;
  readonly instruments: readonly InstrumentInfo[];
  /** Levels per side published. */
  readonly depth: number;
  /** Levels per side asked of the REST snapshot. */
  readonly snapshotDepth: number;
  /** Republish each live book as a snapshot this often (`tick` checks). */
  readonly snapshotIntervalMs: number;
  /** Whether the feed carries the book channel (else only bbo is forwarded). */
  readonly withBook: boolean;
  /** The venue's REST client: snapshots draw on the weight budget the trade reconciler uses. */
  readonly rest: RestClient;
  readonly outputs: BookOutputs;
  readonly logger: Logger;
  readonly observer?: BookFeedObserver;
  /** Wall-clock µs (receive times of republished snapshots, status times). */
  readonly nowUs?: () => number;
  /** Monotonic ms. */
  readonly nowMs?: () => number;
  /** Snapshot retry backoff (default 250 ms doubling to 5 s, full jitter). */
  readonly backoff?: { baseMs: number; capMs: number };
}

interface Instrument {
  readonly info: InstrumentInfo;
  readonly sync: BookSync;
  readonly backoff: Backoff;
  /** A snapshot request is under way or waiting for its retry. */
  fetching: boolean;
  retryTimer: NodeJS.Timeout | undefined;
  /** When the last snapshot (anchoring or republished) went out. */
  lastSnapshotMs: number;
  lastInputMs: number;
  /** Since when the book has not been in sync (ms); undefined while it is. */
  outOfSyncSinceMs: number | undefined;
}

/**
 * The L2 books of one feed: a `BookSync` per instrument (the venue's rule), REST snapshots fetched when
 * an engine asks — one request at a time per instrument, retried with backoff, within the venue's REST
 * weight budget — book messages and bbo forwarded to the outputs, `book-resync`/`book-synced` status
 * events, and each live book republished as a snapshot every `snapshotIntervalMs`. One instrument's
 * resync never touches another's book.
 */
export class BookFeed {
  private readonly byInstrument = new Map<string, Instrument>();
  private stopped = false;
  private readonly nowUs: () => number;
  private readonly nowMs: () => number;

  constructor(private readonly opts: BookFeedOptions) {
    this.nowUs = opts.nowUs ?? systemClock.nowUs;
    this.nowMs = opts.nowMs ?? monotonicMs;
    if (!opts.withBook) return;
    const policy = opts.backoff ?? { baseMs: 250, capMs: 5_000 };
    for (const info of opts.instruments) {
      const entry: Instrument = {
        info,
        backoff: new Backoff({ ...policy, healthyAfterMs: 0 }),
        fetching: false,
        retryTimer: undefined,
        lastSnapshotMs: this.nowMs(),
        lastInputMs: this.nowMs(),
        outOfSyncSinceMs: this.nowMs(),
        sync: new BookSync({
          venue: opts.venue,
          instrument: info.instrument,
          symbol: info.symbol,
          rule: opts.books.rule,
          depth: opts.depth,
          listener: {
            publish: (book) => {
              if (book.action === 'snapshot') entry.lastSnapshotMs = this.nowMs();
              opts.observer?.published?.(info.instrument, book);
              opts.outputs.book(book);
            },
            snapshotNeeded: () => this.fetchSnapshot(entry),
            resync: (event) => {
              entry.outOfSyncSinceMs ??= this.nowMs();
              this.onResync(info, event);
            },
            synced: (event) => {
              entry.outOfSyncSinceMs = undefined;
              this.status(info, 'book-synced', { seq: event.seq, message: `book in sync at venue update id ${event.updateId}` });
            },
          },
        }),
      };
      this.byInstrument.set(info.instrument, entry);
    }
  }

  /** The engine of an instrument (tests, readiness). */
  syncOf(instrument: string): BookSync | undefined {
    return this.byInstrument.get(instrument)?.sync;
  }

  delta(instrument: string, delta: BookDelta): void {
    const entry = this.byInstrument.get(instrument);
    if (!entry || this.stopped) return;
    entry.lastInputMs = this.nowMs();
    this.guard(entry, () => entry.sync.delta(delta));
  }

  snapshot(instrument: string, snapshot: BookSnapshot): void {
    const entry = this.byInstrument.get(instrument);
    if (!entry || this.stopped) return;
    entry.lastInputMs = this.nowMs();
    this.guard(entry, () => entry.sync.snapshot(snapshot));
  }

  bbo(bbo: Bbo): void {
    if (this.stopped) return;
    this.opts.observer?.bbo?.(bbo.instrument);
    this.opts.outputs.bbo(bbo);
  }

  /** The connection carrying `instruments` went down: their books resync. */
  disconnected(instruments: readonly string[]): void {
    for (const i of instruments) {
      const entry = this.byInstrument.get(i);
      if (entry) this.guard(entry, () => entry.sync.disconnected());
    }
  }

  /** Periodic work (about once a second): republish due snapshots, report silent books as stale. */
  tick(): void {
    if (this.stopped) return;
    const now = this.nowMs();
    for (const entry of this.byInstrument.values()) {
      this.guard(entry, () => entry.sync.staleFor(Math.max(0, now - entry.lastInputMs)));
      if (entry.sync.state === 'live' && now - entry.lastSnapshotMs >= this.opts.snapshotIntervalMs) {
        this.guard(entry, () => entry.sync.republish(this.nowUs()));
      }
      this.opts.observer?.outOfSync?.(entry.info.instrument, entry.outOfSyncSinceMs === undefined ? 0 : (now - entry.outOfSyncSinceMs) / 1000);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.byInstrument.values()) clearTimeout(entry.retryTimer);
  }

  /** An engine input that throws (a venue value the adapter let through but the engine refuses) is logged, and the book resyncs. */
  private guard(entry: Instrument, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.opts.logger.warn({ instrument: entry.info.instrument, err: describeError(error) }, 'book input refused; resyncing the book');
      try {
        entry.sync.disconnected();
      } catch {
        // nothing more to do: the next snapshot rebuilds it
      }
    }
  }

  private fetchSnapshot(entry: Instrument): void {
    if (entry.fetching || this.stopped || !this.opts.books.snapshot) return;
    entry.fetching = true;
    const request = this.opts.books.snapshot(entry.info, this.opts.snapshotDepth);
    const attempt = (): void => {
      entry.retryTimer = undefined;
      if (this.stopped) return;
      this.opts.rest.send(request).then(
        (snapshot) => {
          entry.fetching = false;
          entry.backoff.reset();
          this.opts.observer?.snapshotRequest?.(entry.info.instrument, request.weight, 'ok');
          this.snapshot(entry.info.instrument, snapshot);
        },
        (error: unknown) => {
          this.opts.observer?.snapshotRequest?.(entry.info.instrument, request.weight, 'failed');
          const delay = entry.backoff.next(this.nowMs());
          this.opts.logger.warn({ instrument: entry.info.instrument, err: describeError(error), retryInMs: delay }, 'book snapshot request failed; retrying');
          if (this.stopped) return;
          entry.retryTimer = setTimeout(attempt, delay);
          entry.retryTimer.unref?.();
        },
      );
    };
    attempt();
  }

  private onResync(info: InstrumentInfo, event: BookResyncEvent): void {
    this.opts.observer?.resync?.(info.instrument, event.reason);
    this.opts.logger.warn({ instrument: info.instrument, reason: event.reason, seq: event.seq }, `book out of sync: ${event.message}`);
    this.status(info, 'book-resync', { reason: event.reason, message: event.message, ...(event.seq !== undefined ? { seq: event.seq } : {}) });
  }

  private status(info: InstrumentInfo, state: 'book-resync' | 'book-synced', extra: { reason?: string; message?: string; seq?: number }): void {
    this.opts.outputs.status({ v: WIRE_VERSION, type: 'status', venue: this.opts.venue, instrument: info.instrument, state, time: this.nowUs(), ...extra });
  }
}
