import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram, GatewayMetrics } from './metrics.js';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The same observations through prom-client's own Histogram and through BucketHistogram. */
async function both(observations: Array<[string, number]>): Promise<{ ours: string; theirs: string }> {
  const oursRegistry = new Registry();
  const theirsRegistry = new Registry();
  const ours = new BucketHistogram('x_seconds', 'help text', 'venue', BOUNDS, oursRegistry);
  const theirs = new Histogram({ name: 'x_seconds', help: 'help text', labelNames: ['venue'], buckets: BOUNDS, registers: [theirsRegistry] });
  for (const [venue, value] of observations) {
    ours.labels(venue).observe(value);
    theirs.labels(venue).observe(value);
  }
  return { ours: await oursRegistry.metrics(), theirs: await theirsRegistry.metrics() };
}

describe('BucketHistogram', () => {
  it('exposes exactly what prom-client’s Histogram exposes for the same observations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('binance', 'okx', 'kraken'), fc.oneof(fc.constantFrom(...BOUNDS, 0, 11, 1e-9), fc.double({ min: 0, max: 20, noNaN: true }))), { maxLength: 200 }),
        async (observations) => {
          const { ours, theirs } = await both(observations);
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts a value equal to a bound in that bound’s bucket, and counts values above every bound only in +Inf', async () => {
    const { ours } = await both([
      ['binance', 0.001],
      ['binance', 99],
    ]);
    expect(ours).toContain('x_seconds_bucket{le="0.0005",venue="binance"} 0');
    expect(ours).toContain('x_seconds_bucket{le="0.001",venue="binance"} 1');
    expect(ours).toContain('x_seconds_bucket{le="10",venue="binance"} 1');
    expect(ours).toContain('x_seconds_bucket{le="+Inf",venue="binance"} 2');
    expect(ours).toContain('x_seconds_sum{venue="binance"} 99.001');
    expect(ours).toContain('x_seconds_count{venue="binance"} 2');
  });

  it('ignores values it cannot place, resets with the registry, and refuses bad bounds', async () => {
    const registry = new Registry();
    const h = new BucketHistogram('y_seconds', 'help', 'venue', [1, 2], registry);
    h.labels('a').observe(Number.NaN);
    h.labels('a').observe(1.5);
    expect(h.labels('a').count).toBe(1);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('y_seconds_count{venue="a"} 0');
    expect(() => new BucketHistogram('z', 'h', 'venue', [2, 1], new Registry())).toThrow(RangeError);
    expect(() => new BucketHistogram('z', 'h', 'venue', [], new Registry())).toThrow(RangeError);
  });

  it('is the gateway’s latency metric', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.latency.labels('binance').observe(0.002);
    const text = await metrics.text();
    expect(text).toContain('# TYPE tickgate_exchange_to_publish_seconds histogram');
    expect(text).toContain('tickgate_exchange_to_publish_seconds_bucket{le="0.0025",venue="binance"} 1');
  });
});
