import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestClient, type RestSample } from '@tickgate/core';
import { freePort } from '@tickgate/testing';
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram, FEED_STATES, GAP_REASONS, GatewayMetrics, RECONNECT_REASONS, REJECTION_REASONS, STATUS_STATES } from './metrics.js';

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

/** HELP text and label sets of one metric of the registry. */
async function describeMetric(metrics: GatewayMetrics, name: string): Promise<{ help: string; labels: Array<Record<string, string | number>> }> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  if (metric === undefined) throw new Error(`the registry has no metric ${name}`);
  return { help: metric.help, labels: metric.values.map((v) => v.labels as Record<string, string | number>) };
}

/** Start a local HTTP server; `handle` answers (or not). */
async function listen(handle: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('GatewayMetrics', () => {
  it('feed_state: HELP names every state the gauge exports', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    for (const state of FEED_STATES) metrics.setFeedState('binance', `feed-${state}`, state);
    const { help, labels } = await describeMetric(metrics, 'tickgate_feed_state');
    const exported = new Set(labels.map((l) => String(l['state'])));
    expect([...exported].sort()).toEqual([...FEED_STATES].sort());
    const named = /\(([^)]*)\)\.?$/.exec(help)?.[1]?.split(', ') ?? [];
    for (const state of exported) expect(named, `HELP of tickgate_feed_state: ${help}`).toContain(state);
    expect(named).toHaveLength(exported.size);
  });

  it('feed_state: one state at 1 per feed, the others at 0', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.setFeedState('binance', 'binance', 'live');
    metrics.setFeedState('binance', 'binance', 'fallback');
    const values = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'tickgate_feed_state')!.values;
    expect(values.filter((v) => v.value === 1).map((v) => v.labels['state'])).toEqual(['fallback']);
    expect(values).toHaveLength(FEED_STATES.length);
  });

  it.each([
    ['tickgate_rejections_total', 'reason', REJECTION_REASONS],
    ['tickgate_gaps_total', 'reason', GAP_REASONS],
    ['tickgate_reconnects_total', 'reason', RECONNECT_REASONS],
    ['tickgate_status_events_total', 'state', STATUS_STATES],
  ] as const)('%s: HELP names every value of %s', async (name, _label, values) => {
    const { help } = await describeMetric(new GatewayMetrics({ processMetrics: false }), name);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(help).toContain(value);
  });

  it('rest_requests: HELP names every status a REST attempt without a response is counted under', async () => {
    const silent = await listen(() => undefined); // never answers
    const teapot = await listen((_req, res) => res.writeHead(418, { 'retry-after': '1' }).end('banned'));
    const closed = `http://127.0.0.1:${await freePort()}`;
    const samples: RestSample[] = [];
    const limits = { weightPerMinute: 1000, maxTradesPerPage: 100 };
    const request = { path: '/x?y=1', weight: 1, parse: (body: string) => body };
    const clients = [silent.url, teapot.url, closed].map((baseUrl) => new RestClient({ baseUrl, limits, timeoutMs: 200, maxAttempts: 1, observe: (s) => samples.push(s) }));
    try {
      const [toSilent, toTeapot, toClosed] = clients as [RestClient, RestClient, RestClient];
      await expect(toSilent.send(request)).rejects.toThrow();
      await expect(toTeapot.send(request)).rejects.toThrow();
      await expect(toClosed.send(request)).rejects.toThrow();
      const aborting = new AbortController();
      const aborted = toSilent.send(request, { signal: aborting.signal });
      setTimeout(() => aborting.abort(new Error('stop')), 50);
      await expect(aborted).rejects.toThrow();
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      silent.server.closeAllConnections();
      await Promise.all([silent, teapot].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
    const outcomes = samples.map((s) => s.outcome);
    expect(new Set(outcomes)).toEqual(new Set(['timeout', '418', 'network', 'aborted']));
    const { help } = await describeMetric(new GatewayMetrics({ processMetrics: false }), 'tickgate_rest_requests_total');
    expect(help).toContain('HTTP status code');
    for (const outcome of outcomes.filter((o) => !/^\d+$/.test(o))) expect(help).toContain(outcome);
  });

  it('holds prom-client’s process and Node.js metrics under their standard names, or none', async () => {
    const names = (await new GatewayMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('process_cpu_seconds_total');
    expect(names).toContain('process_resident_memory_bytes');
    expect(names).toContain('nodejs_heap_size_used_bytes');
    expect(names).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(names.filter((n) => !n.startsWith('tickgate_') && !n.startsWith('process_') && !n.startsWith('nodejs_'))).toEqual([]);
    const without = (await new GatewayMetrics({ processMetrics: false }).registry.getMetricsAsJSON()).map((m) => m.name);
    expect(without.length).toBeGreaterThan(0);
    expect(without.filter((n) => !n.startsWith('tickgate_'))).toEqual([]);
  });
});
