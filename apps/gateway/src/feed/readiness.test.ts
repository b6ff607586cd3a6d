import { describe, expect, it } from 'vitest';
import { ConfigError } from '@tickgate/core';
import { validateConfig } from '../config/load.js';
import { HttpConfig } from '../config/schema.js';
import { assessInstrument, DEFAULT_UNREADY_AFTER_MS, PollOutcomes, type InstrumentFacts } from './readiness.js';

const AFTER = 1_500;
const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function facts(over: Partial<InstrumentFacts> = {}): InstrumentFacts {
  return { instrument: 'BTC-USDT', stream: 'live', idsBackwards: false, ...over };
}

describe('assessInstrument', () => {
  it('a live instrument is ready, even when its last poll failed and nothing was published for long', () => {
    expect(assessInstrument(facts({ stream: 'live', lastPublishedMs: T0 - 60_000, poll: { failing: { sinceMs: T0 - 60_000, error: 'boom' } } }), T0, AFTER)).toBeUndefined();
  });

  it('stream down, polls failing, nothing published for unreadyAfterMs: stream-down-rest-failing, naming the error and the silence', () => {
    const clock = manualClock();
    const polls = new PollOutcomes(clock.now);
    const downSinceMs = clock.now();
    const lastPublishedMs = clock.now() - 100;
    clock.advance(200);
    polls.failed('BTC-USDT', 'TICKGATE_REST_NETWORK: connect ECONNREFUSED');
    const at = () => assessInstrument(facts({ stream: 'fallback', downSinceMs, lastPublishedMs, poll: polls.of('BTC-USDT')! }), clock.now(), AFTER);
    expect(at()).toBeUndefined(); // 200 ms since the stream went down: not yet
    clock.advance(AFTER - 201);
    expect(at()).toBeUndefined(); // 1,499 ms
    clock.advance(1);
    expect(at()).toEqual({
      instrument: 'BTC-USDT',
      reason: 'stream-down-rest-failing',
      message: `stream down, REST polls failing and nothing published for ${AFTER} ms`,
      error: 'TICKGATE_REST_NETWORK: connect ECONNREFUSED',
      silentMs: AFTER,
    });
  });

  it('unreadable frames with failing polls: unreadable-rest-failing, measured from when they became unreadable', () => {
    const poll = { lastOkMs: T0 - 10_000, failing: { sinceMs: T0 - 9_000, error: 'TICKGATE_REST_HTTP: 503' } };
    const unreadable = facts({ stream: 'unreadable', downSinceMs: T0 - 1_000, lastPublishedMs: T0 - 20_000, poll });
    expect(assessInstrument(unreadable, T0, AFTER)).toBeUndefined();
    expect(assessInstrument(unreadable, T0 + 600, AFTER)).toMatchObject({ reason: 'unreadable-rest-failing', error: 'TICKGATE_REST_HTTP: 503', silentMs: 1_600 });
  });

  it('an instrument that published recently stays ready while its stream is down and its polls fail', () => {
    const poll = { failing: { sinceMs: T0 - 50_000, error: 'boom' } };
    const down = facts({ stream: 'fallback', downSinceMs: T0 - 50_000, lastPublishedMs: T0 - AFTER + 1, poll });
    expect(assessInstrument(down, T0, AFTER)).toBeUndefined();
    expect(assessInstrument(down, T0 + 1, AFTER)).toMatchObject({ reason: 'stream-down-rest-failing', silentMs: AFTER });
  });

  it('stream down and polled: ready before the first poll and while polls succeed on a quiet market', () => {
    const clock = manualClock();
    const polls = new PollOutcomes(clock.now);
    const downSinceMs = clock.now() - 60_000;
    const lastPublishedMs = clock.now() - 3_600_000;
    const at = () => assessInstrument(facts({ stream: 'fallback', downSinceMs, lastPublishedMs, ...(polls.of('BTC-USDT') ? { poll: polls.of('BTC-USDT')! } : {}) }), clock.now(), AFTER);
    expect(at()).toBeUndefined(); // no poll yet
    polls.succeeded('BTC-USDT'); // nothing new: a quiet market
    clock.advance(10 * AFTER);
    expect(at()).toBeUndefined(); // the last poll succeeded: ready however long ago anything was published
    polls.failed('BTC-USDT', 'first failure');
    expect(at()).toMatchObject({ reason: 'stream-down-rest-failing', error: 'first failure', silentMs: 10 * AFTER }); // silent since the last good poll
  });

  it('recovers when a poll succeeds, when a trade is published, and when the stream is live again', () => {
    const clock = manualClock();
    const polls = new PollOutcomes(clock.now);
    const downSinceMs = clock.now();
    polls.failed('BTC-USDT', 'down');
    clock.advance(AFTER);
    const base = { stream: 'fallback' as const, downSinceMs };
    const poll = () => polls.of('BTC-USDT')!;
    expect(assessInstrument(facts({ ...base, poll: poll() }), clock.now(), AFTER)?.reason).toBe('stream-down-rest-failing');
    // a trade published (e.g. from a poll that went through between failures)
    expect(assessInstrument(facts({ ...base, poll: poll(), lastPublishedMs: clock.now() }), clock.now(), AFTER)).toBeUndefined();
    // the stream is live again
    expect(assessInstrument(facts({ stream: 'live', poll: poll() }), clock.now(), AFTER)).toBeUndefined();
    // a poll succeeds
    polls.succeeded('BTC-USDT');
    expect(assessInstrument(facts({ ...base, poll: poll() }), clock.now(), AFTER)).toBeUndefined();
    // and fails again: a fresh grace period from that success
    clock.advance(AFTER - 1);
    polls.failed('BTC-USDT', 'down again');
    expect(assessInstrument(facts({ ...base, poll: poll() }), clock.now(), AFTER)).toBeUndefined();
    clock.advance(1);
    expect(assessInstrument(facts({ ...base, poll: poll() }), clock.now(), AFTER)).toMatchObject({ reason: 'stream-down-rest-failing', error: 'down again' });
  });

  it('stream down before fallback polling started: stream-down at once', () => {
    expect(assessInstrument(facts({ stream: 'down', downSinceMs: T0, lastPublishedMs: T0 }), T0, AFTER)).toMatchObject({ instrument: 'BTC-USDT', reason: 'stream-down' });
  });

  it('ids that went backwards: ids-backwards, live or not', () => {
    expect(assessInstrument(facts({ idsBackwards: true, lastPublishedMs: T0 }), T0, AFTER)).toMatchObject({ reason: 'ids-backwards' });
    expect(assessInstrument(facts({ idsBackwards: true, stream: 'fallback', poll: { lastOkMs: T0 } }), T0, AFTER)).toMatchObject({ reason: 'ids-backwards' });
  });

  it('polls failing with nothing known good at all: unready, silent since the start', () => {
    const verdict = assessInstrument(facts({ stream: 'fallback', poll: { failing: { sinceMs: T0, error: 'x' } } }), T0, AFTER);
    expect(verdict).toMatchObject({ reason: 'stream-down-rest-failing', message: 'stream down, REST polls failing and nothing published since the start' });
    expect(verdict).not.toHaveProperty('silentMs');
  });
});

describe('PollOutcomes', () => {
  it('dates failures from the first since the last success, keeps the last error, and a success clears them', () => {
    const clock = manualClock();
    const polls = new PollOutcomes(clock.now);
    expect(polls.of('BTC-USDT')).toBeUndefined();
    polls.succeeded('BTC-USDT');
    clock.advance(100);
    polls.failed('BTC-USDT', 'first');
    clock.advance(100);
    polls.failed('BTC-USDT', 'second');
    expect(polls.of('BTC-USDT')).toEqual({ lastOkMs: T0, failing: { sinceMs: T0 + 100, error: 'second' } });
    expect(polls.of('ETH-USDT')).toBeUndefined();
    clock.advance(100);
    polls.succeeded('BTC-USDT');
    expect(polls.of('BTC-USDT')).toEqual({ lastOkMs: T0 + 300 });
  });
});

describe('http.unreadyAfterMs', () => {
  it('defaults to the readiness default, and must be a positive whole number of ms', () => {
    expect(HttpConfig.parse({}).unreadyAfterMs).toBe(DEFAULT_UNREADY_AFTER_MS);
    expect(HttpConfig.parse({ unreadyAfterMs: 1_500 }).unreadyAfterMs).toBe(1_500);
    for (const bad of [0, -1, 1.5, '30000']) expect(HttpConfig.safeParse({ unreadyAfterMs: bad }).success).toBe(false);
  });

  it('a bad value is a config error naming the key', () => {
    const feeds = [{ venue: 'binance', instruments: ['BTC-USDT'] }];
    expect(validateConfig({ http: { unreadyAfterMs: 1_500 }, feeds }).http.unreadyAfterMs).toBe(1_500);
    expect(() => validateConfig({ http: { unreadyAfterMs: 0 }, feeds })).toThrow(ConfigError);
    expect(() => validateConfig({ http: { unreadyAfterMs: 0 }, feeds })).toThrow(/^http\.unreadyAfterMs: /);
  });
});
