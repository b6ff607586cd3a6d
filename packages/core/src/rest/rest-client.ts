import { Pool } from 'undici';
import type { RestLimits, RestRequest } from '../adapter.js';
import { backoffDelayMs, type BackoffPolicy } from '../backoff.js';
import { monotonicMs, systemClock, type Clock } from '../clock.js';
import { RestError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { parseRetryAfter } from './retry-after.js';
import { WeightWindow } from './weight-window.js';

/** What to do with a request while the venue has banned this IP (HTTP 418). */
export type BanPolicy = 'fail' | 'wait';

export interface RestClientOptions {
  /** The venue's REST base URL (`https://api.binance.com`); a path prefix is kept. */
  readonly baseUrl: string;
  /** The venue's rate-limit facts (`adapter.rest.limits`). */
  readonly limits: RestLimits;
  /** Venue id, for messages and logs. */
  readonly venue?: string;
  /** Fraction of `limits.weightPerMinute` this client allows itself per window (default 0.8). */
  readonly safetyFraction?: number;
  /** Length of the venue's weight window, ms (default 60 000: the `weightPerMinute` minute). */
  readonly windowMs?: number;
  /** Time allowed for the response headers, and again for the body, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Tries per request, for retryable failures: 429, 5xx, network errors and timeouts (default 4). */
  readonly maxAttempts?: number;
  /** Backoff between tries after 5xx and network errors: full jitter, capped exponential (default 250 ms .. 8 s). */
  readonly backoff?: BackoffPolicy;
  /**
   * During a ban (418): `fail` (default) rejects at once with `TICKGATE_REST_BANNED` (its `retryAfterSec`
   * says when to try again); `wait` queues the request until the ban has passed. Per-call override in `send`.
   */
  readonly onBan?: BanPolicy;
  /** Ban length when a 418 carries no `Retry-After`, s (default 120). */
  readonly defaultBanSec?: number;
  /** Pause when a 429 carries no `Retry-After`, s (default 1 s, or until the weight window ends if later). */
  readonly defaultRetryAfterSec?: number;
  /** Connections to the venue (default 4). */
  readonly connections?: number;
  /** Headers sent with every request (e.g. `user-agent`); a request's own headers win. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  /** Called after each HTTP exchange (or failed attempt), for metrics. */
  readonly observe?: (sample: RestSample) => void;
  /**
   * Wall clock (default {@link systemClock}): the `receiveTimeUs` passed to `parse`, and, in whole ms,
   * weight windows (aligned to the venue's calendar windows), pauses, bans and `Retry-After` dates.
   */
  readonly clock?: Clock;
  /** Random number in [0, 1) for the backoff jitter (default `Math.random`). */
  readonly random?: () => number;
}

export interface SendOptions {
  /** Overrides the client's `onBan` for this request. */
  readonly onBan?: BanPolicy;
  /** Abort while queued, backing off or in flight: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One HTTP attempt, for metrics. */
export interface RestSample {
  /** Endpoint path without the query. */
  readonly path: string;
  /** HTTP status as text (`"200"`), or `network` / `timeout` / `aborted` when no response came. */
  readonly outcome: string;
  readonly durationMs: number;
  readonly weight: number;
  /** When the attempt was let through the budget (client clock, ms since the epoch): what the weight window counted. */
  readonly sentAtMs: number;
}

/** A snapshot of the client's state, for metrics and health. */
export interface RestClientState {
  /** Weight this client allows itself per window (safety fraction applied). */
  readonly budget: number;
  /** The venue's hard limit per window. */
  readonly limit: number;
  /** Weight sent by this client in the last window. */
  readonly usedWeightLocal: number;
  /** The venue's last used-weight report for the current window, when there is one. */
  readonly usedWeightVenue: number | undefined;
  /** While banned (418): when the ban ends, ms since the epoch. */
  readonly bannedUntilMs: number | undefined;
  /** While paused after a 429: when the pause ends, ms since the epoch. */
  readonly pausedUntilMs: number | undefined;
  /** Requests waiting for budget, a pause or a ban. */
  readonly queued: number;
  /** Requests waiting out a backoff before their next try. */
  readonly backingOff: number;
  readonly inFlight: number;
  /** Attempts by endpoint path (no query) and outcome (HTTP status, `network`, `timeout`, `aborted`, or `banned` for requests failed fast during a ban, never sent). */
  readonly requests: readonly { readonly path: string; readonly outcome: string; readonly count: number }[];
  /** Successful responses whose body `parse` rejected. */
  readonly parseErrors: number;
  /** Attempts beyond the first. */
  readonly retries: number;
}

interface Job {
  readonly req: RestRequest<unknown>;
  readonly path: string;
  readonly onBan: BanPolicy;
  readonly signal: AbortSignal | undefined;
  attempt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort?: () => void;
  backoffTimer?: NodeJS.Timeout;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The REST client for one venue: one instance (one weight budget) is shared by every instrument and
 * task that calls the venue, so that together they can never exceed its limits.
 *
 * - **Budget**: requests are sent in order (FIFO) while the weight used — the larger of what this
 *   client sent in the last window and what the venue reports in `limits.usedWeightHeader` — stays
 *   within `safetyFraction` of `limits.weightPerMinute`; beyond it they wait until weight frees up.
 *   A request heavier than the venue's whole limit fails at once (`TICKGATE_REST_BUDGET`).
 * - **429**: nothing is sent to the venue until `Retry-After` has passed; the request is then retried
 *   (first in line) while it has attempts left, else it fails with `TICKGATE_REST_RATE_LIMITED`.
 *   After a 429 or a 418, requests go one at a time until the venue answers one without a rate-limit
 *   status, so that every caller of the venue (all its feeds and instruments share this client) does
 *   not resume at once into another 429, which Binance turns into a ban.
 * - **418 (ban)**: nothing is sent until `Retry-After` has passed. Requests whose ban policy is `fail`
 *   fail with `TICKGATE_REST_BANNED` (retryable, `retryAfterSec` set), at once when sent during the ban;
 *   those with `wait` are queued and sent afterwards.
 * - **5xx, network errors, timeouts**: retried after a capped exponential backoff with full jitter
 *   (at least a 5xx's `Retry-After`, if it gave one), up to `maxAttempts`; then `TICKGATE_REST_STATUS` /
 *   `TICKGATE_REST_NETWORK` (retryable). Other requests go on meanwhile.
 * - **Other statuses** fail with `TICKGATE_REST_STATUS` (not retryable); a 2xx body that `parse`
 *   rejects fails with `TICKGATE_REST_PARSE` (not retryable). Errors keep status, headers and body.
 */
export class RestClient {
  readonly baseUrl: string;
  readonly venue: string;

  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly window: WeightWindow;
  private readonly limits: RestLimits;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly onBan: BanPolicy;
  private readonly defaultBanSec: number;
  private readonly defaultRetryAfterSec: number;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly log: Logger;
  private readonly observe: ((sample: RestSample) => void) | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;

  private readonly queue: Job[] = [];
  private readonly backingOff = new Set<Job>();
  private inFlight = 0;
  private bannedUntil = 0;
  private pausedUntil = 0;
  /** After a 429 or 418: one request at a time until one is answered without a rate-limit status. */
  private probing = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  private readonly counts = new Map<string, Map<string, number>>();
  private parseErrors = 0;
  private retries = 0;

  constructor(options: RestClientOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.venue = options.venue ?? url.hostname;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.limits = options.limits;
    this.window = new WeightWindow(options.limits.weightPerMinute, options.safetyFraction ?? 0.8, options.windowMs ?? 60_000);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.backoff = options.backoff ?? { baseMs: 250, capMs: 8_000 };
    this.onBan = options.onBan ?? 'fail';
    this.defaultBanSec = options.defaultBanSec ?? 120;
    this.defaultRetryAfterSec = options.defaultRetryAfterSec ?? 1;
    this.headers = options.headers ?? {};
    this.log = (options.logger ?? silentLogger).child({ venue: this.venue, component: 'rest' });
    this.observe = options.observe;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 4,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
    });
  }

  /**
   * Send `req` (GET `baseUrl + req.path`) within the venue's limits and return what `req.parse` makes
   * of the 2xx body. Rejects with a `RestError` (see the class comment), or the signal's reason.
   */
  send<T>(req: RestRequest<T>, options: SendOptions = {}): Promise<T> {
    const path = req.path.split('?', 1)[0] ?? req.path;
    if (this.closed) return Promise.reject(new RestError('TICKGATE_REST_NETWORK', `${this.venue} REST client is closed`, { retryable: false }));
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    if (!(req.weight >= 0) || req.weight > this.limits.weightPerMinute) {
      return Promise.reject(
        new RestError('TICKGATE_REST_BUDGET', `${this.venue} ${path}: weight ${req.weight} exceeds the venue limit of ${this.limits.weightPerMinute} per window`, { retryable: false }),
      );
    }
    const onBan = options.onBan ?? this.onBan;
    const now = this.nowMs();
    if (onBan === 'fail' && this.bannedUntil > now) {
      this.count(path, 'banned');
      return Promise.reject(this.bannedError(path, now));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = { req, path, onBan, signal: options.signal, attempt: 0, resolve: resolve as (v: unknown) => void, reject };
      if (job.signal) {
        const signal = job.signal;
        job.onAbort = () => this.abortJob(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** A snapshot for metrics. */
  state(): RestClientState {
    const now = this.nowMs();
    const requests: { path: string; outcome: string; count: number }[] = [];
    for (const [path, byOutcome] of this.counts) for (const [outcome, count] of byOutcome) requests.push({ path, outcome, count });
    return {
      budget: this.window.budget,
      limit: this.window.limit,
      usedWeightLocal: this.window.localUsed(now),
      usedWeightVenue: this.window.venueReported(now),
      bannedUntilMs: this.bannedUntil > now ? this.bannedUntil : undefined,
      pausedUntilMs: this.pausedUntil > now ? this.pausedUntil : undefined,
      queued: this.queue.length,
      backingOff: this.backingOff.size,
      inFlight: this.inFlight,
      requests,
      parseErrors: this.parseErrors,
      retries: this.retries,
    };
  }

  /** Fail queued and backing-off requests, stop timers and close the connections (waits for requests in flight). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    const error = new RestError('TICKGATE_REST_NETWORK', `${this.venue} REST client closed`, { retryable: false });
    for (const job of this.queue.splice(0)) this.finish(job, error, false);
    for (const job of [...this.backingOff]) this.finish(job, error, false);
    await this.pool.close();
  }

  // ---- scheduling --------------------------------------------------------------------------------

  /** Wall time in whole ms since the epoch, from the client's clock. */
  private nowMs(): number {
    return Math.floor(this.clock.nowUs() / 1000);
  }

  private pump(): void {
    while (!this.closed) {
      const job = this.queue[0];
      if (job === undefined) return;
      const now = this.nowMs();
      if (this.bannedUntil > now) {
        this.failBannedJobs(now);
        if (this.queue.length > 0) this.wakeAt(this.bannedUntil);
        return;
      }
      if (this.pausedUntil > now) {
        this.wakeAt(this.pausedUntil);
        return;
      }
      if (this.probing && this.inFlight > 0) return; // the answer in flight calls pump() again
      const weight = job.req.weight;
      if (!this.window.fits(weight, now)) {
        this.wakeAt(Math.max(now + 1, this.window.nextFit(weight, now)));
        return;
      }
      this.queue.shift();
      this.window.take(weight, now);
      void this.dispatch(job, now);
    }
  }

  private wakeAt(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, at - this.nowMs()),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private failBannedJobs(now: number): void {
    for (let i = 0; i < this.queue.length; i++) {
      const job = this.queue[i];
      if (job === undefined || job.onBan !== 'fail') continue;
      this.queue.splice(i--, 1);
      this.count(job.path, 'banned');
      this.finish(job, this.bannedError(job.path, now), false);
    }
  }

  private bannedError(path: string, now: number): RestError {
    const retryAfterSec = Math.ceil((this.bannedUntil - now) / 1000);
    return new RestError('TICKGATE_REST_BANNED', `${this.venue} ${path}: REST banned (418) for another ${retryAfterSec} s`, { statusCode: 418, retryAfterSec, retryable: true });
  }

  // ---- one attempt -------------------------------------------------------------------------------

  private async dispatch(job: Job, sentAt: number): Promise<void> {
    this.inFlight++;
    job.attempt++;
    if (job.attempt > 1) this.retries++;
    const started = monotonicMs();
    let response: { status: number; headers: Record<string, string>; body: string; receiveTimeUs: number; now: number } | undefined;
    try {
      const res = await this.pool.request({
        method: 'GET',
        path: this.prefix + job.req.path,
        headers: { ...this.headers, ...job.req.headers },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(job.signal ? { signal: job.signal } : {}),
      });
      const body = await res.body.text();
      const receiveTimeUs = this.clock.nowUs();
      response = { status: res.statusCode, headers: flattenHeaders(res.headers), body, receiveTimeUs, now: Math.floor(receiveTimeUs / 1000) };
    } catch (cause) {
      this.inFlight--;
      if (job.signal?.aborted) {
        this.observeAttempt(job, 'aborted', started, sentAt);
        this.finish(job, job.signal.reason, false);
      } else {
        const code = (cause as { code?: unknown })?.code;
        const outcome = typeof code === 'string' && TIMEOUT_CODES.has(code) ? 'timeout' : 'network';
        this.observeAttempt(job, outcome, started, sentAt);
        const message = `${this.venue} ${job.path}: ${outcome === 'timeout' ? 'timed out' : 'network error'}: ${(cause as Error)?.message ?? String(cause)}`;
        this.retryLater(job, new RestError('TICKGATE_REST_NETWORK', message, { retryable: true, cause }));
      }
    }
    if (response !== undefined) {
      this.inFlight--;
      this.noteWeight(response.headers, sentAt, response.now);
      this.observeAttempt(job, String(response.status), started, sentAt);
      this.handleResponse(job, response.status, response.headers, response.body, response.receiveTimeUs, response.now);
    }
    this.pump();
  }

  private handleResponse(job: Job, status: number, headers: Record<string, string>, body: string, receiveTimeUs: number, now: number): void {
    const where = `${this.venue} ${job.path}`;
    const details = { statusCode: status, headers, body: body.length > 2000 ? body.slice(0, 2000) : body };
    this.probing = status === 429 || status === 418 || (this.probing && status >= 500);
    if (status >= 200 && status < 300) {
      let value: unknown;
      try {
        value = job.req.parse(body, receiveTimeUs);
      } catch (cause) {
        this.parseErrors++;
        this.finish(job, new RestError('TICKGATE_REST_PARSE', `${where}: unreadable response: ${(cause as Error)?.message ?? String(cause)}`, { ...details, retryable: false, cause }), false);
        return;
      }
      this.finish(job, value, true);
      return;
    }
    const retryAfter = parseRetryAfter(headers['retry-after'], now);
    if (status === 418) {
      const sec = retryAfter ?? this.defaultBanSec;
      this.bannedUntil = Math.max(this.bannedUntil, now + sec * 1000);
      this.log.error({ path: job.path, retryAfterSec: sec }, 'REST banned by the venue (418): no REST until the ban passes');
      const error = new RestError('TICKGATE_REST_BANNED', `${where}: banned (418), retry after ${sec} s`, { ...details, retryAfterSec: sec, retryable: true });
      if (job.onBan === 'wait' && job.attempt < this.maxAttempts) this.requeueFirst(job, error);
      else this.finish(job, error, false);
      this.failBannedJobs(now);
      return;
    }
    if (status === 429) {
      const windowLeft = (this.window.nextFit(job.req.weight, now) - now) / 1000;
      const sec = retryAfter ?? Math.max(this.defaultRetryAfterSec, windowLeft);
      this.pausedUntil = Math.max(this.pausedUntil, now + sec * 1000);
      this.log.warn({ path: job.path, retryAfterSec: sec }, 'REST rate limited (429): pausing');
      const error = new RestError('TICKGATE_REST_RATE_LIMITED', `${where}: rate limited (429), retry after ${sec} s`, { ...details, retryAfterSec: sec, retryable: true });
      if (job.attempt < this.maxAttempts) this.requeueFirst(job, error);
      else this.finish(job, error, false);
      return;
    }
    if (status >= 500) {
      const error = new RestError('TICKGATE_REST_STATUS', `${where}: HTTP ${status}`, { ...details, ...(retryAfter !== undefined ? { retryAfterSec: retryAfter } : {}), retryable: true });
      this.retryLater(job, error, (retryAfter ?? 0) * 1000);
      return;
    }
    this.finish(job, new RestError('TICKGATE_REST_STATUS', `${where}: HTTP ${status}`, { ...details, ...(retryAfter !== undefined ? { retryAfterSec: retryAfter } : {}), retryable: false }), false);
  }

  /** Retry first in line (it waits out the pause or ban in the queue); fails with `error` once closed. */
  private requeueFirst(job: Job, error: RestError): void {
    if (this.closed) this.finish(job, error, false);
    else this.queue.unshift(job);
  }

  /** Retry after a backoff (at least `minDelayMs`), or fail with `error` when out of attempts. */
  private retryLater(job: Job, error: RestError, minDelayMs = 0): void {
    if (job.attempt >= this.maxAttempts || this.closed) {
      this.finish(job, error, false);
      return;
    }
    const delay = Math.max(minDelayMs, backoffDelayMs(this.backoff, job.attempt - 1, this.random));
    this.log.debug({ path: job.path, attempt: job.attempt, delayMs: delay, err: error.message }, 'REST retry after backoff');
    this.backingOff.add(job);
    job.backoffTimer = setTimeout(() => {
      job.backoffTimer = undefined;
      this.backingOff.delete(job);
      this.requeueFirst(job, error);
      this.pump();
    }, delay);
  }

  private abortJob(job: Job, reason: unknown): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
    else if (!this.backingOff.has(job)) return; // in flight: undici rejects, dispatch finishes it
    this.finish(job, reason, false);
  }

  private finish(job: Job, result: unknown, ok: boolean): void {
    if (job.backoffTimer !== undefined) clearTimeout(job.backoffTimer);
    job.backoffTimer = undefined;
    this.backingOff.delete(job);
    if (job.onAbort && job.signal) job.signal.removeEventListener('abort', job.onAbort);
    if (ok) job.resolve(result);
    else job.reject(result);
  }

  // ---- accounting --------------------------------------------------------------------------------

  private noteWeight(headers: Record<string, string>, sentAt: number, now: number): void {
    const name = this.limits.usedWeightHeader;
    if (name === undefined) return;
    const text = headers[name.toLowerCase()];
    if (text === undefined || !/^[0-9]+$/.test(text.trim())) return;
    this.window.noteVenueUsed(Number(text), sentAt, now);
  }

  private observeAttempt(job: Job, outcome: string, started: number, sentAt: number): void {
    this.count(job.path, outcome);
    if (this.observe === undefined) return;
    try {
      this.observe({ path: job.path, outcome, durationMs: monotonicMs() - started, weight: job.req.weight, sentAtMs: sentAt });
    } catch (err) {
      this.log.warn({ err }, 'REST observe callback threw');
    }
  }

  private count(path: string, outcome: string): void {
    let byOutcome = this.counts.get(path);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      this.counts.set(path, byOutcome);
    }
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
