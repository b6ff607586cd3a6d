import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import type { TestClient } from '../../test/ws-client.js';
import { canonical, formatUnits, toUnits } from '../core/fixed-point.js';
import type { BookLevel, BookView } from '../core/order-book.js';
import { bboPush, booksPush } from './messages.js';
import { startOkxSim, type OkxSim, type OkxSimOptions } from './okx-sim.js';

// Documented / captured samples (shared/protocols/books.md §2.3, §2.7), verbatim.
const DOC_SNAPSHOT =
  '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["8476.98","415","0","13"],["8477","7","0","2"],["8477.34","85","0","1"],["8477.56","1","0","1"],["8505.84","8","0","1"],["8506.37","85","0","1"],["8506.49","2","0","1"],["8506.96","100","0","2"]],"bids":[["8476.97","256","0","12"],["8475.55","101","0","1"],["8475.54","100","0","1"],["8475.3","1","0","1"],["8447.32","6","0","1"],["8447.02","246","0","1"],["8446.83","24","0","1"],["8446","95","0","3"]],"ts":"1597026383085","checksum":-855196043,"prevSeqId":-1,"seqId":123456}]}';
const CAPTURED_BBO =
  '{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["105252.6","0.16271274","0","5"]],"bids":[["105252.5","1.1133491","0","19"]],"ts":"1749044565306","seqId":55729075884}]}';
const DOC_REST = '{"code":"0","msg":"","data":[{"asks":[["41006.8","0.60038921","0","1"]],"bids":[["41006.3","0.30178218","0","2"]],"ts":"1629966436396"}]}';

const session = simSession<OkxSim>();

async function start(options: OkxSimOptions = {}): Promise<OkxSim> {
  return session.keep(await startOkxSim({ books: true, rest: { requestsPerWindow: 1000 }, ...options }));
}

type Row = [string, string, string, string];
interface BooksData {
  asks: Row[];
  bids: Row[];
  ts: string;
  checksum: number;
  prevSeqId: number;
  seqId: number;
}
interface Push {
  arg: { channel: string; instId: string };
  action?: string;
  data: BooksData[];
}

const pushes = (c: TestClient, channel: string): Push[] =>
  c.frames.map((f) => JSON.parse(f) as Push).filter((m) => m.arg?.channel === channel && Array.isArray(m.data));

async function subscribe(s: OkxSim, channel: string, instId = 'BTC-USDT'): Promise<TestClient> {
  const client = await session.open(`${s.wsUrl}/ws/v5/public`);
  const ack = (await client.request({ id: '7', op: 'subscribe', args: [{ channel, instId }] })) as Record<string, unknown>;
  expect(ack).toMatchObject({ id: '7', event: 'subscribe', arg: { channel, instId } });
  return client;
}

/** An OKX client book (§2.6 / §2.4): load a snapshot, chain prevSeqId == last seqId, absolute sizes. */
class LocalBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  seqId = -1;
  gaps = 0;

  load(d: { asks: Row[]; bids: Row[]; seqId: number }): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of d.bids) this.bids.set(p, q);
    for (const [p, q] of d.asks) this.asks.set(p, q);
    this.seqId = d.seqId;
  }

  apply(d: BooksData): void {
    if (d.prevSeqId !== this.seqId) {
      this.gaps++;
      return;
    }
    for (const [side, rows] of [[this.bids, d.bids], [this.asks, d.asks]] as const) {
      for (const [p, q] of rows) {
        if (q === '0') side.delete(p);
        else side.set(p, q);
      }
    }
    this.seqId = d.seqId;
  }

  matches(truth: BookView): boolean {
    const same = (m: Map<string, string>, levels: BookView['bids']) => m.size === levels.length && levels.every((l) => m.get(canonical(l.price)) === canonical(l.qty));
    return truth.updateId === this.seqId && same(this.bids, truth.bids) && same(this.asks, truth.asks);
  }
}

const level = (row: Row): BookLevel => ({ price: formatUnits(toUnits(row[0])), qty: formatUnits(toUnits(row[1])), orders: Number(row[3]) });

describe('OKX book rendering', () => {
  it('writes books snapshots and bbo-tbt pushes byte for byte like the samples (checksum fixed to 0)', () => {
    const doc = (JSON.parse(DOC_SNAPSHOT) as Push).data[0]!;
    expect(booksPush('BTC-USDT', 'snapshot', doc.asks.map(level), doc.bids.map(level), 1597026383085, -1, 123456)).toBe(DOC_SNAPSHOT.replace('"checksum":-855196043', '"checksum":0'));
    const bbo = (JSON.parse(CAPTURED_BBO) as Push).data[0]!;
    expect(bboPush('BTC-USDT', level(bbo.asks[0]!), level(bbo.bids[0]!), 1749044565306, 55729075884)).toBe(CAPTURED_BBO);
  });
});

describe('OKX books on the wire', () => {
  it('sends a snapshot, then updates whose prevSeqId chains with jumping seqIds; the rebuilt book is the truth', async () => {
    const s = await start({ seed: 4 });
    const client = await subscribe(s, 'books');
    await client.until(() => pushes(client, 'books').length === 1);
    const [snap] = pushes(client, 'books');
    expect(Object.keys(JSON.parse(client.frames[1]!) as object)).toEqual(['arg', 'action', 'data']);
    expect(snap!.action).toBe('snapshot');
    expect(Object.keys(snap!.data[0]!)).toEqual(['asks', 'bids', 'ts', 'checksum', 'prevSeqId', 'seqId']);
    expect(snap!.data[0]).toMatchObject({ prevSeqId: -1, checksum: 0, seqId: s.market.bookUpdateId('BTC-USDT') });
    const mine = new LocalBook();
    mine.load(snap!.data[0]!);
    expect(mine.matches(s.market.orderBook('BTC-USDT'))).toBe(true);
    for (let i = 0; i < 15; i++) {
      s.market.changeBook('BTC-USDT', 3);
      s.market.generate('BTC-USDT', 2);
    }
    await client.until(() => pushes(client, 'books').length === 31);
    const updates = pushes(client, 'books').slice(1);
    const jumps = new Set<number>();
    for (const u of updates) {
      expect(u.action).toBe('update');
      const d = u.data[0]!;
      expect(typeof d.ts).toBe('string');
      expect(d.checksum).toBe(0);
      jumps.add(d.seqId - d.prevSeqId);
      for (const r of [...d.asks, ...d.bids]) {
        expect(r[2]).toBe('0');
        expect(r[0]).toBe(canonical(r[0]));
        expect(r[1]).toBe(canonical(r[1]));
        if (r[1] === '0') expect(r[3]).toBe('0');
      }
      mine.apply(d);
      expect(mine.matches(s.market.bookAt('BTC-USDT', d.seqId))).toBe(true);
    }
    expect(mine.gaps).toBe(0);
    expect([...jumps].some((j) => j > 1)).toBe(true);
  });

  it('gives every connection the same seqIds for an instrument', async () => {
    const s = await start({ seed: 11 });
    const one = await subscribe(s, 'books');
    s.market.changeBook('BTC-USDT', 2);
    const two = await subscribe(s, 'books');
    for (let i = 0; i < 5; i++) s.market.changeBook('BTC-USDT', 2);
    await one.until(() => pushes(one, 'books').length === 7);
    await two.until(() => pushes(two, 'books').length === 6);
    const ids = (c: TestClient) => pushes(c, 'books').filter((p) => p.action === 'update').map((p) => [p.data[0]!.prevSeqId, p.data[0]!.seqId]);
    expect(ids(two)).toEqual(ids(one).slice(1));
    expect(pushes(two, 'books')[0]!.data[0]!.seqId).toBe(ids(one)[0]![1]);
  });

  it('can leave the snapshot out: the book comes from REST with seqId (the new procedure)', async () => {
    const s = await start({ ws: { booksSnapshot: false }, seed: 6 });
    s.market.changeBook('BTC-USDT', 2);
    const client = await subscribe(s, 'books');
    s.market.changeBook('BTC-USDT', 2);
    await client.until(() => pushes(client, 'books').length === 1);
    const first = pushes(client, 'books')[0]!;
    expect(first.action).toBe('update');
    const recordedPrev = first.data[0]!.prevSeqId;
    const rest = (await (await fetch(`${s.restUrl}/api/v5/market/books?instId=BTC-USDT&sz=400`)).json()) as { code: string; data: { asks: Row[]; bids: Row[]; ts: string; seqId: number }[] };
    expect(rest.code).toBe('0');
    expect(Object.keys(rest.data[0]!)).toEqual(['asks', 'bids', 'ts', 'seqId']);
    const snapshot = rest.data[0]!;
    expect(snapshot.seqId).toBeGreaterThanOrEqual(recordedPrev);
    s.market.changeBook('BTC-USDT', 2);
    await client.until(() => pushes(client, 'books').length === 2);
    const mine = new LocalBook();
    mine.load(snapshot);
    const buffered = pushes(client, 'books').map((p) => p.data[0]!).filter((d) => d.seqId > snapshot.seqId);
    expect(buffered[0]!.prevSeqId <= snapshot.seqId && snapshot.seqId < buffered[0]!.seqId).toBe(true);
    for (const d of buffered) mine.apply(d);
    expect(mine.gaps).toBe(0);
    expect(mine.matches(s.market.orderBook('BTC-USDT'))).toBe(true);
  });

  it('serves REST books in the documented row format, sz default 1 and clamped to 400', async () => {
    const s = await start({ books: { levels: 450 } });
    const get = async (q: string) => (await (await fetch(`${s.restUrl}/api/v5/market/books?${q}`)).json()) as { code: string; data: { asks: Row[]; bids: Row[]; ts: string; seqId: number }[] };
    const one = await get('instId=BTC-USDT');
    const truth = s.market.orderBook('BTC-USDT');
    expect(one.data[0]!.asks).toEqual([[canonical(truth.asks[0]!.price), canonical(truth.asks[0]!.qty), '0', String(truth.asks[0]!.orders)]]);
    expect(one.data[0]!.bids).toHaveLength(1);
    expect(one.data[0]!.seqId).toBe(truth.updateId);
    // The documented answer's shape, with the inferred seqId after ts.
    const doc = JSON.parse(DOC_REST) as { data: Record<string, unknown>[] };
    expect(Object.keys(one.data[0]!)).toEqual([...Object.keys(doc.data[0]!), 'seqId']);
    expect((await get('instId=BTC-USDT&sz=1000')).data[0]!.bids).toHaveLength(400);
    expect((await get('instId=BTC-USDT&sz=abc')).code).toBe('51000');
    expect((await get('instId=DOGE-EUR')).code).toBe('51001');
  });

  it('sends an empty keep-alive update with prevSeqId == seqId when the book is quiet', async () => {
    const s = await start({ ws: { booksKeepAliveMs: 150 } });
    const client = await subscribe(s, 'books');
    await client.until(() => pushes(client, 'books').length >= 2, 2000);
    const keep = pushes(client, 'books')[1]!;
    const id = s.market.bookUpdateId('BTC-USDT');
    expect(keep.action).toBe('update');
    expect(keep.data[0]).toMatchObject({ asks: [], bids: [], prevSeqId: id, seqId: id });
    // A change re-arms it: the next push is the change, chained to the same id.
    s.market.changeBook('BTC-USDT', 1);
    await client.until(() => pushes(client, 'books').some((p) => p.data[0]!.seqId > id));
    expect(pushes(client, 'books').find((p) => p.data[0]!.seqId > id)!.data[0]!.prevSeqId).toBe(id);
  });

  it('pushes bbo-tbt on subscribe and when the top changes, agreeing with trades', async () => {
    const s = await start({ seed: 10 });
    const client = await subscribe(s, 'bbo-tbt');
    await client.until(() => pushes(client, 'bbo-tbt').length === 1);
    const first = pushes(client, 'bbo-tbt')[0]!;
    expect(Object.keys(JSON.parse(client.frames[1]!) as object)).toEqual(['arg', 'data']);
    expect(Object.keys(first.data[0]!)).toEqual(['asks', 'bids', 'ts', 'seqId']);
    const top = s.market.orderBook('BTC-USDT');
    expect(first.data[0]!.asks[0]!.slice(0, 2)).toEqual([canonical(top.asks[0]!.price), canonical(top.asks[0]!.qty)]);
    await client.request({ op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] });
    const [trade] = s.market.generate('BTC-USDT', 1);
    await client.until(() => pushes(client, 'bbo-tbt').length === 2);
    const bbo = pushes(client, 'bbo-tbt')[1]!.data[0]!;
    expect(bbo.seqId).toBe(s.market.bookUpdateId('BTC-USDT'));
    const hit = trade!.buyerIsMaker ? top.bids[0]! : top.asks[0]!;
    const now = trade!.buyerIsMaker ? bbo.bids[0]! : bbo.asks[0]!;
    expect(canonical(trade!.price)).toBe(canonical(hit.price));
    if (now[0] === canonical(hit.price)) expect(toUnits(now[1])).toBe(toUnits(hit.qty) - toUnits(trade!.qty));
    else expect(toUnits(hit.qty)).toBe(toUnits(trade!.qty));
  });

  it('refuses book channels when books are off', async () => {
    const s = session.keep(await startOkxSim());
    const client = await session.open(`${s.wsUrl}/ws/v5/public`);
    expect(await client.request({ op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] })).toMatchObject({ event: 'error', code: '60018' });
    expect((await (await fetch(`${s.restUrl}/api/v5/market/books?instId=BTC-USDT`)).json()) as object).toMatchObject({ code: '51000' });
  });
});

describe('OKX book faults', () => {
  it('drops, duplicates and reorders updates so that prevSeqId no longer chains', async () => {
    const s = await start();
    const client = await subscribe(s, 'books');
    s.faults.skipBookDeltas(1).duplicateBookDeltas(1).reorderBookDeltas(2);
    const made = [1, 2, 3, 4, 5].map(() => s.market.changeBook('BTC-USDT', 1)!);
    await client.until(() => pushes(client, 'books').length >= 6);
    const seq = pushes(client, 'books').slice(1).map((p) => p.data[0]!.seqId);
    expect(seq).toEqual([made[1]!, made[1]!, made[3]!, made[2]!, made[4]!].map((b) => b.lastUpdateId));
    const mine = new LocalBook();
    mine.load(pushes(client, 'books')[0]!.data[0]!);
    mine.apply(pushes(client, 'books')[1]!.data[0]!);
    expect(mine.gaps).toBe(1);
    expect(s.faults.counters).toMatchObject({ bookSkipped: 1, bookDuplicated: 1, bookReordered: 2 });
  });

  it('resets seqId after a restart: one update with seqId < prevSeqId, prevSeqId the last id', async () => {
    const s = await start();
    const client = await subscribe(s, 'books');
    for (let i = 0; i < 10; i++) s.market.changeBook('BTC-USDT', 1);
    const last = s.market.bookUpdateId('BTC-USDT');
    s.faults.restartBooks();
    s.market.changeBook('BTC-USDT', 1);
    s.market.changeBook('BTC-USDT', 1);
    await client.until(() => pushes(client, 'books').length === 13);
    const [reset, next] = pushes(client, 'books').slice(11).map((p) => p.data[0]!);
    expect(reset!.prevSeqId).toBe(last);
    expect(reset!.seqId).toBeLessThan(reset!.prevSeqId);
    expect(next!.prevSeqId).toBe(reset!.seqId);
    expect(next!.seqId).toBeGreaterThan(next!.prevSeqId);
  });

  it('serves stale, slow and rate-limited REST snapshots on request (through the control endpoint)', async () => {
    const s = await start();
    for (let i = 0; i < 4; i++) s.market.changeBook('BTC-USDT', 2);
    const post = (body: unknown) => fetch(`${s.restUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify(body) });
    await post([{ type: 'staleSnapshot', batchesBehind: 3 }, { type: 'snapshotLatency', ms: 120 }, { type: 'snapshot429' }]);
    const trades = await fetch(`${s.restUrl}/api/v5/market/trades?instId=BTC-USDT`);
    expect(trades.status).toBe(200);
    const t0 = Date.now();
    const limited = await fetch(`${s.restUrl}/api/v5/market/books?instId=BTC-USDT`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: '50011', msg: 'Too Many Requests', data: [] });
    const stale = (await (await fetch(`${s.restUrl}/api/v5/market/books?instId=BTC-USDT`)).json()) as { data: { seqId: number }[] };
    expect(stale.data[0]!.seqId).toBe(s.market.bookBehind('BTC-USDT', 3).updateId);
    expect(stale.data[0]!.seqId).toBeLessThan(s.market.bookUpdateId('BTC-USDT'));
    const fresh = (await (await fetch(`${s.restUrl}/api/v5/market/books?instId=BTC-USDT`)).json()) as { data: { seqId: number }[] };
    expect(fresh.data[0]!.seqId).toBe(s.market.bookUpdateId('BTC-USDT'));
  });

  it('is deterministic under a seed: the same pushes for the same seed', async () => {
    const run = async (seed: number) => {
      const s = await startOkxSim({ books: true, seed });
      try {
        const client = await subscribe(s, 'books');
        for (let i = 0; i < 10; i++) {
          s.market.changeBook('BTC-USDT', 2);
          s.market.generate('BTC-USDT', 1);
        }
        await client.until(() => pushes(client, 'books').length === 21);
        return pushes(client, 'books').map((p) => JSON.stringify({ ...p.data[0], ts: '' }));
      } finally {
        await s.close();
      }
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
  });
});
