import type { Status, Trade } from '@tickgate/schema';
import { waitFor } from '@tickgate/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { expectExactRun, INSTRUMENT, LossRig, SYMBOL } from './rig.js';

// Issue 14, item 8: a venue whose trade ids start over is an anomaly to report and follow, not a
// stream of duplicates to drop in silence.
describe('trade ids that go backwards: built gateway, simulator restarted with fresh ids, real nats-server', () => {
  let rig: LossRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('publishes one reset status with both ids and follows the new sequence, in the stream and on core subjects', async () => {
    rig = await LossRig.start();
    const gateway = await rig.startGateway();
    rig.sim.market.generate(SYMBOL, 300);
    await rig.waitStored(300);

    const before = rig.made.length;
    await rig.restartSim(); // the venue starts its ids over at 1
    // trades made before the gateway is subscribed again are not the subject here: wait for it
    await waitFor(() => rig!.sim.connections.list().some((c) => c.streams.length > 0), { timeoutMs: 20_000, message: 'the gateway to subscribe to the restarted venue' });
    for (let i = 0; i < 20; i++) {
      rig.sim.market.generate(SYMBOL, 10);
      await new Promise((r) => setTimeout(r, 10));
    }
    const reset = await gateway.waitForLog((l) => l['msg'] === "trade ids went backwards; following the venue's new sequence");
    expect(reset).toMatchObject({ instrument: INSTRUMENT, lastId: '300', fromId: '1' });
    rig.sim.market.generate(SYMBOL, 20);
    const newLast = rig.sim.market.lastId(SYMBOL)!;
    const fresh = rig.made.slice(before);

    // the stream: the old run, the reset, then the new run from 1, each trade once
    let stored: Array<Trade | Status> = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      stored = await rig.stored();
      if (stored.filter((e) => e.type === 'trade').length >= 300 + newLast) break;
    }
    const resets = stored.filter((e): e is Status => e.type === 'status' && e.state === 'reset');
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ instrument: INSTRUMENT, lastId: '300', fromId: '1', reason: 'ids-went-backwards' });
    expect(Number(resets[0]!.venueLastId)).toBeLessThan(300);
    const at = stored.indexOf(resets[0]!);
    const oldRun = stored.slice(0, at).filter((e): e is Trade => e.type === 'trade');
    const newRun = stored.slice(at + 1).filter((e): e is Trade => e.type === 'trade');
    expect(oldRun.map((t) => Number(t.id))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expectExactRun(newRun, fresh, 1, newLast, 'stream after the reset');

    // a plain core subscriber sees the same
    const core = rig.core.events.filter((e) => e.type === 'status' || e.instrument === INSTRUMENT);
    const coreAt = core.findIndex((e) => e.type === 'status' && e.state === 'reset');
    expect(coreAt).toBeGreaterThan(0);
    expectExactRun(core.slice(coreAt + 1).filter((e): e is Trade => e.type === 'trade'), fresh, 1, newLast, 'core after the reset');
  }, 90_000);
});
