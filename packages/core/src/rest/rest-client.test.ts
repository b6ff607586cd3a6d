import { waitFor } from '@tickgate/testing';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestRequest } from '../adapter.js';
import { ParseError, RestError } from '../errors.js';
import { RestClient, type RestClientOptions } from './rest-client.js';

interface Arrival {
  readonly at: number;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const servers: { close(): Promise<void> }[] = [];
const clients: RestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(handler: Handler) {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    arrivals.push({ at: Date.now(), url: req.url ?? '', headers: req.headers });
    handler(req, res, arrivals.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

function client(options: Partial<RestClientOptions> & { baseUrl: string }): RestClient {
  const c = new RestClient({
    limits: { weightPerMinute: 1_000, maxTradesPerPage: 1_000, usedWeightHeader: 'x-mbx-used-weight-1m' },
    backoff: { baseMs: 5, capMs: 20 },
    ...options,
  });
  clients.push(c);
  return c;
}

function json<T>(path: string, weight = 1): RestRequest<T> {
  return { path, weight, parse: (body) => JSON.parse(body) as T };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

async function rejection(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    return e as RestError;
  }
  throw new Error('expected the request to fail');
}

describe('RestClient', () => {
  it('sends to the base URL (path prefix kept) with headers, and parses the body', async () => {
    const server = await startServer((_req, res) => reply(res, 200, '{"price":"97123.45"}'));
    const c = client({ baseUrl: `${server.url}/prefix/`, headers: { 'user-agent': 'tickgate-test' } });
    let seenUs = 0;
    const req: RestRequest<string> = {
      path: '/api/v3/ticker/price?symbol=BTCUSDT',
      weight: 2,
      headers: { 'x-extra': 'yes' },
      parse: (body, receiveTimeUs) => {
        seenUs = receiveTimeUs;
        return (JSON.parse(body) as { price: string }).price;
      },
    };
    const before = Date.now() * 1000;
    await expect(c.send(req)).resolves.toBe('97123.45');
    expect(server.arrivals).toHaveLength(1);
    expect(server.arrivals[0]!.url).toBe('/prefix/api/v3/ticker/price?symbol=BTCUSDT');
    expect(server.arrivals[0]!.headers['user-agent']).toBe('tickgate-test');
    expect(server.arrivals[0]!.headers['x-extra']).toBe('yes');
    expect(Number.isInteger(seenUs)).toBe(true);
    expect(seenUs).toBeGreaterThanOrEqual(before - 5_000);
    expect(seenUs).toBeLessThanOrEqual(Date.now() * 1000 + 5_000);
    const state = c.state();
    expect(state.requests).toEqual([{ path: '/api/v3/ticker/price', outcome: '200', count: 1 }]);
    expect(state.usedWeightLocal).toBe(2);
    expect(state).toMatchObject({ queued: 0, inFlight: 0, bannedUntilMs: undefined });
  });

  it('tracks the venue-reported weight and holds requests that would pass the budget', async () => {
    const server = await startServer((_req, res) => reply(res, 200, '[]', { 'x-mbx-used-weight-1m': '790' }));
    // A minute window: the report holds for the rest of the clock minute.
    const c = client({ baseUrl: server.url, limits: { weightPerMinute: 1_000, maxTradesPerPage: 1_000, usedWeightHeader: 'x-mbx-used-weight-1m' } });
    await c.send(json('/api/v3/trades?symbol=BTCUSDT', 5));
    expect(c.state()).toMatchObject({ budget: 800, usedWeightLocal: 5, usedWeightVenue: 790 });
    // 790 + 10 fits the 80 % budget; 790 + 11 does not, so it waits (and holds those behind it, in order).
    await c.send(json('/a', 10));
    const controller = new AbortController();
    const held = rejection(c.send(json('/b', 11), { signal: controller.signal }));
    const behind = rejection(c.send(json('/c', 1), { signal: controller.signal }));
    expect(c.state()).toMatchObject({ queued: 2, inFlight: 0 });
    expect(server.arrivals).toHaveLength(2);
    controller.abort(new Error('not waiting for the next minute'));
    expect((await held).message).toBe('not waiting for the next minute');
    expect((await behind).message).toBe('not waiting for the next minute');
    expect(c.state().queued).toBe(0);
  });

  it('waits for the next window when the venue reports the budget used', async () => {
    const windowMs = 200;
    const server = await startServer((_req, res) => reply(res, 200, '{}', { 'x-mbx-used-weight-1m': '9' }));
    const sentAt: number[] = [];
    const c = client({
      baseUrl: server.url,
      windowMs,
      limits: { weightPerMinute: 10, maxTradesPerPage: 100, usedWeightHeader: 'x-mbx-used-weight-1m' },
      observe: (s) => sentAt.push(s.sentAtMs),
    });
    // A report for a request that crossed a window boundary is ignored: repeat until one is taken.
    let window = -1;
    for (let i = 0; i < 10 && window < 0; i++) {
      await c.send(json('/x'));
      const now = Date.now();
      if (c.state().usedWeightVenue === 9) window = Math.floor(now / windowMs);
    }
    expect(window).toBeGreaterThanOrEqual(0);
    await c.send(json('/x'));
    expect(Math.floor(sentAt.at(-1)! / windowMs)).toBeGreaterThan(window);
  });

  it('never sends more than the budget in a window, with many concurrent callers', async () => {
    const windowMs = 200;
    const used = new Map<number, number>();
    const server = await startServer((req, res) => {
      // A venue counting weight per clock-aligned window and reporting it.
      const w = Math.floor(Date.now() / windowMs);
      const total = (used.get(w) ?? 0) + Number(new URL(req.url ?? '/', 'http://x').searchParams.get('w'));
      used.set(w, total);
      reply(res, 200, '{}', { 'x-mbx-used-weight-1m': String(total) });
    });
    const sent: { at: number; weight: number }[] = [];
    const c = client({
      baseUrl: server.url,
      windowMs,
      safetyFraction: 0.8,
      limits: { weightPerMinute: 10, maxTradesPerPage: 100, usedWeightHeader: 'x-mbx-used-weight-1m' },
      observe: (s) => sent.push({ at: s.sentAtMs, weight: s.weight }),
    });
    const weights = Array.from({ length: 30 }, (_, i) => (i % 5 === 0 ? 2 : 1));
    const results = await Promise.all(weights.map((w, i) => c.send(json(`/t?w=${w}&i=${i}`, w))));
    expect(results).toHaveLength(30);
    expect(server.arrivals).toHaveLength(30);
    // At most the budget (8 of 10) in any window of 200 ms, counted when each request was let through.
    sent.sort((a, b) => a.at - b.at);
    for (const s of sent) {
      const inWindow = sent.filter((o) => o.at >= s.at && o.at < s.at + windowMs).reduce((sum, o) => sum + o.weight, 0);
      expect(inWindow).toBeLessThanOrEqual(8);
    }
    // 36 weight at 8 per window: five bursts, the last at least four windows after the first.
    expect(sent.at(-1)!.at - sent[0]!.at).toBeGreaterThanOrEqual(4 * windowMs);
    expect(c.state().requests).toEqual([{ path: '/t', outcome: '200', count: 30 }]);
  });

  it('honours 429 Retry-After: nothing is sent until it passes, then the request is retried', async () => {
    const server = await startServer((_req, res, n) => (n === 1 ? reply(res, 429, '{"code":-1003}', { 'retry-after': '1' }) : reply(res, 200, `{"n":${n}}`)));
    const c = client({ baseUrl: server.url });
    const first = c.send(json<{ n: number }>('/limited'));
    await waitFor(() => c.state().pausedUntilMs !== undefined);
    const second = c.send(json<{ n: number }>('/other'));
    expect(c.state().queued).toBe(2); // the retry first in line, then the new request
    await expect(first).resolves.toEqual({ n: 2 });
    await expect(second).resolves.toEqual({ n: 3 });
    const [a, b, d] = server.arrivals;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(1_000);
    expect(d!.at - a!.at).toBeGreaterThanOrEqual(1_000);
    expect(c.state().requests).toEqual([
      { path: '/limited', outcome: '429', count: 1 },
      { path: '/limited', outcome: '200', count: 1 },
      { path: '/other', outcome: '200', count: 1 },
    ]);
  });

  it('after a 429, sends one request at a time until one is answered, then all at once again', async () => {
    let open = 0;
    let most = 0;
    const openAt: number[] = [];
    const server = await startServer((_req, res, n) => {
      if (n === 1) return reply(res, 429, '{"code":-1003}', { 'retry-after': '1' });
      open += 1;
      openAt.push(open);
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        reply(res, 200, `{"n":${n}}`);
      }, 40);
    });
    const c = client({ baseUrl: server.url, connections: 4 });
    const first = c.send(json<{ n: number }>('/limited'));
    await waitFor(() => c.state().pausedUntilMs !== undefined);
    const rest = [1, 2, 3, 4, 5].map((i) => c.send(json<{ n: number }>(`/more/${i}`)));
    await Promise.all([first, ...rest]);
    // the retry of the limited request goes alone (concurrency 1), and only its answer lets the others go
    expect(openAt[0]).toBe(1);
    expect(server.arrivals[2]!.at - server.arrivals[1]!.at).toBeGreaterThanOrEqual(35);
    // after that answer, the client is back to sending concurrently
    expect(most).toBeGreaterThan(1);
  });

  it('fails with TICKGATE_REST_RATE_LIMITED when the attempts run out', async () => {
    const server = await startServer((_req, res) => reply(res, 429, '{"code":-1003,"msg":"Too many requests"}', { 'retry-after': '0' }));
    const c = client({ baseUrl: server.url, maxAttempts: 2 });
    const err = await rejection(c.send(json('/x')));
    expect(err).toBeInstanceOf(RestError);
    expect(err).toMatchObject({ code: 'TICKGATE_REST_RATE_LIMITED', statusCode: 429, retryAfterSec: 0, retryable: true, body: '{"code":-1003,"msg":"Too many requests"}' });
    expect(server.arrivals).toHaveLength(2);
  });

  it('on 418 stops all REST until Retry-After passes: fail-fast callers fail, waiting callers wait', async () => {
    const server = await startServer((_req, res, n) => (n === 1 ? reply(res, 418, '{"code":-1003}', { 'retry-after': '1' }) : reply(res, 200, `{"n":${n}}`)));
    const c = client({ baseUrl: server.url }); // onBan: 'fail' by default
    const err = await rejection(c.send(json('/banned')));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_BANNED', statusCode: 418, retryAfterSec: 1, retryable: true });
    const bannedUntil = c.state().bannedUntilMs;
    expect(bannedUntil).toBeGreaterThan(Date.now());
    // During the ban: fail-fast callers fail at once, nothing is sent.
    const again = await rejection(c.send(json('/other')));
    expect(again).toMatchObject({ code: 'TICKGATE_REST_BANNED', retryable: true });
    expect(again.retryAfterSec).toBeGreaterThan(0);
    expect(server.arrivals).toHaveLength(1);
    // A caller that can wait is sent once the ban has passed.
    await expect(c.send(json('/patient'), { onBan: 'wait' })).resolves.toEqual({ n: 2 });
    expect(server.arrivals[1]!.at).toBeGreaterThanOrEqual(bannedUntil!);
    expect(c.state().bannedUntilMs).toBeUndefined();
    expect(c.state().requests).toContainEqual({ path: '/other', outcome: 'banned', count: 1 });
  });

  it('with onBan "wait", retries the banned request itself after the ban', async () => {
    const server = await startServer((_req, res, n) => (n === 1 ? reply(res, 418, '', { 'retry-after': '1' }) : reply(res, 200, '"ok"')));
    const c = client({ baseUrl: server.url, onBan: 'wait' });
    await expect(c.send(json('/x'))).resolves.toBe('ok');
    expect(server.arrivals[1]!.at - server.arrivals[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('fails queued fail-fast requests when a ban begins', async () => {
    const server = await startServer((_req, res) => reply(res, 418, '', { 'retry-after': '30' }));
    // A budget of 1 per window: the second request waits in the queue behind the first.
    const c = client({ baseUrl: server.url, windowMs: 60_000, limits: { weightPerMinute: 1, maxTradesPerPage: 100 } });
    const first = c.send(json('/a'));
    const queued = c.send(json('/b'));
    expect(c.state().queued).toBe(1);
    await expect(first).rejects.toMatchObject({ code: 'TICKGATE_REST_BANNED', retryAfterSec: 30 });
    await expect(queued).rejects.toMatchObject({ code: 'TICKGATE_REST_BANNED' });
    expect(server.arrivals).toHaveLength(1);
  });

  it('retries 5xx with backoff and succeeds', async () => {
    const server = await startServer((_req, res, n) => (n < 3 ? reply(res, n === 1 ? 503 : 502, 'busy') : reply(res, 200, '[1]')));
    const c = client({ baseUrl: server.url, maxAttempts: 4 });
    await expect(c.send(json('/x'))).resolves.toEqual([1]);
    expect(server.arrivals).toHaveLength(3);
    expect(c.state().retries).toBe(2);
  });

  it('gives up on 5xx after maxAttempts with a retryable TICKGATE_REST_STATUS', async () => {
    const server = await startServer((_req, res) => reply(res, 500, 'oops', { 'x-request-id': 'abc' }));
    const c = client({ baseUrl: server.url, maxAttempts: 3 });
    const err = await rejection(c.send(json('/x')));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_STATUS', statusCode: 500, body: 'oops', retryable: true });
    expect(err.headers['x-request-id']).toBe('abc');
    expect(server.arrivals).toHaveLength(3);
  });

  it('does not retry other 4xx', async () => {
    const server = await startServer((_req, res) => reply(res, 400, '{"code":-1121,"msg":"Invalid symbol."}'));
    const c = client({ baseUrl: server.url });
    const err = await rejection(c.send(json('/x')));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_STATUS', statusCode: 400, retryable: false, body: '{"code":-1121,"msg":"Invalid symbol."}' });
    expect(server.arrivals).toHaveLength(1);
  });

  it('turns a network error into a retryable TICKGATE_REST_NETWORK after its attempts', async () => {
    const server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    const c = client({ baseUrl: url, maxAttempts: 2 });
    const err = await rejection(c.send(json('/x')));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_NETWORK', retryable: true });
    expect(c.state().requests).toEqual([{ path: '/x', outcome: 'network', count: 2 }]);
  });

  it('times out a venue that does not answer', async () => {
    const server = await startServer(() => undefined); // never replies
    const c = client({ baseUrl: server.url, timeoutMs: 100, maxAttempts: 2 });
    const err = await rejection(c.send(json('/slow')));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_NETWORK', retryable: true });
    expect(err.message).toMatch(/timed out/);
    expect(c.state().requests).toEqual([{ path: '/slow', outcome: 'timeout', count: 2 }]);
  });

  it('fails a body the request cannot parse with TICKGATE_REST_PARSE, without retrying', async () => {
    const server = await startServer((_req, res) => reply(res, 200, '<html>maintenance</html>'));
    const c = client({ baseUrl: server.url });
    const req: RestRequest<number> = {
      path: '/x',
      weight: 1,
      parse: () => {
        throw new ParseError('malformed-json', 'not JSON');
      },
    };
    const err = await rejection(c.send(req));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_PARSE', statusCode: 200, body: '<html>maintenance</html>', retryable: false });
    expect(err.cause).toBeInstanceOf(ParseError);
    expect(server.arrivals).toHaveLength(1);
    expect(c.state().parseErrors).toBe(1);
  });

  it('settles a request whose retry would come after close()', async () => {
    const server = await startServer((_req, res) => {
      setTimeout(() => reply(res, 429, '', { 'retry-after': '0' }), 50);
    });
    const c = client({ baseUrl: server.url });
    const pending = rejection(c.send(json('/x')));
    await waitFor(() => server.arrivals.length === 1);
    await c.close();
    expect(await pending).toMatchObject({ code: 'TICKGATE_REST_RATE_LIMITED', statusCode: 429 });
    expect(server.arrivals).toHaveLength(1);
  });

  it('takes receive times, bans and Retry-After dates from the injected clock', async () => {
    // A clock a day behind the host: every time the client reports or waits for is on its scale.
    const offsetUs = -86_400_000_000;
    const clock = { nowUs: () => Math.round(Date.now() * 1000) + offsetUs };
    const retryAt = new Date(Date.now() + offsetUs / 1000 + 30_000).toUTCString();
    const server = await startServer((_req, res, n) => (n === 1 ? reply(res, 200, '1') : reply(res, 418, '', { 'retry-after': retryAt })));
    const c = client({ baseUrl: server.url, clock });
    let seenUs = 0;
    await c.send({ path: '/t', weight: 1, parse: (_body, receiveTimeUs) => (seenUs = receiveTimeUs) });
    expect(Math.abs(seenUs - clock.nowUs())).toBeLessThan(5_000_000);
    const err = await rejection(c.send(json('/x')));
    expect(err).toMatchObject({ code: 'TICKGATE_REST_BANNED' });
    // The HTTP date is 30 s ahead on the client's clock (HTTP dates have whole seconds).
    expect(err.retryAfterSec).toBeGreaterThan(25);
    expect(err.retryAfterSec).toBeLessThanOrEqual(30);
    const bannedUntil = c.state().bannedUntilMs!;
    expect(Math.abs(bannedUntil - (clock.nowUs() / 1000 + 30_000))).toBeLessThan(5_000);
  });

  it('waits at least a 5xx Retry-After before retrying', async () => {
    const server = await startServer((_req, res, n) => (n === 1 ? reply(res, 503, '', { 'retry-after': '0.3' }) : reply(res, 200, '2')));
    const c = client({ baseUrl: server.url });
    await expect(c.send(json('/x'))).resolves.toBe(2);
    expect(server.arrivals[1]!.at - server.arrivals[0]!.at).toBeGreaterThanOrEqual(300);
  });

  it('refuses a request heavier than the venue allows per window', async () => {
    const c = client({ baseUrl: 'http://127.0.0.1:9', limits: { weightPerMinute: 10, maxTradesPerPage: 100 } });
    await expect(c.send(json('/x', 11))).rejects.toMatchObject({ code: 'TICKGATE_REST_BUDGET', retryable: false });
  });

  it('reports every attempt to observe(), and fails what is still waiting on close()', async () => {
    const server = await startServer((_req, res) => reply(res, 200, '1'));
    const samples: string[] = [];
    const c = new RestClient({
      baseUrl: server.url,
      windowMs: 60_000,
      limits: { weightPerMinute: 1, maxTradesPerPage: 100 },
      observe: (s) => samples.push(`${s.path} ${s.outcome} ${s.weight}`),
    });
    await c.send(json('/a?q=1'));
    const waiting = rejection(c.send(json('/b')));
    expect(samples).toEqual(['/a 200 1']);
    await c.close();
    expect(await waiting).toMatchObject({ code: 'TICKGATE_REST_NETWORK', retryable: false });
    await expect(c.send(json('/c'))).rejects.toMatchObject({ code: 'TICKGATE_REST_NETWORK' });
  });
});
