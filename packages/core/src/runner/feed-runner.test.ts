import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@tickgate/testing';
import type { Trade } from '@tickgate/schema';
import type { ControlEvent, HeartbeatRule, InstrumentInfo, InstrumentMap, Rejection, RestRequest, VenueAdapter } from '../adapter.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { ConfigError } from '../errors.js';
import { AttemptBudget } from './attempt-budget.js';
import { monotonicMs } from '../clock.js';
import { FeedRunner, type FeedConnectionEvent, type FeedRunnerOptions, type FeedStateChange } from './feed-runner.js';

// ---------------------------------------------------------------------------------------------------
// A tiny venue: JSON frames `{"k": kind, ...}`, trades for instruments by symbol, text "pong" answers.
// ---------------------------------------------------------------------------------------------------

const BTC: InstrumentInfo = { instrument: 'BTC-USDT', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' };
const ETH: InstrumentInfo = { instrument: 'ETH-USDT', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' };
const SOL: InstrumentInfo = { instrument: 'SOL-USDT', symbol: 'SOLUSDT', base: 'SOL', quote: 'USDT' };

interface FakeFrame {
  k?: string;
  s?: string;
  id?: number;
  p?: string;
  q?: string;
  n?: number;
  msg?: string;
}

interface FakeVenueRules {
  heartbeat: HeartbeatRule;
  /** Subscribe with messages (one per instrument) instead of URL-encoded streams. */
  subscribe?: boolean;
  lifetimeMs?: number;
  rate?: number;
  venue?: string;
}

function notUsed(): RestRequest<never> {
  throw new Error('REST is not used by the feed runner');
}

function fakeAdapter(rules: FakeVenueRules): VenueAdapter {
  const venue = rules.venue ?? 'fakex';
  return {
    venue,
    defaults: { wsUrl: 'ws://127.0.0.1:1', restUrl: 'http://127.0.0.1:1' },
    stream: {
      maxStreamsPerConnection: 3,
      ...(rules.lifetimeMs !== undefined ? { connectionLifetimeMs: rules.lifetimeMs } : {}),
      ...(rules.rate !== undefined ? { maxClientMessagesPerSecond: rules.rate } : {}),
      heartbeat: rules.heartbeat,
      sequencing: 'consecutive',
      connect: (baseUrl, instruments) =>
        rules.subscribe
          ? { url: `${baseUrl}/ws`, subscribe: instruments.map((i, n) => JSON.stringify({ op: 'sub', id: n + 1, arg: i.symbol })) }
          : { url: `${baseUrl}/stream?s=${instruments.map((i) => i.symbol.toLowerCase()).join(',')}`, subscribe: [] },
    },
    createParser: (map: InstrumentMap) => (raw, receiveTimeUs, sink) => {
      if (raw === 'pong') return sink.control({ type: 'pong' });
      let frame: FakeFrame;
      try {
        frame = JSON.parse(raw) as FakeFrame;
      } catch {
        return sink.reject({ reason: 'malformed-json', message: 'not JSON', raw: raw.slice(0, 200) });
      }
      switch (frame.k) {
        case 'trade': {
          const info = map.bySymbol(frame.s ?? '');
          if (!info) return sink.reject({ reason: 'unknown-instrument', message: `symbol ${frame.s}`, raw: raw.slice(0, 200), tradeId: String(frame.id) });
          const trade: Trade = {
            v: 1,
            type: 'trade',
            venue,
            instrument: info.instrument,
            symbol: info.symbol,
            id: String(frame.id),
            price: frame.p ?? '1',
            quantity: frame.q ?? '1',
            side: 'buy',
            tradeTime: 1_700_000_000_000_000,
            receiveTime: receiveTimeUs,
            source: 'ws',
          };
          return sink.trade(trade, frame.n);
        }
        case 'ack':
          return sink.control({ type: 'subscribed', requestId: frame.id ?? null });
        case 'hb':
          return sink.control({ type: 'heartbeat' });
        case 'bye':
          return sink.control({ type: 'shutdown-notice' });
        case 'err':
          return sink.control({ type: 'error', code: 7, message: frame.msg ?? 'bad' });
        default:
          return sink.reject({ reason: 'unknown-message', message: `kind ${frame.k}`, raw: raw.slice(0, 200) });
      }
    },
    rest: {
      limits: { weightPerMinute: 1, maxTradesPerPage: 1 },
      instruments: notUsed,
      recentTrades: notUsed,
      lastPrice: notUsed,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// A local WebSocket server playing the venue, scriptable per test.
// ---------------------------------------------------------------------------------------------------

interface ServerConn {
  readonly ws: WebSocket;
  readonly path: string;
  readonly received: { text: string; atMs: number }[];
  closed: boolean;
  closeCode: number | undefined;
  pingsSent: number;
  pongsReceived: number;
  timer: NodeJS.Timeout | undefined;
}

interface Behaviour {
  /** Answer subscribe messages with an ack. */
  ack: boolean;
  /** Answer text "ping" with "pong". */
  answerPings: boolean;
  /** Send WebSocket pings this often (server-ping venues). */
  pingEveryMs: number | undefined;
  /** Send `{"k":"hb"}` this often (server-message venues). */
  heartbeatEveryMs: number | undefined;
  /** Kill new connections at once. */
  terminateOnConnect: boolean;
}

class FakeVenue {
  readonly conns: ServerConn[] = [];
  readonly behaviour: Behaviour = { ack: true, answerPings: true, pingEveryMs: undefined, heartbeatEveryMs: undefined, terminateOnConnect: false };
  private constructor(private readonly wss: WebSocketServer) {
    wss.on('connection', (ws, req) => this.accept(ws, req.url ?? ''));
  }

  static async start(behaviour: Partial<Behaviour> = {}): Promise<FakeVenue> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    const venue = new FakeVenue(wss);
    Object.assign(venue.behaviour, behaviour);
    return venue;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  conn(index: number): ServerConn {
    const conn = this.conns[index];
    if (!conn) throw new Error(`no server connection #${index}`);
    return conn;
  }

  send(index: number, frame: object | string): void {
    this.conn(index).ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  openCount(): number {
    return this.conns.filter((c) => !c.closed).length;
  }

  private accept(ws: WebSocket, path: string): void {
    const conn: ServerConn = { ws, path, received: [], closed: false, closeCode: undefined, pingsSent: 0, pongsReceived: 0, timer: undefined };
    this.conns.push(conn);
    ws.on('close', (code) => {
      conn.closed = true;
      conn.closeCode = code;
      if (conn.timer) clearInterval(conn.timer);
    });
    ws.on('pong', () => (conn.pongsReceived += 1));
    ws.on('message', (data) => {
      const text = String(data);
      conn.received.push({ text, atMs: monotonicMs() });
      if (text === 'ping' && this.behaviour.answerPings) ws.send('pong');
      else if (text.startsWith('{') && this.behaviour.ack) {
        const message = JSON.parse(text) as { op?: string; id?: number };
        if (message.op === 'sub') ws.send(JSON.stringify({ k: 'ack', id: message.id }));
      }
    });
    if (this.behaviour.terminateOnConnect) {
      ws.terminate();
      return;
    }
    const { pingEveryMs, heartbeatEveryMs } = this.behaviour;
    if (pingEveryMs !== undefined) {
      conn.timer = setInterval(() => {
        if (this.behaviour.pingEveryMs === undefined) return;
        conn.pingsSent += 1;
        ws.ping();
      }, pingEveryMs);
    } else if (heartbeatEveryMs !== undefined) {
      conn.timer = setInterval(() => {
        if (this.behaviour.heartbeatEveryMs !== undefined) ws.send(JSON.stringify({ k: 'hb' }));
      }, heartbeatEveryMs);
    }
  }

  async close(): Promise<void> {
    for (const conn of this.conns) {
      if (conn.timer) clearInterval(conn.timer);
      conn.ws.terminate();
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------------
// Recording what a runner emits.
// ---------------------------------------------------------------------------------------------------

interface Recorded {
  trades: { trade: Trade; span: number; connectionId: number }[];
  rejections: { rejection: Rejection; connectionId: number }[];
  controls: { event: ControlEvent; connectionId: number }[];
  states: FeedStateChange[];
  connections: (FeedConnectionEvent & { atMs: number })[];
}

function record(runner: FeedRunner): Recorded {
  const rec: Recorded = { trades: [], rejections: [], controls: [], states: [], connections: [] };
  runner.on('trade', (trade, span, connectionId) => rec.trades.push({ trade, span, connectionId }));
  runner.on('rejection', (rejection, connectionId) => rec.rejections.push({ rejection, connectionId }));
  runner.on('control', (event, connectionId) => rec.controls.push({ event, connectionId }));
  runner.on('state', (change) => rec.states.push(change));
  runner.on('connection', (event) => rec.connections.push({ ...event, atMs: monotonicMs() }));
  return rec;
}

function closedEvents(rec: Recorded): FeedConnectionEvent[] {
  return rec.connections.filter((e) => e.phase === 'closed');
}

const SERVER_PING: HeartbeatRule = { kind: 'server-ping', intervalMs: 20, pongDeadlineMs: 280 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function venue(behaviour: Partial<Behaviour> = {}): Promise<FakeVenue> {
  const server = await FakeVenue.start(behaviour);
  cleanups.push(() => server.close());
  return server;
}

function runner(
  server: FakeVenue,
  rules: FakeVenueRules,
  options: FeedRunnerOptions = {},
  extra: { instruments?: InstrumentInfo[]; logger?: Logger } = {},
): { runner: FeedRunner; rec: Recorded } {
  let t = 1_700_000_000_000_000;
  const feed = new FeedRunner({
    adapter: fakeAdapter(rules),
    instruments: extra.instruments ?? [BTC],
    wsUrl: server.url,
    logger: extra.logger ?? silentLogger,
    clock: { nowUs: () => (t += 1) },
    options: { attemptBudget: null, backoffBaseMs: 10, backoffCapMs: 40, random: () => 0.5, ...options },
  });
  const rec = record(feed);
  cleanups.push(() => feed.stop());
  return { runner: feed, rec };
}

const trade = (id: number, extra: Partial<FakeFrame> = {}): FakeFrame => ({ k: 'trade', s: 'BTCUSDT', id, p: '100.5', q: '0.25', ...extra });

// ---------------------------------------------------------------------------------------------------

describe('FeedRunner: connecting and forwarding', () => {
  it('connects with the URL-encoded plan and forwards trades (with span) and rejections with the connection id', async () => {
    const server = await venue({ pingEveryMs: 20 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, {}, { instruments: [BTC, ETH] });
    feed.start();
    expect(feed.state).toBe('connecting');
    await waitFor(() => feed.state === 'live');
    expect(server.conn(0).path).toBe('/stream?s=btcusdt,ethusdt');
    server.send(0, trade(1));
    server.send(0, trade(4, { s: 'ETHUSDT', n: 3 }));
    server.send(0, 'garbage');
    server.send(0, trade(5, { s: 'XRPUSDT' }));
    await waitFor(() => rec.rejections.length === 2);
    expect(rec.trades.map((t) => [t.trade.instrument, t.trade.id, t.span, t.connectionId])).toEqual([
      ['BTC-USDT', '1', 1, 1],
      ['ETH-USDT', '4', 3, 1],
    ]);
    // Receive times come from the injected clock, once per frame, and increase.
    expect(rec.trades[1]!.trade.receiveTime).toBeGreaterThan(rec.trades[0]!.trade.receiveTime);
    expect(rec.rejections.map((r) => [r.rejection.reason, r.connectionId])).toEqual([
      ['malformed-json', 1],
      ['unknown-instrument', 1],
    ]);
    expect(rec.rejections[1]!.rejection.tradeId).toBe('5');
    expect(rec.states.map((s) => [s.previous, s.state, s.reason])).toEqual([
      ['idle', 'connecting', 'start'],
      ['connecting', 'live', 'ready'],
    ]);
    const counters = feed.counters();
    expect(counters).toMatchObject({ frames: 4, trades: 2, rejections: 2, connectAttempts: 1 });
    expect(server.conn(0).received).toEqual([]);
  });

  it('uses the system clock for receive times by default (µs since the epoch)', async () => {
    const server = await venue({ pingEveryMs: 20 });
    const feed = new FeedRunner({ adapter: fakeAdapter({ heartbeat: SERVER_PING }), instruments: [BTC], wsUrl: server.url, logger: silentLogger, options: { attemptBudget: null } });
    cleanups.push(() => feed.stop());
    const trades: Trade[] = [];
    feed.on('trade', (t) => trades.push(t));
    feed.start();
    await waitFor(() => feed.state === 'live');
    const before = Date.now() * 1000;
    server.send(0, trade(1));
    await waitFor(() => trades.length === 1);
    const after = Date.now() * 1000;
    expect(Number.isInteger(trades[0]!.receiveTime)).toBe(true);
    expect(trades[0]!.receiveTime).toBeGreaterThanOrEqual(before - 5_000);
    expect(trades[0]!.receiveTime).toBeLessThanOrEqual(after + 5_000);
  });

  it('sends subscribe messages after open, paced by maxClientMessagesPerSecond, and goes live on the ack', async () => {
    const server = await venue({ pingEveryMs: 20, ack: false });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING, subscribe: true, rate: 2 }, {}, { instruments: [BTC, ETH, SOL] });
    feed.start();
    await waitFor(() => server.conns[0]?.received.length === 3);
    const received = server.conn(0).received;
    expect(received.map((r) => JSON.parse(r.text) as unknown)).toEqual([
      { op: 'sub', id: 1, arg: 'BTCUSDT' },
      { op: 'sub', id: 2, arg: 'ETHUSDT' },
      { op: 'sub', id: 3, arg: 'SOLUSDT' },
    ]);
    // Two messages per second: the third waits for the first to leave the one-second window.
    expect(received[2]!.atMs - received[0]!.atMs).toBeGreaterThanOrEqual(900);
    expect(feed.state).toBe('connecting');
    server.send(0, { k: 'ack', id: 1 });
    await waitFor(() => feed.state === 'live');
    expect(rec.controls[0]).toEqual({ event: { type: 'subscribed', requestId: 1 }, connectionId: 1 });
    expect(feed.counters().clientMessagesSent).toBe(3);
  });

  it('surfaces and logs venue error control events without reconnecting', async () => {
    const server = await venue({ pingEveryMs: 20 });
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_obj, msg) => void warnings.push(msg ?? ''), child: () => logger };
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, {}, { logger });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.send(0, { k: 'err', msg: 'too many requests' });
    await waitFor(() => rec.controls.length === 1);
    expect(rec.controls[0]).toEqual({ event: { type: 'error', code: 7, message: 'too many requests' }, connectionId: 1 });
    expect(warnings).toContain('venue reported an error');
    expect(feed.state).toBe('live');
  });

  it('refuses a feed with no instruments, too many, or a non-WebSocket URL', async () => {
    const server = await venue();
    const adapter = fakeAdapter({ heartbeat: SERVER_PING });
    expect(() => new FeedRunner({ adapter, instruments: [], wsUrl: server.url, logger: silentLogger })).toThrow(ConfigError);
    const four = [BTC, ETH, SOL, { ...BTC, symbol: 'X', instrument: 'X-Y' }];
    expect(() => new FeedRunner({ adapter, instruments: four, wsUrl: server.url, logger: silentLogger })).toThrow(/streams per connection/);
    expect(() => new FeedRunner({ adapter, instruments: [BTC], wsUrl: 'http://127.0.0.1:1', logger: silentLogger })).toThrow(/WebSocket URL/);
  });
});

describe('FeedRunner: reconnecting', () => {
  it('reconnects after an abrupt drop (server terminate)', async () => {
    const server = await venue({ pingEveryMs: 20 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.conn(0).ws.terminate();
    await waitFor(() => rec.states.some((s) => s.state === 'reconnecting'));
    await waitFor(() => feed.state === 'live' && server.conns.length === 2);
    const lost = rec.states.find((s) => s.state === 'reconnecting')!;
    expect(lost).toMatchObject({ previous: 'live', reason: 'dropped', connectionId: 1 });
    expect(lost.error?.code).toBe('TICKGATE_FEED_CLOSED');
    expect(closedEvents(rec)[0]).toMatchObject({ connectionId: 1, reason: 'dropped', code: 1006, retryInMs: 5 });
    server.send(1, trade(2));
    await waitFor(() => rec.trades.length === 1);
    expect(rec.trades[0]!.connectionId).toBe(2);
    expect(feed.counters().reconnects.dropped).toBe(1);
  });

  it('reconnects after a polite close by the venue', async () => {
    const server = await venue({ pingEveryMs: 20 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.conn(0).ws.close(1001, 'going away');
    await waitFor(() => server.conns.length === 2 && feed.state === 'live');
    expect(rec.states.find((s) => s.state === 'reconnecting')).toMatchObject({ reason: 'closed' });
    expect(closedEvents(rec)[0]).toMatchObject({ connectionId: 1, reason: 'closed', code: 1001 });
    expect(feed.counters().reconnects.closed).toBe(1);
  });

  it('reconnects when the connection stalls: no frames and no pings (TICKGATE_FEED_STALE)', async () => {
    const server = await venue({ pingEveryMs: undefined });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { staleAfterMs: 80 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.send(0, trade(1));
    await waitFor(() => rec.states.some((s) => s.state === 'reconnecting'));
    const lost = rec.states.find((s) => s.state === 'reconnecting')!;
    expect(lost.reason).toBe('stale');
    expect(lost.error?.code).toBe('TICKGATE_FEED_STALE');
    // The stalled socket was closed by the client.
    await waitFor(() => server.conn(0).closed);
    await waitFor(() => server.conns.length >= 2);
  });

  it('does not reconnect on a quiet but alive connection (server pings, no trades)', async () => {
    const server = await venue({ pingEveryMs: 10 });
    const { runner: feed, rec } = runner(server, { heartbeat: { kind: 'server-ping', intervalMs: 10, pongDeadlineMs: 190 } });
    feed.start();
    await waitFor(() => feed.state === 'live');
    expect(feed.settings.staleAfterMs).toBe(200);
    // Several stale periods pass with pings only; every ping is answered.
    await waitFor(() => server.conn(0).pongsReceived >= 60, { intervalMs: 10 });
    expect(feed.state).toBe('live');
    expect(server.conns).toHaveLength(1);
    expect(closedEvents(rec)).toEqual([]);
    expect(rec.trades).toEqual([]);
  });

  it('keeps a server-message venue alive on heartbeats and reconnects when they stop', async () => {
    const server = await venue({ heartbeatEveryMs: 10 });
    const { runner: feed, rec } = runner(server, { heartbeat: { kind: 'server-message', intervalMs: 50 } });
    feed.start();
    await waitFor(() => feed.state === 'live');
    expect(feed.settings.staleAfterMs).toBe(150);
    await waitFor(() => rec.controls.filter((c) => c.event.type === 'heartbeat').length >= 30, { intervalMs: 10 });
    expect(server.conns).toHaveLength(1);
    server.behaviour.heartbeatEveryMs = undefined;
    await waitFor(() => rec.states.some((s) => s.state === 'reconnecting'));
    expect(rec.states.find((s) => s.state === 'reconnecting')?.reason).toBe('stale');
  });

  it('sends client pings every interval and reconnects when the pongs stop (TICKGATE_FEED_HEARTBEAT)', async () => {
    const server = await venue();
    const heartbeat: HeartbeatRule = { kind: 'client-ping', intervalMs: 15, message: 'ping', timeoutMs: 150 };
    const { runner: feed, rec } = runner(server, { heartbeat }, { staleAfterMs: 10_000 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    await waitFor(() => server.conn(0).received.filter((r) => r.text === 'ping').length >= 5, { intervalMs: 10 });
    expect(rec.controls.filter((c) => c.event.type === 'pong').length).toBeGreaterThanOrEqual(3);
    expect(server.conns).toHaveLength(1);
    expect(feed.counters().pingsSent).toBeGreaterThanOrEqual(5);
    server.behaviour.answerPings = false;
    await waitFor(() => rec.states.some((s) => s.state === 'reconnecting'));
    const lost = rec.states.find((s) => s.state === 'reconnecting')!;
    expect(lost.reason).toBe('heartbeat');
    expect(lost.error?.code).toBe('TICKGATE_FEED_HEARTBEAT');
  });

  it('sends WebSocket pings for a ws-ping client rule', async () => {
    const server = await venue();
    let pings = 0;
    const heartbeat: HeartbeatRule = { kind: 'client-ping', intervalMs: 15, message: 'ws-ping', timeoutMs: 150 };
    const { runner: feed } = runner(server, { heartbeat });
    feed.start();
    await waitFor(() => server.conns[0]);
    server.conn(0).ws.on('ping', () => (pings += 1));
    await waitFor(() => pings >= 4, { intervalMs: 10 });
    expect(feed.state).toBe('live');
    expect(server.conns).toHaveLength(1);
  });

  it('times out a subscribe that is never acknowledged (TICKGATE_FEED_SUBSCRIBE)', async () => {
    const server = await venue({ ack: false, pingEveryMs: 10 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING, subscribe: true }, { subscribeTimeoutMs: 60 });
    feed.start();
    await waitFor(() => rec.states.some((s) => s.state === 'reconnecting'));
    const lost = rec.states.find((s) => s.state === 'reconnecting')!;
    expect(lost).toMatchObject({ previous: 'connecting', reason: 'subscribe-timeout' });
    expect(lost.error?.code).toBe('TICKGATE_FEED_SUBSCRIBE');
  });

  it('backs off with full jitter between failed attempts and starts over after a healthy connection', async () => {
    const server = await venue({ pingEveryMs: 10, terminateOnConnect: true });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { backoffBaseMs: 20, backoffCapMs: 80, healthyAfterMs: 50, random: () => 0.5 });
    feed.start();
    await waitFor(() => closedEvents(rec).length >= 5);
    const failed = closedEvents(rec).slice(0, 5);
    // ceilings 20, 40, 80, 80, 80 → half of each
    expect(failed.map((e) => e.retryInMs)).toEqual([10, 20, 40, 40, 40]);
    // The delays are really waited: each attempt starts no earlier than the previous loss + its delay.
    const connecting = rec.connections.filter((e) => e.phase === 'connecting');
    const closed = rec.connections.filter((e) => e.phase === 'closed');
    for (let i = 0; i < 4; i += 1) {
      expect(connecting[i + 1]!.atMs - closed[i]!.atMs).toBeGreaterThanOrEqual(closed[i]!.retryInMs! - 2); // timers may fire ~1 ms early against performance.now
    }
    server.behaviour.terminateOnConnect = false;
    await waitFor(() => feed.state === 'live');
    const live = server.conns[server.conns.length - 1]!;
    // Stay healthy for longer than healthyAfterMs, then drop: the backoff starts over.
    await waitFor(() => live.pongsReceived >= 8, { intervalMs: 10 });
    const before = closedEvents(rec).length;
    live.ws.terminate();
    await waitFor(() => closedEvents(rec).length > before);
    expect(closedEvents(rec)[before]!.retryInMs).toBe(10);
  });

  it('does not count a connection that stalled right away as healthy (the backoff keeps growing)', async () => {
    const server = await venue({ pingEveryMs: undefined });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { staleAfterMs: 60, healthyAfterMs: 40, backoffBaseMs: 20, backoffCapMs: 80 });
    feed.start();
    await waitFor(() => closedEvents(rec).length >= 3);
    // Each connection was live for longer than healthyAfterMs, but silent all along.
    expect(closedEvents(rec).slice(0, 3).map((e) => [e.reason, e.retryInMs])).toEqual([
      ['stale', 10],
      ['stale', 20],
      ['stale', 40],
    ]);
  });

  it('reports connect failures when nothing listens and keeps retrying', async () => {
    const server = await venue();
    const url = server.url;
    await server.close();
    const feed = new FeedRunner({
      adapter: fakeAdapter({ heartbeat: SERVER_PING }),
      instruments: [BTC],
      wsUrl: url,
      logger: silentLogger,
      options: { attemptBudget: null, backoffBaseMs: 5, backoffCapMs: 10, random: () => 0.5 },
    });
    cleanups.push(() => feed.stop());
    const rec = record(feed);
    feed.start();
    await waitFor(() => closedEvents(rec).length >= 3);
    expect(closedEvents(rec).every((e) => e.reason === 'connect-failed' && e.error?.code === 'TICKGATE_FEED_CONNECT')).toBe(true);
    expect(rec.states.map((s) => s.state)).toEqual(['connecting', 'reconnecting']);
    expect(feed.counters().reconnects['connect-failed']).toBeGreaterThanOrEqual(3);
  });

  it('never exceeds the connection-attempt budget, delaying attempts instead', async () => {
    const server = await venue({ terminateOnConnect: true });
    const budget = new AttemptBudget({ max: 2, windowMs: 100 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { attemptBudget: budget, random: () => 0 });
    // At each attempt, the budget's own record of when it was taken (the newest entry in the window).
    const taken: number[] = [];
    feed.on('connection', (e) => {
      if (e.phase !== 'connecting') return;
      const window = budget.recent();
      expect(window.length).toBeLessThanOrEqual(2);
      taken.push(window[window.length - 1]!);
    });
    feed.start();
    await waitFor(() => taken.length >= 7);
    expect(new Set(taken).size).toBe(taken.length); // every attempt took from the budget
    for (let i = 0; i + 2 < taken.length; i += 1) {
      expect(taken[i + 2]! - taken[i]!).toBeGreaterThanOrEqual(100);
    }
    // Zero backoff, so only the budget spaced them: 7 attempts span at least 3 windows.
    expect(taken[6]! - taken[0]!).toBeGreaterThanOrEqual(300);
    expect(closedEvents(rec).every((e) => e.retryInMs === 0)).toBe(true);
  });
});

describe('FeedRunner: make-before-break rotation', () => {
  it('rotates on a shutdown notice: both connections forward during the overlap, the old one closes once the new one delivers', async () => {
    const server = await venue({ pingEveryMs: 10 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { overlapMs: 10_000 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.send(0, trade(1));
    server.send(0, { k: 'bye' });
    await waitFor(() => rec.connections.some((e) => e.connectionId === 2 && e.phase === 'ready'));
    expect(rec.connections.find((e) => e.connectionId === 2)?.role).toBe('standby');
    // Overlap: the old connection still forwards.
    server.send(0, trade(2));
    await waitFor(() => rec.trades.length === 2);
    expect(server.conn(0).closed).toBe(false);
    // The new connection delivers its first frame: it takes over and the old one is closed politely.
    server.send(1, trade(2));
    server.send(1, trade(3));
    await waitFor(() => server.conn(0).closed);
    expect(server.conn(0).closeCode).toBe(1000);
    await waitFor(() => rec.trades.length === 4);
    expect(rec.trades.map((t) => [t.trade.id, t.connectionId])).toEqual([
      ['1', 1],
      ['2', 1],
      ['2', 2],
      ['3', 2],
    ]);
    expect(rec.controls.map((c) => c.event.type)).toEqual(['shutdown-notice']);
    expect(rec.connections.find((e) => e.connectionId === 2 && e.phase === 'promoted')).toBeDefined();
    expect(rec.connections.find((e) => e.connectionId === 1 && e.phase === 'closed')).toMatchObject({ reason: 'rotated', role: 'retired' });
    expect(feed.connectionId).toBe(2);
    // No loss was seen: the state never left `live`.
    expect(rec.states.map((s) => s.state)).toEqual(['connecting', 'live']);
    expect(feed.counters()).toMatchObject({ rotations: { 'shutdown-notice': 1, lifetime: 0 }, rotationFailures: 0 });
    expect(Object.values(feed.counters().reconnects).every((n) => n === 0)).toBe(true);
  });

  it('rotates before the connection lifetime and closes the old connection after overlapMs when the new one is quiet', async () => {
    const server = await venue({ pingEveryMs: 10 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING, lifetimeMs: 400 }, { rotateBeforeMs: 200, overlapMs: 40 });
    feed.start();
    await waitFor(() => server.conns.length === 2);
    const opened = rec.connections.find((e) => e.connectionId === 1 && e.phase === 'open')!;
    const standby = rec.connections.find((e) => e.connectionId === 2 && e.phase === 'connecting')!;
    expect(standby.role).toBe('standby');
    expect(standby.atMs - opened.atMs).toBeGreaterThanOrEqual(199); // lifetime 400 - rotateBefore 200
    await waitFor(() => server.conn(0).closed);
    const ready = rec.connections.find((e) => e.connectionId === 2 && e.phase === 'ready')!;
    const retired = rec.connections.find((e) => e.connectionId === 1 && e.phase === 'closed')!;
    expect(retired.reason).toBe('rotated');
    expect(retired.atMs - ready.atMs).toBeGreaterThanOrEqual(39);
    expect(server.conn(1).closed).toBe(false);
    expect(feed.connectionId).toBe(2);
    expect(rec.states.map((s) => s.state)).toEqual(['connecting', 'live']);
    expect(feed.counters().rotations.lifetime).toBeGreaterThanOrEqual(1);
  });

  it('keeps the old connection while the new one awaits its subscribe ack, then switches', async () => {
    const server = await venue({ pingEveryMs: 10, ack: true });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING, subscribe: true }, { overlapMs: 10_000 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.behaviour.ack = false;
    server.send(0, { k: 'bye' });
    await waitFor(() => server.conns[1]?.received.length === 1);
    server.send(0, trade(7));
    await waitFor(() => rec.trades.length === 1);
    expect(server.conn(0).closed).toBe(false);
    server.send(1, { k: 'ack', id: 1 });
    server.send(1, trade(8));
    await waitFor(() => server.conn(0).closed);
    await waitFor(() => rec.trades.length === 2);
    expect(rec.trades.map((t) => t.connectionId)).toEqual([1, 2]);
  });

  it('keeps the old connection when the standby fails, and retries the rotation with backoff', async () => {
    const server = await venue({ pingEveryMs: 10 });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { overlapMs: 10_000 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.behaviour.terminateOnConnect = true;
    server.send(0, { k: 'bye' });
    await waitFor(() => feed.counters().rotationFailures >= 2);
    const failed = closedEvents(rec).filter((e) => e.role === 'standby');
    expect(failed[0]).toMatchObject({ connectionId: 2, retryInMs: 5 });
    expect(failed[1]).toMatchObject({ connectionId: 3, retryInMs: 10 });
    // The old connection still carries the feed.
    server.send(0, trade(1));
    await waitFor(() => rec.trades.length === 1);
    expect(rec.trades[0]!.connectionId).toBe(1);
    expect(feed.state).toBe('live');
    server.behaviour.terminateOnConnect = false;
    const before = server.conns.length;
    await waitFor(() => server.conns.length > before);
    const fresh = server.conns.length - 1;
    server.send(fresh, trade(2));
    await waitFor(() => server.conn(0).closed);
    expect(feed.connectionId).toBe(fresh + 1);
    expect(feed.counters().rotations['shutdown-notice']).toBe(1);
    expect(rec.states.map((s) => s.state)).toEqual(['connecting', 'live']);
  });

  it('promotes the standby when the old connection dies during a rotation', async () => {
    const server = await venue({ pingEveryMs: 10, ack: true });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING, subscribe: true }, { overlapMs: 10_000 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.behaviour.ack = false;
    server.send(0, { k: 'bye' });
    await waitFor(() => server.conns[1]?.received.length === 1);
    server.conn(0).ws.terminate();
    await waitFor(() => feed.state === 'reconnecting');
    server.send(1, { k: 'ack', id: 1 });
    await waitFor(() => feed.state === 'live');
    expect(feed.connectionId).toBe(2);
    expect(server.conns).toHaveLength(2);
    expect(rec.connections.find((e) => e.connectionId === 2 && e.phase === 'promoted')).toBeDefined();
  });
});

describe('FeedRunner: stop', () => {
  it('closes every socket, clears every timer, and is idempotent', async () => {
    const server = await venue({ pingEveryMs: 10 });
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const { runner: feed, rec } = runner(server, { heartbeat: { kind: 'client-ping', intervalMs: 10, message: 'ping', timeoutMs: 150 }, lifetimeMs: 60_000 });
    feed.start();
    await waitFor(() => feed.state === 'live');
    server.send(0, { k: 'bye' });
    await waitFor(() => server.conns.length === 2);
    const stopping = feed.stop();
    expect(feed.stop()).toBe(stopping);
    await stopping;
    expect(feed.state).toBe('stopped');
    await waitFor(() => server.openCount() === 0);
    expect(server.conns.every((c) => c.closeCode === 1000 || c.closeCode === 1006)).toBe(true);
    expect(rec.states[rec.states.length - 1]).toMatchObject({ state: 'stopped', reason: 'stop' });
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    // The server's own ping timers stop with its sockets; nothing of the runner remains.
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
    const events = rec.connections.length;
    await expect(feed.stop()).resolves.toBeUndefined();
    expect(rec.connections.length).toBe(events);
    expect(() => feed.start()).toThrow(/stopped/);
  });

  it('stops promptly while waiting to reconnect, making no further attempts', async () => {
    const server = await venue({ terminateOnConnect: true });
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING }, { backoffBaseMs: 60_000, backoffCapMs: 60_000 });
    feed.start();
    await waitFor(() => closedEvents(rec).length === 1);
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await feed.stop();
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter).toBeLessThan(timersBefore); // the 30 s backoff wait was cleared
    expect(server.conns).toHaveLength(1);
  });

  it('can be stopped before it was started', async () => {
    const server = await venue();
    const { runner: feed, rec } = runner(server, { heartbeat: SERVER_PING });
    await feed.stop();
    expect(feed.state).toBe('stopped');
    expect(rec.states).toEqual([expect.objectContaining({ previous: 'idle', state: 'stopped' })]);
    expect(server.conns).toHaveLength(0);
  });
});
