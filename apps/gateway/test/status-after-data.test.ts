import { afterEach, describe, expect, it } from 'vitest';
import { expectExactRun, expectStatusAfterData, INSTRUMENT, LossRig, SYMBOL } from './rig.js';

// Issue 14, item 5: `recovered` events reach NATS after every trade of the range they describe, in
// the stream and for a plain core subscriber alike.
describe('status after data: built gateway, simulator, real nats-server', () => {
  let rig: LossRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('every recovered event follows the trades it reports, in the stream and on core subjects', async () => {
    rig = await LossRig.start();
    await rig.startGateway();
    const sim = rig.sim;
    sim.market.generate(SYMBOL, 20);
    const gaps = 8;
    for (let k = 1; k <= gaps; k++) {
      sim.faults.skipFrames(k);
      sim.market.generate(SYMBOL, k + 5);
      await rig.waitStored(sim.market.lastId(SYMBOL)!);
    }
    const lastId = sim.market.lastId(SYMBOL)!;

    const stored = await rig.stored();
    expectExactRun(stored.filter((e) => e.type === 'trade'), rig.made, 1, lastId, 'stream');
    expect(expectStatusAfterData(stored)).toBe(gaps);

    const core = rig.core.events.filter((e) => e.type === 'status' || e.instrument === INSTRUMENT);
    expect(expectStatusAfterData(core)).toBe(gaps);
  });
});
