// Public surface of this folder; re-exported by ../index.ts.

/**
 * The venue REST client: one per venue (one weight budget shared by all its instruments), over an
 * undici `Pool`; slows down before the budget, honours 429 `Retry-After` and 418 bans, retries 5xx and
 * network errors with capped backoff, and exposes its state for metrics.
 */
export { RestClient, type RestClientOptions, type RestClientState, type RestSample, type SendOptions, type BanPolicy } from './rest-client.js';
/** Sliding-window weight accounting combined with the venue's used-weight reports (pure). */
export { WeightWindow } from './weight-window.js';
/** Seconds from a `Retry-After` header value (delay-seconds or HTTP date). */
export { parseRetryAfter } from './retry-after.js';
