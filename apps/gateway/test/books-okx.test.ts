import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { TickgateClient, type BookState } from '@tickgate/client';
import { startOkxSim, type OkxSim } from '@tickgate/exchange-sim/okx';
import { NatsServer, waitFor } from '@tickgate/testing';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, type BookLevel } from '@tickgate/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from './harness.js';

const DEPTH = 10;
const INST = 'BTC-USDT';

/**
 * OKX books through the gateway process and the client, with and without OKX's initial WebSocket
 * snapshot (the venue's two announced behaviours), across a venue reset of `seqId`s and dropped pushes:
 * the client's book equals the simulator's true book at the same `seqId`.
 */
describe.each([
  ['with the initial WebSocket snapshot', true],
  ['without it (REST snapshot with seqId)', false],
])('OKX books end to end, %s', (_name, wsSnapshot) => {
  let nats: NatsServer | undefined;
  let sim: OkxSim | undefined;
  let gateway: GatewayProcess | undefined;
  let nc: NatsConnection | undefined;
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    await nc?.close();
    await sim?.close();
    await nats?.stop();
  });

  it('the client rebuilds the true book across a venue reset and dropped pushes', async () => {
    nats = await NatsServer.start();
    sim = await startOkxSim({ seed: 41, books: true, rate: 0, rest: { requestsPerWindow: 1000 }, ws: { booksSnapshot: wsSnapshot } });
    const s = sim;
    gateway = await spawnGateway({
      nats: { servers: [nats.url] },
      feeds: [{ venue: 'okx', instruments: [INST], channels: ['trades', 'book', 'bbo'], book: { depth: DEPTH }, wsUrl: `${s.wsUrl}/ws/v5/public`, restUrl: s.restUrl, reconcile: { priceCheckIntervalMs: 0 } }],
    });
    await gateway.waitForLog((l) => l['msg'] === 'feed live');
    nc = await connect({ servers: nats.url });
    const churn = async (n: number) => {
      for (let i = 0; i < n; i++) {
        s.market.changeBook(INST, 4);
        if (i % 5 === 0) s.market.generate(INST, 2);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await churn(5);
    const jsm = await jetstreamManager(nc);
    await waitFor(() => jsm.streams.info('MD_BOOK').then((i) => i.state.messages > 0, () => false), { timeoutMs: 15_000, message: 'a book in MD_BOOK' });
    const client = TickgateClient.wrap(nc);
    const sub = client.books({ venue: 'okx', instrument: INST, depth: DEPTH });
    let state: BookState | undefined;
    const following = (async () => {
      for await (const st of sub) state = st;
    })();
    const exact = async () => {
      const last = String(s.market.orderBook(INST).updateId);
      await waitFor(() => state?.updateId === last, { timeoutMs: 15_000, message: `the client's book to reach seqId ${last}` });
      const view = s.market.bookAt(INST, Number(last));
      const canon = (levels: readonly { price: string; qty: string }[]): BookLevel[] => levels.slice(0, DEPTH).map((l) => [canonicalDecimalOrUndefined(l.price)!, canonicalSizeOrUndefined(l.qty)!] as BookLevel);
      expect(state!.bids.map((l) => [l.price, l.size])).toEqual(canon(view.bids));
      expect(state!.asks.map((l) => [l.price, l.size])).toEqual(canon(view.asks));
    };
    await churn(20);
    await exact();
    s.faults.restartBooks();
    await churn(20);
    await exact();
    s.faults.skipBookDeltas(2);
    await churn(20);
    await exact();
    await sub.close();
    await following;
  });
});
