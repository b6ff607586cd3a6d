import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChaosOptions, Faults, MalformedKind } from './faults.js';
import { readBody, sendJson } from './http-util.js';
import type { Market } from './market.js';

/** Path prefix of the simulator's own control endpoint (never a venue path). */
export const CONTROL_PREFIX = '/__sim/';

export interface ControlContext {
  readonly faults: Faults;
  readonly market: Market;
  /** Everything `GET /__sim/state` shows. */
  state(): unknown;
}

/** One fault to inject, as JSON sent to `POST /__sim/faults` (or read from CLI flags). */
export type FaultAction =
  | { type: 'skip' | 'duplicate' | 'reorder'; count?: number; symbol?: string }
  | { type: 'malformed'; count?: number; symbol?: string; kinds?: MalformedKind[] }
  | { type: 'drop'; connectionId?: number }
  | { type: 'close'; connectionId?: number; code?: number; reason?: string }
  | { type: 'stall'; connectionId?: number; durationMs: number }
  | { type: 'serverShutdown'; connectionId?: number }
  | { type: 'restLatency'; ms: number; requests?: number; durationMs?: number }
  | { type: 'restError'; status?: number; requests?: number; durationMs?: number }
  | { type: 'rest429' | 'rest418'; retryAfterSec?: number; requests?: number; durationMs?: number }
  | { type: 'bookSkip' | 'bookDuplicate' | 'bookReorder'; count?: number; symbol?: string }
  | { type: 'staleSnapshot'; requests?: number; symbol?: string; batchesBehind?: number }
  | { type: 'snapshotLatency'; ms: number; requests?: number; durationMs?: number }
  | { type: 'snapshot429'; retryAfterSec?: number; requests?: number; durationMs?: number }
  | { type: 'bookRestart'; symbol?: string }
  | ({ type: 'chaos' } & ChaosOptions)
  | { type: 'reset' };

/** Apply one fault action; returns what it did (e.g. how many connections it hit). */
export function applyFaultAction(faults: Faults, action: FaultAction): unknown {
  const a = action as FaultAction & Record<string, unknown>;
  const count = (fallback: number) => {
    const value = a['count'] ?? fallback;
    if (typeof value !== 'number') throw new Error('count must be a number');
    return value;
  };
  const symbol = typeof a['symbol'] === 'string' ? { symbol: a['symbol'] } : {};
  const connection = typeof a['connectionId'] === 'number' ? { connectionId: a['connectionId'] } : {};
  const rest = {
    ...(typeof a['requests'] === 'number' ? { requests: a['requests'] } : {}),
    ...(typeof a['durationMs'] === 'number' ? { durationMs: a['durationMs'] } : {}),
  };
  switch (action.type) {
    case 'skip':
      faults.skipFrames(count(1), symbol);
      return { queued: count(1) };
    case 'duplicate':
      faults.duplicateFrames(count(1), symbol);
      return { queued: count(1) };
    case 'reorder':
      faults.reorderFrames(count(2), symbol);
      return { queued: count(2) };
    case 'malformed':
      faults.malformFrames(count(1), { ...symbol, ...(action.kinds ? { kinds: action.kinds } : {}) });
      return { queued: count(1) };
    case 'drop':
      return { connections: faults.dropConnections(connection) };
    case 'close':
      return {
        connections: faults.closeConnections({
          ...connection,
          ...(action.code !== undefined ? { code: action.code } : {}),
          ...(action.reason !== undefined ? { reason: action.reason } : {}),
        }),
      };
    case 'stall':
      if (typeof action.durationMs !== 'number') throw new Error('stall needs durationMs');
      return { connections: faults.stallConnections(action.durationMs, connection) };
    case 'serverShutdown':
      return { connections: faults.sendServerShutdown(connection) };
    case 'restLatency':
      if (typeof action.ms !== 'number') throw new Error('restLatency needs ms');
      faults.restLatency(action.ms, rest);
      return { queued: true };
    case 'restError':
      faults.restErrors({ ...rest, ...(action.status !== undefined ? { status: action.status } : {}) });
      return { queued: true };
    case 'rest429':
    case 'rest418': {
      const scope = { ...rest, ...(action.retryAfterSec !== undefined ? { retryAfterSec: action.retryAfterSec } : {}) };
      if (action.type === 'rest429') faults.restTooManyRequests(scope);
      else faults.restBan(scope);
      return { queued: true };
    }
    case 'bookSkip':
      faults.skipBookDeltas(count(1), symbol);
      return { queued: count(1) };
    case 'bookDuplicate':
      faults.duplicateBookDeltas(count(1), symbol);
      return { queued: count(1) };
    case 'bookReorder':
      faults.reorderBookDeltas(count(2), symbol);
      return { queued: count(2) };
    case 'staleSnapshot':
      faults.staleSnapshots({
        ...symbol,
        ...(typeof a['requests'] === 'number' ? { requests: a['requests'] } : {}),
        ...(typeof a['batchesBehind'] === 'number' ? { batchesBehind: a['batchesBehind'] } : {}),
      });
      return { queued: true };
    case 'snapshotLatency':
      if (typeof action.ms !== 'number') throw new Error('snapshotLatency needs ms');
      faults.snapshotLatency(action.ms, rest);
      return { queued: true };
    case 'snapshot429':
      faults.snapshotTooManyRequests({ ...rest, ...(action.retryAfterSec !== undefined ? { retryAfterSec: action.retryAfterSec } : {}) });
      return { queued: true };
    case 'bookRestart':
      faults.restartBooks(symbol);
      return { restarted: a['symbol'] ?? 'all' };
    case 'chaos': {
      const { type: _type, ...chaos } = action;
      faults.chaos(chaos);
      return { chaos };
    }
    case 'reset':
      faults.reset();
      return { reset: true };
    default:
      throw new Error(`unknown fault type ${JSON.stringify((action as { type?: unknown }).type)}`);
  }
}

/**
 * Serve the control endpoint if `req` is for it; returns false otherwise.
 * - `GET  /__sim/state`: market, faults (with counters) and connections
 * - `POST /__sim/faults`: one fault action or an array of them
 * - `POST /__sim/generate`: `{"symbol":"BTCUSDT","count":5}` makes trades now
 * - `POST /__sim/market`: `{"running":true,"rate":50}` starts or stops automatic trading
 * - `POST /__sim/book`: `{"symbol":"BTCUSDT","count":3}` makes one batch of random book changes now
 * - `GET  /__sim/book?symbol=BTCUSDT[&updateId=N]`: the true book (now, or right after update id N)
 */
export function handleControl(req: IncomingMessage, res: ServerResponse, ctx: ControlContext): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(CONTROL_PREFIX)) return false;
  const route = `${req.method ?? 'GET'} ${path.slice(CONTROL_PREFIX.length)}`;
  void (async () => {
    try {
      switch (route) {
        case 'GET state':
          sendJson(res, 200, JSON.stringify(ctx.state()));
          return;
        case 'POST faults': {
          const body = await readJson(req);
          const actions = (Array.isArray(body) ? body : [body]) as FaultAction[];
          const results = actions.map((action) => applyFaultAction(ctx.faults, action));
          sendJson(res, 200, JSON.stringify({ ok: true, results, counters: ctx.faults.counters }));
          return;
        }
        case 'POST generate': {
          const body = (await readJson(req)) as { symbol?: unknown; count?: unknown };
          const symbols = typeof body.symbol === 'string' ? [body.symbol] : ctx.market.symbols().map((s) => s.symbol);
          const count = typeof body.count === 'number' ? body.count : 1;
          const made: Record<string, number[]> = {};
          for (const symbol of symbols) made[symbol] = ctx.market.generate(symbol, count).map((t) => t.id);
          sendJson(res, 200, JSON.stringify({ ok: true, trades: made }));
          return;
        }
        case 'POST market': {
          const body = (await readJson(req)) as { running?: unknown; rate?: unknown };
          if (body.running === false) ctx.market.stop();
          else ctx.market.start(typeof body.rate === 'number' ? body.rate : ctx.market.rate);
          sendJson(res, 200, JSON.stringify({ ok: true, running: ctx.market.running, rate: ctx.market.rate }));
          return;
        }
        case 'POST book': {
          const body = (await readJson(req)) as { symbol?: unknown; count?: unknown };
          const symbols = typeof body.symbol === 'string' ? [body.symbol] : ctx.market.symbols().map((s) => s.symbol);
          const count = typeof body.count === 'number' ? body.count : 1;
          const made: Record<string, { firstUpdateId: number; lastUpdateId: number } | null> = {};
          for (const symbol of symbols) {
            const batch = ctx.market.changeBook(symbol, count);
            made[symbol] = batch ? { firstUpdateId: batch.firstUpdateId, lastUpdateId: batch.lastUpdateId } : null;
          }
          sendJson(res, 200, JSON.stringify({ ok: true, batches: made }));
          return;
        }
        case 'GET book': {
          const query = new URL(req.url ?? '/', 'http://sim.invalid').searchParams;
          const symbol = query.get('symbol') ?? ctx.market.symbols()[0]?.symbol ?? '';
          const at = query.get('updateId');
          if (at !== null && !/^[0-9]{1,16}$/.test(at)) throw new Error('updateId must be a non-negative integer');
          sendJson(res, 200, JSON.stringify(at === null ? ctx.market.orderBook(symbol) : ctx.market.bookAt(symbol, Number(at))));
          return;
        }
        default:
          sendJson(res, 404, JSON.stringify({ error: `no control route ${route}` }));
      }
    } catch (error) {
      sendJson(res, 400, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  })();
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('expected a JSON object or array');
  return value;
}
