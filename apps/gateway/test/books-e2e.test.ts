import { jetstreamManager } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { TickgateClient, type BookState } from '@tickgate/client';
import { waitFor } from '@tickgate/testing';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, compareDecimals, decodeBbo, decodeBook, type Bbo, type Book, type BookLevel } from '@tickgate/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, scrape } from './metrics-text.js';
import { expectExactRun, INSTRUMENT, LossRig, SYMBOL } from './rig.js';

const DEPTH = 10;

/** A consumer of `md.book.…` as a client would be: a snapshot replaces the book, a delta applies; `seq` checked. */
class BookConsumer {
  readonly books: Book[] = [];
  readonly bbos: Bbo[] = [];
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  updateId = '';
  seqJumps = 0;
  private readonly subs: Subscription[] = [];

  static async start(rig: LossRig, instrument = INSTRUMENT): Promise<BookConsumer> {
    const c = new BookConsumer();
    c.subs.push(rig.nc.subscribe(`md.book.binance.${instrument}`, { callback: (_e, m) => c.apply(decodeBook(m.data)) }));
    c.subs.push(rig.nc.subscribe(`md.bbo.binance.${instrument}`, { callback: (_e, m) => void c.bbos.push(decodeBbo(m.data)) }));
    await rig.nc.flush();
    return c;
  }

  private apply(book: Book): void {
    const last = this.books.at(-1);
    if (last && book.seq !== last.seq + 1) this.seqJumps++;
    this.books.push(book);
    if (book.action === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [side, levels] of [[this.bids, book.bids], [this.asks, book.asks]] as const) {
      for (const [price, size] of levels) {
        if (size === '0') side.delete(price);
        else side.set(price, size);
      }
    }
    this.updateId = book.updateId;
  }

  top(side: 'bids' | 'asks'): BookLevel[] {
    const levels = [...this[side].entries()].map(([p, s]) => [p, s] as BookLevel);
    levels.sort((a, b) => (side === 'bids' ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
    return levels.slice(0, DEPTH);
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}

function truth(rig: LossRig, updateId: string, symbol = SYMBOL): { bids: BookLevel[]; asks: BookLevel[] } {
  const view = rig.sim.market.bookAt(symbol, Number(updateId));
  const canon = (levels: readonly { price: string; qty: string }[]): BookLevel[] =>
    levels.slice(0, DEPTH).map((l) => [canonicalDecimalOrUndefined(l.price)!, canonicalSizeOrUndefined(l.qty)!] as BookLevel);
  return { bids: canon(view.bids), asks: canon(view.asks) };
}

describe('books end to end: simulator → gateway process → NATS → a consumer equals the true book', () => {
  let rig: LossRig | undefined;
  let consumer: BookConsumer | undefined;
  afterEach(async () => {
    consumer?.stop();
    await rig?.close();
    rig = undefined;
  });

  async function churn(r: LossRig, batches: number, symbols: readonly string[] = [SYMBOL]): Promise<void> {
    for (let i = 0; i < batches; i++) {
      for (const symbol of symbols) {
        r.sim.market.changeBook(symbol, 4);
        if (i % 5 === 0) r.sim.market.generate(symbol, 2);
      }
      await new Promise((res) => setTimeout(res, 5));
    }
  }

  async function caughtUp(r: LossRig, c: BookConsumer, symbol = SYMBOL): Promise<void> {
    const last = String(r.sim.market.orderBook(symbol).updateId);
    await waitFor(() => c.updateId === last, { timeoutMs: 15_000, message: `the consumer's ${symbol} book to reach update id ${last}` });
    const t = truth(r, c.updateId, symbol);
    expect(c.top('bids')).toEqual(t.bids);
    expect(c.top('asks')).toEqual(t.asks);
  }

  it('publishes an exact book, bbo and the trades; a lost delta resyncs that book with status events; books stay out of the trade stream', async () => {
    rig = await LossRig.start({ sim: { books: true, rate: 0 }, feed: { channels: ['trades', 'book', 'bbo'], book: { depth: DEPTH, snapshotIntervalMs: 60_000 } } });
    const r = rig;
    consumer = await BookConsumer.start(r);
    const c = consumer;
    await r.startGateway();
    await churn(r, 5);
    await waitFor(() => c.books.length > 0, { timeoutMs: 15_000, message: 'a first book snapshot' });
    await churn(r, 30);
    await caughtUp(r, c);
    expect(c.books[0]!.action).toBe('snapshot');
    expect(c.seqJumps).toBe(0);

    // the client library, joining late, rebuilds the same book from MD_BOOK and follows it live
    const client = TickgateClient.wrap(r.nc);
    const sub = client.books({ venue: 'binance', instrument: INSTRUMENT, depth: DEPTH });
    let state: BookState | undefined;
    const following = (async () => {
      for await (const s of sub) state = s;
    })();
    const clientCaughtUp = async () => {
      const last = String(r.sim.market.orderBook(SYMBOL).updateId);
      await waitFor(() => state?.updateId === last, { timeoutMs: 15_000, message: `the client's book to reach ${last}` });
      const t = truth(r, last);
      expect(state!.bids.map((l) => [l.price, l.size])).toEqual(t.bids);
      expect(state!.asks.map((l) => [l.price, l.size])).toEqual(t.asks);
    };
    await clientCaughtUp();
    await churn(r, 10);
    await clientCaughtUp();

    // a delta lost on the venue side: the book resyncs on its own, announced, and is exact again
    r.sim.faults.skipBookDeltas(1);
    await churn(r, 20);
    await caughtUp(r, c);
    const statuses = () => r.core.statuses().filter((s) => s.state === 'book-resync' || s.state === 'book-synced');
    await waitFor(() => statuses().some((s) => s.state === 'book-synced' && (s.seq ?? 0) > 1), { timeoutMs: 10_000, message: 'book-synced after the resync' });
    const resync = statuses().find((s) => s.state === 'book-resync');
    expect(resync).toMatchObject({ instrument: INSTRUMENT, reason: 'gap' });
    expect(c.seqJumps).toBe(0);
    expect(c.books.filter((b) => b.action === 'snapshot').length).toBe(2);
    await clientCaughtUp();
    expect(sub.stats.resyncs).toBe(0); // the gateway's resync is a new snapshot in the chain, not a gap for the client
    await sub.close();
    await following;

    // bbo: the venue's own top of book, never crossed
    expect(c.bbos.length).toBeGreaterThan(0);
    for (const b of c.bbos) expect(compareDecimals(b.bidPrice, b.askPrice)).toBeLessThan(0);

    // trades as exact as before, and the trade stream holds no book message
    const made = r.made;
    await r.waitStored(made.at(-1)!.id);
    expectExactRun(r.core.trades(), made, made[0]!.id, made.at(-1)!.id, 'core');
    const jsm = await jetstreamManager(r.nc);
    const md = await jsm.streams.info('MD', { subjects_filter: '>' });
    expect(Object.keys(md.state.subjects ?? {}).filter((s) => s.startsWith('md.book.') || s.startsWith('md.bbo.'))).toEqual([]);
    const mdBook = await jsm.streams.info('MD_BOOK');
    expect(mdBook.config.subjects).toEqual(['md.book.>']);
    expect(mdBook.state.messages).toBe(c.books.length);
  });

  it("one instrument's resync leaves another instrument's book and trades untouched", async () => {
    rig = await LossRig.start({ sim: { books: true, rate: 0, symbols: ['BTCUSDT', 'ETHUSDT'] }, feed: { instruments: ['BTC-USDT', 'ETH-USDT'], channels: ['trades', 'book'], book: { depth: DEPTH, snapshotIntervalMs: 60_000 } } });
    const r = rig;
    const btc = await BookConsumer.start(r, 'BTC-USDT');
    const eth = await BookConsumer.start(r, 'ETH-USDT');
    consumer = btc;
    try {
      await r.startGateway();
      const both = ['BTCUSDT', 'ETHUSDT'];
      await churn(r, 5, both);
      await waitFor(() => btc.books.length > 0 && eth.books.length > 0, { timeoutMs: 15_000, message: 'both books published' });
      r.sim.faults.skipBookDeltas(1, { symbol: 'BTCUSDT' });
      await churn(r, 30, both);
      await caughtUp(r, btc, 'BTCUSDT');
      await caughtUp(r, eth, 'ETHUSDT');
      const resyncs = r.core.statuses().filter((st) => st.state === 'book-resync');
      expect(resyncs.map((st) => st.instrument)).toEqual(['BTC-USDT']);
      expect(btc.books.filter((b) => b.action === 'snapshot').length).toBe(2);
      expect(eth.books.filter((b) => b.action === 'snapshot').length).toBe(1);
      expect(eth.seqJumps + btc.seqJumps).toBe(0);
      const made = r.made;
      for (const instrument of ['BTC-USDT', 'ETH-USDT']) {
        const symbol = instrument.replace('-', '');
        const mine = made.filter((t) => t.symbol === symbol);
        await waitFor(() => r.core.trades(instrument).length >= mine.length, { timeoutMs: 15_000, message: `${instrument} trades` });
        expectExactRun(r.core.trades(instrument), mine, mine[0]!.id, mine.at(-1)!.id, instrument, instrument);
      }
    } finally {
      eth.stop();
    }
  });

  it('rate-limited and slow snapshots: the book waits, retries within the budget, then is exact; trades are not held up', async () => {
    rig = await LossRig.start({ sim: { books: true, rate: 0 }, feed: { channels: ['trades', 'book'], book: { depth: DEPTH, snapshotIntervalMs: 60_000 } } });
    const r = rig;
    consumer = await BookConsumer.start(r);
    const c = consumer;
    r.sim.faults.snapshotTooManyRequests({ requests: 2, retryAfterSec: 1 }).snapshotLatency(300, { requests: 1 });
    const gateway = await r.startGateway();
    const started = Date.now();
    await churn(r, 10);
    // the book is out of sync while its snapshot is refused (two 429s, one second each): the gauge says how long
    await waitFor(async () => metricValue(await scrape(gateway.httpPort), 'tickgate_book_out_of_sync_seconds', { instrument: INSTRUMENT }) > 0, { timeoutMs: 5_000, message: 'out-of-sync time counted' });
    // trades flow while the book waits for its snapshot
    await r.waitStored(r.made.at(-1)!.id, 10_000);
    await churn(r, 10);
    await caughtUp(r, c);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // it honoured Retry-After
    expect(c.books.filter((b) => b.action === 'snapshot').length).toBe(1);
    expect(c.seqJumps).toBe(0);
    const metrics = await scrape(gateway.httpPort);
    expect(metricValue(metrics, 'tickgate_rest_requests_total', { endpoint: '/api/v3/depth', status: '429' })).toBe(2);
    expect(metricValue(metrics, 'tickgate_book_snapshot_requests_total', { outcome: 'ok' })).toBe(1);
    expect(metricValue(metrics, 'tickgate_book_snapshot_weight_total')).toBe(50); // limit 1000 (the default snapshotDepth)
    expect(metricValue(metrics, 'tickgate_book_in_sync', { instrument: INSTRUMENT })).toBe(1);
    expect(metricValue(metrics, 'tickgate_book_depth', { instrument: INSTRUMENT })).toBe(DEPTH);
    await waitFor(async () => metricValue(await scrape(gateway.httpPort), 'tickgate_book_out_of_sync_seconds', { instrument: INSTRUMENT }) === 0, { timeoutMs: 5_000, message: 'out-of-sync time back to 0' });
    expectExactRun(r.core.trades(), r.made, r.made[0]!.id, r.made.at(-1)!.id, 'core');
  });
});
