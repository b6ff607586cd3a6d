import { binance } from '@tickgate/adapter-binance';
import { ConfigError, RestClient, silentLogger } from '@tickgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedConfig } from '../config/index.js';
import { GatewayMetrics } from '../metrics.js';
import { FeedTask } from './feed-task.js';

const clients: RestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function task(feed: FeedConfig, configPath: string): FeedTask {
  // Nothing listens on port 9: instrument metadata is unavailable and the task derives the symbols.
  const rest = new RestClient({ baseUrl: 'http://127.0.0.1:9', limits: binance.rest.limits, venue: 'binance', maxAttempts: 1, timeoutMs: 2_000 });
  clients.push(rest);
  return new FeedTask({
    name: 'binance',
    feed,
    configPath,
    adapter: binance,
    rest,
    sink: { publishTrade: () => Promise.resolve(), publishStatus: () => Promise.resolve() },
    logger: silentLogger,
    metrics: new GatewayMetrics({ processMetrics: false }),
  });
}

describe('FeedTask', () => {
  it("names a bad key of its feed by the feed's place in the config", async () => {
    // The schema refuses such a URL; a task given one anyway reports it on the config's path.
    const feed: FeedConfig = { ...FeedConfig.parse({ venue: 'binance', instruments: ['BTC-USDT'] }), wsUrl: 'http://127.0.0.1:9' };
    const error = await task(feed, 'feeds.3').start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('feeds.3.wsUrl');
    expect((error as ConfigError).message).toMatch(/^feeds\.3\.wsUrl: not a WebSocket URL: http:\/\/127\.0\.0\.1:9/);
    expect((error as ConfigError).problem).toMatch(/^not a WebSocket URL: /);
  });
});
