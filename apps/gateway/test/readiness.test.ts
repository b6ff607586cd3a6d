import { waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { readyz, type ReadyzBody } from './metrics-text.js';
import { INSTRUMENT, LossRig, SYMBOL } from './rig.js';

/**
 * Longer than a first failed poll can take (fallback after 200 ms, then 4 tries with backoffs of at most
 * 250 + 500 + 1,000 ms): answering 503 at the first failure, not after this, fails the test.
 */
const UNREADY_AFTER_MS = 3_000;
/** Fallback polling starts soon after the stream is lost, and polls often. */
const RECONCILE = { fallbackAfterMs: 200, pollIntervalMs: 200 };

/** `/readyz` asked every 50 ms until `match` accepts an answer; every answer is kept with the time it came. */
async function watchReadyz(port: number, match: (r: { status: number; body: ReadyzBody }) => boolean, seen: Array<{ at: number; status: number; body: ReadyzBody }>, message: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const r = await readyz(port);
      seen.push({ at: Date.now(), ...r });
      return match(r) ? r : undefined;
    },
    { timeoutMs, intervalMs: 50, message },
  );
}

const restFailing = (r: { body: ReadyzBody }) => r.body.instruments.some((i) => i.reason === 'stream-down-rest-failing');

// /readyz tells the truth about a feed in REST fallback whose polls fail: the gateway publishes nothing,
// so a load balancer must take it out, and put it back once the venue answers again.
describe('/readyz while the venue is gone: built gateway, Binance simulator, real nats-server', () => {
  let rig: LossRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('answers 503 naming the instrument once its stream is down, its REST polls fail and nothing was published for http.unreadyAfterMs; 200 again when the venue is back', async () => {
    rig = await LossRig.start({ sim: { rate: 50 }, http: { unreadyAfterMs: UNREADY_AFTER_MS }, feed: { reconcile: RECONCILE } });
    const gateway = await rig.startGateway();
    const seen: Array<{ at: number; status: number; body: ReadyzBody }> = [];
    const ready = await watchReadyz(gateway.httpPort, (r) => r.status === 200, seen, 'ready while live');
    expect(ready.body).toMatchObject({ status: 'ready', notReady: [], instruments: [], nats: { connected: true } });
    await rig.waitStored(rig.sim.market.lastId(SYMBOL)! + 20); // trades flow until the venue goes

    // The venue goes away, stream and REST alike (trades were published until then).
    const nextId = rig.sim.market.lastId(SYMBOL)! + 1;
    const goneAt = Date.now();
    await rig.sim.close();
    const down = await watchReadyz(gateway.httpPort, (r) => r.status === 503 && restFailing(r), seen, 'unready: stream down and REST failing');
    const firstFailingAt = seen.find(restFailing)!.at;
    // not before unreadyAfterMs (the gateway's clock may differ from this process's by a few ms) ...
    expect(firstFailingAt - goneAt).toBeGreaterThanOrEqual(UNREADY_AFTER_MS - 50);
    // ... and ready meanwhile: in fallback, polls failing, but trades published recently
    expect(seen.some((s) => s.at > goneAt && s.at < firstFailingAt && s.status === 200 && s.body.feeds[0]!.state === 'fallback')).toBe(true);
    expect(gateway.logs.some((l) => l['msg'] === 'stream down; polling REST (fallback)')).toBe(true);
    expect(gateway.logs.some((l) => l['msg'] === 'fallback poll failed')).toBe(true);
    expect(down.body).toMatchObject({ status: 'not ready', notReady: ['feed:binance'], nats: { connected: true } });
    expect(down.body.instruments).toEqual([
      {
        venue: 'binance',
        feed: 'binance',
        instrument: INSTRUMENT,
        reason: 'stream-down-rest-failing',
        message: expect.stringMatching(/^stream down, REST polls failing and nothing published for \d+ ms$/),
        error: expect.any(String),
        silentMs: expect.any(Number),
      },
    ]);
    expect(down.body.instruments[0]!.silentMs).toBeGreaterThanOrEqual(UNREADY_AFTER_MS);
    expect(down.body.feeds[0]).toMatchObject({ name: 'binance', ready: false, state: 'fallback', fallback: true, unready: [{ instrument: INSTRUMENT, reason: 'stream-down-rest-failing' }] });
    // liveness is another matter: the process runs
    expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/healthz`)).status).toBe(200);

    // The venue comes back on the same port, its ids carrying on.
    await rig.restartSim({ tradeIdStart: nextId, rate: 50 });
    // a REST poll may succeed (ready, in fallback) before the stream is back: wait for the stream
    const back = await watchReadyz(gateway.httpPort, (r) => r.status === 200 && r.body.feeds[0]?.state === 'live', seen, 'ready and live again when the venue is back');
    expect(back.body).toMatchObject({ status: 'ready', notReady: [], instruments: [] });
    expect(back.body.feeds[0]).toMatchObject({ state: 'live', ready: true });
    expect(back.body.feeds[0]).not.toHaveProperty('unready');
  }, 90_000);

  it('ready again as soon as a REST poll succeeds, while the stream stays down', async () => {
    rig = await LossRig.start({ sim: { rate: 50 }, wsProxy: true, http: { unreadyAfterMs: 1_500 }, feed: { reconcile: RECONCILE } });
    const gateway = await rig.startGateway();
    const seen: Array<{ at: number; status: number; body: ReadyzBody }> = [];
    await watchReadyz(gateway.httpPort, (r) => r.status === 200, seen, 'ready while live');

    // REST answers 503 and the stream is cut: fallback polls fail.
    rig.sim.faults.restErrors({ durationMs: 120_000 });
    rig.proxy!.down();
    const down = await watchReadyz(gateway.httpPort, (r) => r.status === 503 && restFailing(r), seen, 'unready: stream down and REST answering 503');
    expect(down.body.instruments).toMatchObject([{ venue: 'binance', feed: 'binance', instrument: INSTRUMENT, reason: 'stream-down-rest-failing', error: expect.stringContaining('503') }]);

    // REST works again; the stream stays down: the polls cover it.
    const lastBefore = rig.sim.market.lastId(SYMBOL)!;
    rig.sim.faults.reset();
    const covered = await watchReadyz(gateway.httpPort, (r) => r.status === 200, seen, 'ready once a poll succeeds');
    expect(covered.body).toMatchObject({ status: 'ready', notReady: [], instruments: [] });
    expect(covered.body.feeds[0]).toMatchObject({ state: 'fallback', ready: true });
    expect(rig.proxy!.isUp).toBe(false);
    await rig.waitStored(lastBefore + 1); // trades made while the stream was cut arrive, from REST

    rig.proxy!.up();
    await watchReadyz(gateway.httpPort, (r) => r.status === 200 && r.body.feeds[0]!.state === 'live', seen, 'live again');
  }, 90_000);
});
