import { afterEach, describe, expect, it } from 'vitest';
import { expectExactRun, expectStatusAfterData, INSTRUMENT, LossRig, SYMBOL } from './rig.js';

// Issue 14, item 7: while NATS is stalled, a feed holds at most `nats.maxPending` items; the trades
// released past the bound are shed and come back from the venue's REST, in order, once NATS is back.
describe('bounded memory under a NATS stall: built gateway, simulator, real nats-server', () => {
  let rig: LossRig | undefined;
  afterEach(async () => {
    rig?.nats.thaw();
    await rig?.close();
    rig = undefined;
  });

  it('holds no more than maxPending while NATS is frozen, then recovers every shed trade from REST', async () => {
    const maxPending = 400;
    rig = await LossRig.start({ nats: { maxPending, maxBuffered: 200, window: 100 } });
    const gateway = await rig.startGateway();
    const sim = rig.sim;
    sim.market.generate(SYMBOL, 50);
    await rig.waitStored(50);

    await rig.nats.freeze();
    // 3,000 trades over 3 s: NATS counts as stalled once it has taken nothing for 1 s
    for (let i = 0; i < 30; i++) {
      sim.market.generate(SYMBOL, 100);
      await new Promise((r) => setTimeout(r, 100));
    }
    const shedding = await gateway.waitForLog((l) => String(l['msg']).startsWith('NATS is not taking trades fast enough'));
    rig.nats.thaw();
    sim.market.generate(SYMBOL, 20);
    const lastId = sim.market.lastId(SYMBOL)!;
    await rig.waitStored(lastId, 60_000);

    // the bound held: shedding began once maxPending items waited and NATS had taken nothing for 1 s
    expect(shedding).toMatchObject({ maxPending });
    expect(Number(shedding['pending'])).toBeGreaterThanOrEqual(maxPending);
    expect(Number(shedding['pending'])).toBeLessThan(maxPending + 1_500);
    const recovered = await gateway.waitForLog((l) => l['msg'] === 'NATS has room again; recovering the trades shed');
    expect(Number(recovered['count'])).toBeGreaterThan(1_000);

    const stored = await rig.stored();
    const { rest } = expectExactRun(stored.filter((e) => e.type === 'trade'), rig.made, 1, lastId, 'stream');
    expect(rest).toBeGreaterThanOrEqual(Number(recovered['count']));
    expect(expectStatusAfterData(stored)).toBeGreaterThanOrEqual(1);
    const core = rig.core.events.filter((e) => e.type === 'status' || e.instrument === INSTRUMENT);
    expectExactRun(core.filter((e) => e.type === 'trade'), rig.made, 1, lastId, 'core subscriber');
  }, 90_000);
});
