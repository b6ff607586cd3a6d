import { BookSync, instrumentMap, type BookResyncEvent, type FeedChannel, type InstrumentInfo, type ParseSink, type VenueAdapter } from '@tickgate/core';
import { compareDecimals, type Book, type BookLevel } from '@tickgate/schema';
import WebSocket from 'ws';

/** Settings of a `BookPipeline`. */
export interface BookPipelineOptions {
  readonly adapter: VenueAdapter;
  readonly info: InstrumentInfo;
  readonly wsUrl: string;
  readonly restUrl: string;
  /** Levels per side published and compared. */
  readonly depth: number;
  /** Levels per side asked of the REST snapshot (default `depth`). */
  readonly snapshotDepth?: number;
  /** Delay before a snapshot is fetched once the engine asks, ms (default 20), as a caller's queue would add. */
  readonly snapshotDelayMs?: number;
}

/**
 * A venue's whole book path as the gateway runs it, for tests against the simulator: the adapter's
 * connect plan and parser on one WebSocket carrying the `book` channel, a `BookSync` on the adapter's
 * rule, REST snapshots fetched through the adapter's request when the engine asks (in-band snapshots go
 * to the engine too), and a consumer applying what the engine publishes as a client would. Compare
 * `top()` with the simulator's true book at `consumer.updateId`.
 */
export class BookPipeline {
  readonly published: Book[] = [];
  readonly resyncs: BookResyncEvent[] = [];
  readonly rejections: string[] = [];
  readonly consumer = { bids: new Map<string, string>(), asks: new Map<string, string>(), updateId: '', seq: 0, seqJumps: 0 };
  snapshots = 0;
  readonly sync: BookSync;
  private ws: WebSocket | undefined;
  private closed = false;

  constructor(private readonly options: BookPipelineOptions) {
    const books = options.adapter.books;
    if (!books) throw new Error(`${options.adapter.venue} has no book channels`);
    this.sync = new BookSync({
      venue: options.adapter.venue,
      instrument: options.info.instrument,
      symbol: options.info.symbol,
      rule: books.rule,
      depth: options.depth,
      listener: {
        publish: (book) => this.consume(book),
        snapshotNeeded: () => void this.fetchSnapshot(),
        resync: (e) => void this.resyncs.push(e),
      },
    });
  }

  /** Connect and subscribe; resolves once the socket is open and the subscribe requests are sent. */
  async start(channels: readonly FeedChannel[] = ['book']): Promise<void> {
    const { adapter, info } = this.options;
    const plan = adapter.stream.connect(this.options.wsUrl, [info], channels);
    const parse = adapter.createParser(instrumentMap([info]));
    const sink: ParseSink = {
      trade: () => undefined,
      control: () => undefined,
      reject: (r) => void this.rejections.push(r.message),
      bookDelta: (_instrument, delta) => this.sync.delta(delta),
      bookSnapshot: (_instrument, snapshot) => this.sync.snapshot(snapshot),
    };
    const ws = new WebSocket(plan.url);
    this.ws = ws;
    ws.on('message', (data) => parse(String(data), Date.now() * 1000, sink));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const message of plan.subscribe) ws.send(message);
  }

  private async fetchSnapshot(): Promise<void> {
    const request = this.options.adapter.books!.snapshot!(this.options.info, this.options.snapshotDepth ?? this.options.depth);
    await new Promise((r) => setTimeout(r, this.options.snapshotDelayMs ?? 20));
    while (!this.closed) {
      const res = await fetch(`${this.options.restUrl}${request.path}`);
      if (res.status === 200) {
        const snapshot = request.parse(await res.text(), Date.now() * 1000);
        this.snapshots++;
        this.sync.snapshot(snapshot);
        return;
      }
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private consume(book: Book): void {
    const c = this.consumer;
    this.published.push(book);
    if (c.seq !== 0 && book.seq !== c.seq + 1) c.seqJumps++;
    c.seq = book.seq;
    if (book.action === 'snapshot') {
      c.bids.clear();
      c.asks.clear();
    }
    for (const [side, levels] of [[c.bids, book.bids], [c.asks, book.asks]] as const) {
      for (const [price, size] of levels) {
        if (size === '0') side.delete(price);
        else side.set(price, size);
      }
    }
    c.updateId = book.updateId;
  }

  /** The consumer's best `depth` levels of one side, best first, by exact decimal order. */
  top(side: 'bids' | 'asks'): BookLevel[] {
    const levels = [...this.consumer[side].entries()].map(([p, s]) => [p, s] as BookLevel);
    levels.sort((a, b) => (side === 'bids' ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
    return levels.slice(0, this.options.depth);
  }

  /** Whether the consumer's book is crossed (best bid at or above best ask). */
  crossed(): boolean {
    const bid = this.top('bids')[0];
    const ask = this.top('asks')[0];
    return bid !== undefined && ask !== undefined && compareDecimals(bid[0], ask[0]) >= 0;
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
