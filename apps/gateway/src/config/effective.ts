import { ClientError, maskUrl, natsConnectSettings } from '@tickgate/client';
import { ConfigError, defaultStaleAfterMs, RUNNER_DEFAULTS, type VenueAdapter } from '@tickgate/core';
import { natsAuthOf } from './nats-auth.js';
import { configPath } from './path.js';
import type { GatewayConfig } from './schema.js';

/** What a printed config shows instead of a secret. */
export const MASK = '***';

/**
 * The configuration the gateway runs with: `config` checked against the venues it knows (names, and
 * the NATS login and TLS files it can read), every default filled in — feed names, URLs, REST budgets
 * and connection timings from the venue's rules. Running with the result behaves exactly as running
 * with `config`. One path for `--check-config`, `tickgate check-config` and the gateway's start.
 * Throws `ConfigError` naming the key.
 */
export function effectiveConfig(config: GatewayConfig, venues: Readonly<Record<string, VenueAdapter>>): GatewayConfig {
  const known = Object.keys(venues).sort();
  const perVenue = new Map<string, number>();
  for (const [i, feed] of config.feeds.entries()) {
    if (!venues[feed.venue]) throw new ConfigError(`unknown venue "${feed.venue}" (known: ${known.join(', ')})`, { path: configPath('feeds', i, 'venue') });
    perVenue.set(feed.venue, (perVenue.get(feed.venue) ?? 0) + 1);
  }
  try {
    natsConnectSettings(config.nats.servers, natsAuthOf(config.nats));
  } catch (error) {
    if (error instanceof ClientError) throw new ConfigError(error.message, { path: 'nats', cause: error });
    throw error;
  }

  const seen = new Map<string, number>();
  const names = new Map<string, number>();
  const feeds = config.feeds.map((feed, i) => {
    const adapter = venues[feed.venue]!;
    const n = (seen.get(feed.venue) ?? 0) + 1;
    seen.set(feed.venue, n);
    const name = feed.name ?? (perVenue.get(feed.venue)! > 1 ? `${feed.venue}-${n}` : feed.venue);
    const clash = names.get(name);
    if (clash !== undefined) throw new ConfigError(`feed name "${name}" is already the name of feeds.${clash}`, { path: configPath('feeds', i, 'name') });
    names.set(name, i);
    const wantsBooks = feed.channels.some((c) => c !== 'trades');
    if (wantsBooks && adapter.books === undefined) {
      throw new ConfigError(`${feed.venue} has no book or bbo channels yet (it carries trades only)`, { path: configPath('feeds', i, 'channels') });
    }
    if (feed.channels.includes('bbo') && adapter.books?.bbo === false) {
      throw new ConfigError(`${feed.venue} has no top-of-book channel`, { path: configPath('feeds', i, 'channels') });
    }
    const maxDepth = adapter.books?.maxDepth ?? 1000;
    if (feed.book.depth > maxDepth) throw new ConfigError(`${feed.venue} serves at most ${maxDepth} levels per side`, { path: configPath('feeds', i, 'book', 'depth') });
    const snapshotDepth = feed.book.snapshotDepth ?? Math.max(feed.book.depth, Math.min(maxDepth, 1000));
    if (snapshotDepth > maxDepth || snapshotDepth < feed.book.depth) {
      throw new ConfigError(`must be from book.depth (${feed.book.depth}) to the venue's ${maxDepth}`, { path: configPath('feeds', i, 'book', 'snapshotDepth') });
    }
    const rules = adapter.stream;
    const lifetimeMs = feed.connection.lifetimeMs ?? rules.connectionLifetimeMs;
    return {
      ...feed,
      name,
      wsUrl: feed.wsUrl ?? adapter.defaults.wsUrl,
      restUrl: feed.restUrl ?? adapter.defaults.restUrl,
      rest: { ...feed.rest, weightLimit: feed.rest.weightLimit ?? adapter.rest.limits.weightPerMinute, windowMs: feed.rest.windowMs ?? 60_000 },
      book: { ...feed.book, snapshotDepth },
      connection: {
        ...(lifetimeMs !== undefined ? { lifetimeMs } : {}),
        staleAfterMs: feed.connection.staleAfterMs ?? defaultStaleAfterMs(rules.heartbeat),
        backoffBaseMs: feed.connection.backoffBaseMs ?? RUNNER_DEFAULTS.backoffBaseMs,
        backoffCapMs: feed.connection.backoffCapMs ?? RUNNER_DEFAULTS.backoffCapMs,
        healthyAfterMs: feed.connection.healthyAfterMs ?? RUNNER_DEFAULTS.healthyAfterMs,
      },
    };
  });
  return { ...config, feeds };
}

/** `config` with its secrets masked (`nats.pass`, `nats.token`, passwords and tokens in server URLs), for printing and logs. */
export function maskedConfig(config: GatewayConfig): GatewayConfig {
  const nats = { ...config.nats, servers: config.nats.servers.map(maskUrl) };
  if (nats.pass !== undefined) nats.pass = MASK;
  if (nats.token !== undefined) nats.token = MASK;
  return { ...config, nats };
}
