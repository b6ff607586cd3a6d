import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../faults.js';
import { clientIp, sendJson } from '../http-util.js';
import type { Market } from '../market.js';
import { KeyedSlidingWindow } from '../rate-limit.js';

/** One REST answer, already serialized. */
export interface VenueRestAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** A parsed REST request handed to a venue's routes. */
export interface VenueRestRequest {
  readonly method: string;
  readonly url: URL;
  readonly ip: string;
  readonly headers: IncomingMessage['headers'];
}

/** A request over a limit: the status to answer, how long to wait, and until when. */
export interface RestRefusal {
  readonly status: number;
  readonly retryAfterSec: number;
  readonly untilMs: number;
}

/** A venue's public REST limit, per client IP. */
export interface RestLimiter {
  /** Count one request; a refusal when it is over the limit. */
  admit(req: VenueRestRequest): RestRefusal | undefined;
  /** What an IP used in the current window (requests, or weight). */
  used(ip: string): number;
  reset(): void;
}

/** The REST rules of a venue limited by a request count per window per IP. */
export interface VenueRestOptions {
  /** Public REST requests per window per IP. */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
}

/** `answer` with a `Retry-After` header of `retryAfterSec` seconds (its only header). */
export function withRetryAfter(answer: VenueRestAnswer, retryAfterSec: number): VenueRestAnswer {
  return { ...answer, headers: { 'Retry-After': String(retryAfterSec) } };
}

/** A request count per sliding window per IP; over it, 429 and a `Retry-After` of the window. */
export function requestCountLimit(rest: VenueRestOptions): RestLimiter {
  const window = new KeyedSlidingWindow(rest.requestsPerWindow, rest.windowMs);
  const retryAfterSec = Math.max(1, Math.ceil(rest.windowMs / 1000));
  return {
    admit: (req) => (window.hit(req.ip) ? undefined : { status: 429, retryAfterSec, untilMs: Date.now() + rest.windowMs }),
    used: (ip) => window.count(ip),
    reset: () => window.reset(),
  };
}

/** A venue's REST: its routes, its limit and its error answers. */
export interface VenueRestRoutes {
  /**
   * An answer given before REST faults and limits apply, or undefined to go on (default: every request
   * meets them). Binance answers an unknown path or method here, free of weight and faults.
   */
  readonly screen?: (req: VenueRestRequest) => VenueRestAnswer | undefined;
  /** The venue's routes; undefined for an unknown path. May throw: the answer is then `errorAnswer(500)`. */
  readonly handle: (req: VenueRestRequest, market: Market) => VenueRestAnswer | undefined;
  readonly limiter: RestLimiter;
  /** The venue's answer to a request over the limit (`limit`) or to a forced 429 / 418 (`fault`). */
  readonly tooManyRequests: (status: number, retryAfterSec: number, source: 'limit' | 'fault', untilMs: number) => VenueRestAnswer;
  /** The venue's answer to an unknown path, a forced server error, or a crash. */
  readonly errorAnswer: (status: number) => VenueRestAnswer;
  /**
   * Headers added to every answer after the screen, read as it is sent (Binance: the weight used);
   * an answer's own headers come after them.
   */
  readonly headers?: (req: VenueRestRequest) => Record<string, string>;
  /** Whether a request is a book snapshot (book-only REST faults apply to it). Default: none is. */
  readonly isSnapshot?: (req: VenueRestRequest) => boolean;
}

/**
 * Serve one REST request: the screen, then REST faults (latency, a forced status), then the limit, then the
 * routes. A crash is answered `errorAnswer(500)`.
 */
export function createRestHandler(routes: VenueRestRoutes, faults: Faults, market: Market): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = (res: ServerResponse, a: VenueRestAnswer, extra: Record<string, string> = {}) => sendJson(res, a.status, a.body, { ...extra, ...a.headers });

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const request: VenueRestRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://sim.invalid'), ip: clientIp(req), headers: req.headers };
    const screened = routes.screen?.(request);
    if (screened) {
      answer(res, screened);
      return;
    }
    const headers = () => routes.headers?.(request) ?? {};
    const fault = faults.decideRest(Date.now(), { snapshot: routes.isSnapshot?.(request) === true });
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.status !== undefined) {
      const retryAfterSec = fault.retryAfterSec ?? 1;
      const forced =
        fault.status === 429 || fault.status === 418
          ? routes.tooManyRequests(fault.status, retryAfterSec, 'fault', Date.now() + retryAfterSec * 1000)
          : routes.errorAnswer(fault.status);
      answer(res, forced, headers());
      return;
    }
    const refusal = routes.limiter.admit(request);
    if (refusal) {
      answer(res, routes.tooManyRequests(refusal.status, refusal.retryAfterSec, 'limit', refusal.untilMs), headers());
      return;
    }
    let result: VenueRestAnswer | undefined;
    try {
      result = routes.handle(request, market);
    } catch {
      result = routes.errorAnswer(500);
    }
    answer(res, result ?? routes.errorAnswer(404), headers());
  };

  return (req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) answer(res, routes.errorAnswer(500));
    });
  };
}
