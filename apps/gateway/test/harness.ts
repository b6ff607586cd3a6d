import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { canonicalDecimal, decode, type Status, type Trade } from '@tickgate/schema';
import { freePort, waitFor } from '@tickgate/testing';
import type { SimTrade } from '@tickgate/exchange-sim/kit';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
/** The built gateway (`nx run @tickgate/gateway:build`; the test target depends on it). */
export const GATEWAY_MAIN = resolve(here, '../dist/main.js');

export interface GatewayProcess {
  readonly proc: ChildProcess;
  readonly httpPort: number;
  /** Parsed JSON log lines so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Raw stderr so far. */
  stderr(): string;
  /** Wait until a log line matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/** Write a config file and run the built gateway with it (its `http` keys join the free port chosen here). */
export async function spawnGateway(config: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv } = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tickgate-e2e-'));
  const httpPort = await freePort();
  const file = join(dir, 'gateway.json');
  const { http, ...rest } = config;
  writeFileSync(file, JSON.stringify({ http: { ...(http as object | undefined), port: httpPort, host: '127.0.0.1' }, log: { level: 'info', pretty: false }, ...rest }));
  const proc = spawn(process.execPath, [GATEWAY_MAIN, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const logs: Array<Record<string, unknown>> = [];
  let err = '';
  let partial = '';
  const listeners = new Set<() => void>();
  proc.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const l of listeners) l();
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) =>
    proc.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true }); // the config file: nothing left in the temporary folder
      resolveExit(code);
    }),
  );
  return {
    proc,
    httpPort,
    logs,
    stderr: () => err,
    exited,
    waitForLog(match, timeoutMs = 20_000) {
      return new Promise((resolveLog, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (found) {
            done();
            resolveLog(found);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching gateway log within ${timeoutMs} ms; stderr:\n${err}\nlast logs:\n${logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`));
        }, timeoutMs);
        const onExit = () => {
          done();
          reject(new Error(`gateway exited before the log appeared; stderr:\n${err}\nlast logs:\n${logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
        };
        listeners.add(check);
        proc.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Every message of `subject` in the stream, decoded, in stream order. */
export async function readStream(nc: NatsConnection, stream: string, subject: string): Promise<Array<{ seq: number; msgId: string | undefined; event: Trade | Status }>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream, { subjects_filter: subject });
  const total = info.state.subjects?.[subject] ?? 0;
  const out: Array<{ seq: number; msgId: string | undefined; event: Trade | Status }> = [];
  if (total === 0) return out;
  // Right after a cluster node dies the JetStream API may time out for a moment: retry briefly.
  const consumer = await waitFor(() => jetstream(nc).consumers.get(stream, { filter_subjects: subject }), { timeoutMs: 30_000, intervalMs: 250, message: 'an ordered consumer' });
  const messages = await consumer.consume();
  for await (const m of messages as AsyncIterable<JsMsg>) {
    out.push({ seq: m.seq, msgId: m.headers?.get('Nats-Msg-Id'), event: decode(m.data) });
    if (out.length >= total) break;
  }
  await messages.close();
  return out;
}

/** Count of messages on `subject` in the stream. */
export async function countInStream(nc: NatsConnection, stream: string, subject: string): Promise<number> {
  const info = await (await jetstreamManager(nc)).streams.info(stream, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

/** The normalized trade the gateway must have published for a simulator trade (receive time aside). */
export function expectedTrade(sim: SimTrade, instrument: string): Omit<Trade, 'receiveTime' | 'source'> {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument,
    symbol: sim.symbol,
    id: String(sim.id),
    price: canonicalDecimal(sim.price),
    quantity: canonicalDecimal(sim.qty),
    side: sim.buyerIsMaker ? 'sell' : 'buy',
    tradeTime: sim.timeUs,
  };
}

/**
 * The stream holds exactly the simulator's trades from the first published id to its last one: each
 * once, in id order, every field right, with the `Nats-Msg-Id` of the wire contract.
 */
export function expectExactHistory(published: Array<{ msgId: string | undefined; event: Trade | Status }>, history: readonly SimTrade[], instrument: string): { ws: number; rest: number } {
  const trades = published.map((p) => p.event as Trade);
  expect(trades.length).toBeGreaterThan(0);
  const firstId = Number(trades[0]!.id);
  const expected = history.filter((t) => t.id >= firstId);
  const ids = trades.map((t) => t.id);
  const missing = expected.filter((t) => !ids.includes(String(t.id))).map((t) => t.id);
  expect({ missing: missing.slice(0, 20), count: trades.length }).toEqual({ missing: [], count: expected.length });
  let ws = 0;
  let rest = 0;
  for (let i = 0; i < expected.length; i++) {
    const got = trades[i]!;
    const { receiveTime, source, ...fields } = got;
    expect(fields).toEqual(expectedTrade(expected[i]!, instrument));
    expect(published[i]!.msgId).toBe(`binance:${instrument}:${got.id}`);
    expect(receiveTime).toBeGreaterThanOrEqual(got.tradeTime - 1_000_000);
    if (source === 'ws') ws++;
    else rest++;
  }
  return { ws, rest };
}

/** Wait until the stream's count for `subject` reaches `count`. */
export async function waitForCount(nc: NatsConnection, stream: string, subject: string, count: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await countInStream(nc, stream, subject)) >= count, { timeoutMs, intervalMs: 100, message: `stream ${stream} to hold ${count} messages on ${subject}` });
}

// ---- no-loss scenarios: proxies between the gateway and the simulator, metrics, exact history with losses ----

/** A TCP proxy in front of the simulator's WebSocket port that a test can take down (refuse and cut) and bring back. */
export interface SwitchableProxy {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  /** Connections accepted and piped so far. */
  readonly accepted: number;
  /** Connections refused while down. */
  readonly refused: number;
  readonly isUp: boolean;
  /** Cut every piped connection and refuse new ones until `up()`. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startSwitchableProxy(targetUrl: string): Promise<SwitchableProxy> {
  const { createServer, connect } = await import('node:net');
  const target = new URL(targetUrl);
  const sockets = new Set<import('node:net').Socket>();
  let isUp = true;
  let accepted = 0;
  let refused = 0;
  const server = createServer((client) => {
    if (!isUp) {
      refused++;
      client.destroy();
      return;
    }
    accepted++;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get refused() {
      return refused;
    },
    get isUp() {
      return isUp;
    },
    down() {
      isUp = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      isUp = true;
    },
    async close() {
      isUp = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

/** One REST exchange seen by `startRestRecorder`, as the venue answered it. */
export interface RecordedRest {
  readonly path: string;
  /** When the request reached the recorder (ms since the epoch). */
  readonly arrivedMs: number;
  /** When the venue's answer came back (ms since the epoch). */
  readonly answeredMs: number;
  readonly status: number;
  readonly retryAfterSec: number | undefined;
  /** The venue's `X-MBX-USED-WEIGHT-1M`. */
  readonly usedWeight: number | undefined;
}

/** An HTTP proxy in front of the simulator's REST API that records every request and the venue's answer. */
export interface RestRecorder {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly log: readonly RecordedRest[];
  /** Requests forwarded whose answer has not come back from the venue yet. */
  readonly inFlight: number;
  /** Most requests forwarded and not yet answered at one time. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

export async function startRestRecorder(targetUrl: string): Promise<RestRecorder> {
  const http = await import('node:http');
  const target = new URL(targetUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const log: RecordedRest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const arrivedMs = Date.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let answered = false;
    const upstream = http.request(
      { host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        const answeredMs = Date.now();
        answered = true;
        inFlight--; // answered: the client cannot have seen it before now
        const retry = answer.headers['retry-after'];
        const used = answer.headers['x-mbx-used-weight-1m'];
        log.push({
          path: (req.url ?? '').split('?')[0] ?? '',
          arrivedMs,
          answeredMs,
          status: answer.statusCode ?? 0,
          retryAfterSec: typeof retry === 'string' && /^[0-9]+$/.test(retry) ? Number(retry) : undefined,
          usedWeight: typeof used === 'string' && /^[0-9]+$/.test(used) ? Number(used) : undefined,
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!answered) inFlight--;
      answered = true;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

/**
 * Like `expectExactHistory`, except that the ids in `lost` (declared unrecoverable) must be absent:
 * every other simulator trade from the first published id on is present once, in id order, fields right.
 */
export function expectExactHistoryExcept(
  published: Array<{ msgId: string | undefined; event: Trade | Status }>,
  history: readonly SimTrade[],
  instrument: string,
  lost: ReadonlySet<number>,
): { ws: number; rest: number } {
  const kept = history.filter((t) => !lost.has(t.id));
  const ids = new Set(published.map((p) => Number((p.event as Trade).id)));
  expect([...lost].filter((id) => ids.has(id))).toEqual([]);
  return expectExactHistory(published, kept, instrument);
}
