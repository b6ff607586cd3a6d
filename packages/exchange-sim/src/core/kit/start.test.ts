import { createServer } from 'node:net';
import { waitFor } from '@tickgate/testing';
import { describe, expect, it } from 'vitest';
import { simSession } from '../../../test/sim-session.js';
import { TestClient } from '../../../test/ws-client.js';
import type { DeliveryMode } from '../frame-sequencer.js';
import { VenueConnection, type VenueConnectionContext } from './connection.js';
import { deliverToEach, type TradeFanOut, type TradeGroup } from './fan-out.js';
import { requestCountLimit, type VenueRestOptions, type VenueRestRoutes } from './rest.js';
import { startVenueSim, type VenueRules, type VenueSim, type VenueSimDefinition, type VenueSimOptions, type VenueWsOptions } from './start.js';
import { resolveVenueSymbol } from './symbols.js';

// A toy venue on the kit: connect to `/feed`, every trade is a frame `{"t":<id>}`, text is echoed.
interface ToyWs extends VenueWsOptions {
  readonly greeting: string;
}

class ToyConnection extends VenueConnection {
  constructor(
    ctx: VenueConnectionContext,
    readonly greeting: string,
  ) {
    super(ctx);
    this.send(greeting);
  }

  subscriptions(): string[] {
    return ['trades'];
  }

  deliver(group: TradeGroup, mode: DeliveryMode): void {
    for (const trade of group.trades) this.sendWithMode(`{"t":${trade.id}}`, mode, (frame) => frame.slice(0, 3));
  }

  protected onText(text: string): void {
    this.send(`echo ${text}`);
  }
}

const json = (status: number, body: unknown, headers?: Record<string, string>) => ({ status, body: JSON.stringify(body), ...(headers ? { headers } : {}) });

/** The toy's REST: `/open` (screened: before faults and limits), `/trades`, `/crash`; every later answer has `X-Toy`. */
function toyRest(rest: VenueRestOptions, calls: string[]): VenueRestRoutes {
  return {
    screen: (req) => (req.url.pathname === '/open' ? json(200, { open: true }) : undefined),
    handle: (req, market) => {
      if (req.url.pathname === '/crash') throw new Error('boom');
      if (req.url.pathname !== '/trades') return undefined;
      return json(200, market.latest('TOY', 10).map((t) => t.id), { 'X-Own': 'yes' });
    },
    limiter: requestCountLimit(rest),
    tooManyRequests: (status, retryAfterSec, source, untilMs) => {
      calls.push(`${source} ${status} ${retryAfterSec} ${untilMs}`);
      return json(status, { limited: source }, { 'Retry-After': String(retryAfterSec) });
    },
    errorAnswer: (status) => json(status, { error: status }),
    headers: () => ({ 'X-Toy': 'on', 'X-Own': 'no' }),
  };
}

interface ToyOptions {
  readonly fanOut?: (connections: ReadonlyMap<number, ToyConnection>) => TradeFanOut;
  readonly built?: VenueRules<ToyWs, VenueRestOptions>[];
  readonly calls?: string[];
}

function toyDefinition(toy: ToyOptions = {}): VenueSimDefinition<ToyWs, VenueRestOptions, ToyConnection, 'toy'> {
  return {
    venue: 'toy',
    defaultSymbols: ['TOY'],
    resolveSymbol: (input) => resolveVenueSymbol(input, {}, () => ({ base: 'TO', quote: 'Y' }), 'open'),
    wsDefaults: { reorderFlushMs: 100, greeting: 'hello' },
    restDefaults: { requestsPerWindow: 3, windowMs: 60_000 },
    build: (rules) => {
      toy.built?.push(rules);
      return {
        checkUpgrade: (_req, url) => (url.pathname.startsWith('/feed') ? undefined : { status: 404 }),
        // `/feed/refuse` is accepted by the upgrade check, then refused by the venue.
        createConnection: (ctx) => (ctx.url === '/feed/refuse' ? undefined : new ToyConnection(ctx, rules.ws.greeting)),
        fanOut: toy.fanOut ?? deliverToEach,
        rest: toyRest(rules.rest, toy.calls ?? []),
      };
    },
  };
}

const session = simSession<VenueSim<ToyConnection, 'toy'>>();

async function start(options: VenueSimOptions<ToyWs, VenueRestOptions> = {}, toy: ToyOptions = {}): Promise<VenueSim<ToyConnection, 'toy'>> {
  return session.keep(await startVenueSim(options, toyDefinition(toy)));
}

async function open(s: VenueSim<ToyConnection, 'toy'>, path = '/feed'): Promise<TestClient> {
  return session.open(`${s.wsUrl}${path}`);
}

/** Server-side state changes send the client nothing to wake on: poll. */
const POLL = { timeoutMs: 2000, intervalMs: 5 };

describe('startVenueSim', () => {
  it('builds the venue parts once, from its defaults merged with the options, the seed and the market', async () => {
    const built: VenueRules<ToyWs, VenueRestOptions>[] = [];
    const s = await start({ seed: 'abc', ws: { greeting: 'hi' }, rest: { windowMs: 1_000 }, symbols: ['TOY', 'TOE'] }, { built });
    expect(built).toHaveLength(1);
    expect(built[0]).toMatchObject({ ws: { reorderFlushMs: 100, greeting: 'hi' }, rest: { requestsPerWindow: 3, windowMs: 1_000 }, seed: 'abc' });
    expect(built[0]!.market).toBe(s.market);
    expect(s.market.symbols().map((x) => x.symbol)).toEqual(['TOY', 'TOE']);
    const client = await open(s);
    await client.until(() => client.frames.length >= 1);
    expect(client.frames[0]).toBe('hi');
    expect(s.state()).toMatchObject({ venue: 'toy', wsUrl: s.wsUrl, market: { running: false, rate: 0 } });
  });

  it('hands the started sim its live connection objects, the same ones `connections` describes', async () => {
    const s = await start();
    const client = await open(s);
    await waitFor(() => s.live.size === 1, POLL);
    const [id, connection] = [...s.live][0]!;
    expect(connection).toBeInstanceOf(ToyConnection);
    expect(connection.greeting).toBe('hello');
    expect(s.connections.get(id)).toEqual(connection.info());
    expect(s.state().connections).toEqual([connection.info()]);
    client.close();
    await client.closed;
    await waitFor(() => s.live.size === 0, POLL);
    expect(s.connections.count).toBe(0);
  });

  it('terminates a socket the venue refuses after the upgrade, without spending a connection id', async () => {
    const s = await start();
    const refused = await open(s, '/feed/refuse');
    expect((await refused.closed).code).toBe(1006);
    expect(s.live.size).toBe(0);
    await open(s);
    expect([...s.live.keys()]).toEqual([1]);
    expect((await TestClient.refusal(`${s.wsUrl}/elsewhere`)).status).toBe(404);
  });

  it('delivers each batch between batchStart and batchEnd; held frames come later, outside the batch', async () => {
    const calls: string[] = [];
    const fanOut: TradeFanOut = {
      batchStart: (symbol) => calls.push(`start ${symbol}`),
      deliver: (group, mode) => calls.push(`${group.trades.map((t) => t.id).join('+')}${mode.kind === 'normal' && mode.copies ? ` x${mode.copies}` : ''}`),
      batchEnd: (symbol) => calls.push(`end ${symbol}`),
    };
    const s = await start({ ws: { reorderFlushMs: 20 } }, { fanOut: () => fanOut });
    s.market.generate('TOY', 2);
    s.faults.duplicateFrames(1);
    s.faults.reorderFrames(2);
    s.market.generate('TOY', 3);
    expect(calls).toEqual(['start TOY', '1', '2', 'end TOY', 'start TOY', '3 x2', 'end TOY']);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.slice(7)).toEqual(['5', '4']); // released by the flush timer, newest first
  });

  it('groups trades into frames with groupTrades, and the default fan-out sends every frame to every connection', async () => {
    const def = toyDefinition();
    const s = session.keep(await startVenueSim({ sweeps: { probability: 1, maxTrades: 3 } }, {
      ...def,
      defaultSweeps: { probability: 0, maxTrades: 1 },
      build: (rules) => ({ ...def.build(rules), groupTrades: (symbol, trades) => [{ symbol, trades }] }),
    }));
    const [a, b] = [await open(s), await open(s)];
    const made = s.market.generate('TOY', 4);
    // sweeps from the options (the definition's default would make none)
    expect(made.every((t) => t.takerOrder !== undefined)).toBe(true);
    expect(new Set(made.map((t) => t.takerOrder)).size).toBeLessThan(4);
    for (const client of [a, b]) {
      await client.until(() => client.frames.length >= 5);
      expect(client.frames.slice(1)).toEqual(made.map((t) => `{"t":${t.id}}`));
    }
    expect(s.faults.counters.skipped).toBe(0);
  });

  it('serves REST: the screen first, then faults, the limit and the routes, with the venue headers after the screen', async () => {
    const calls: string[] = [];
    const s = await start({}, { calls });
    const get = async (path: string) => {
      const res = await fetch(`${s.restUrl}${path}`);
      return { status: res.status, body: (await res.json()) as unknown, toy: res.headers.get('x-toy'), own: res.headers.get('x-own'), retry: res.headers.get('retry-after') };
    };
    s.market.generate('TOY', 2);
    s.faults.restErrors({ requests: 1 });
    // screened: no fault taken, nothing counted, no venue headers
    expect(await get('/open')).toEqual({ status: 200, body: { open: true }, toy: null, own: null, retry: null });
    expect(s.rest.used()).toBe(0);
    expect(await get('/trades')).toMatchObject({ status: 503, body: { error: 503 }, toy: 'on', own: 'no' });
    expect(await get('/trades')).toEqual({ status: 200, body: [1, 2], toy: 'on', own: 'yes', retry: null });
    expect(await get('/nowhere')).toMatchObject({ status: 404, body: { error: 404 }, toy: 'on' });
    expect(await get('/crash')).toMatchObject({ status: 500, body: { error: 500 }, toy: 'on' });
    expect(s.rest.used()).toBe(3);
    const before = Date.now();
    expect(await get('/trades')).toMatchObject({ status: 429, body: { limited: 'limit' }, toy: 'on', retry: '60' });
    s.rest.resetLimits();
    s.faults.restBan({ retryAfterSec: 9 });
    expect(await get('/trades')).toMatchObject({ status: 418, body: { limited: 'fault' }, toy: 'on', retry: '9' });
    const [limit, fault] = calls.map((c) => c.split(' '));
    expect(limit!.slice(0, 3)).toEqual(['limit', '429', '60']);
    expect(Number(limit![3])).toBeGreaterThanOrEqual(before + 60_000);
    expect(fault!.slice(0, 3)).toEqual(['fault', '418', '9']);
    expect(Number(fault![3])).toBeGreaterThanOrEqual(before + 9_000);
    expect(s.rest.used()).toBe(0);
  });

  it('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startVenueSim({ port, chaos: { dropEveryMs: 10 } }, toyDefinition())).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
