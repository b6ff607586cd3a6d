import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';
import { WeightWindow } from './weight-window.js';

describe('WeightWindow', () => {
  it('allows up to the safety fraction of the limit in any window, then says when the next fits', () => {
    const w = new WeightWindow(10, 0.8, 1_000);
    expect(w.budget).toBe(8);
    const t = 5_000;
    for (let i = 0; i < 4; i++) {
      expect(w.fits(2, t + i * 100)).toBe(true);
      w.take(2, t + i * 100);
    }
    expect(w.used(t + 350)).toBe(8);
    expect(w.fits(1, t + 350)).toBe(false);
    // The first send (at t) leaves the sliding window at t + 1000.
    expect(w.nextFit(1, t + 350)).toBe(t + 1_000);
    expect(w.nextFit(3, t + 350)).toBe(t + 1_100);
    expect(w.fits(2, t + 1_000)).toBe(true);
    expect(w.localUsed(t + 1_000)).toBe(6);
  });

  it('counts the venue-reported weight until its aligned window ends', () => {
    const w = new WeightWindow(10, 0.8, 1_000);
    w.take(1, 2_100);
    w.noteVenueUsed(7, 2_100, 2_150); // other clients of the same IP used some too
    expect(w.used(2_200)).toBe(7);
    expect(w.fits(1, 2_200)).toBe(true);
    expect(w.fits(2, 2_200)).toBe(false);
    expect(w.nextFit(2, 2_200)).toBe(3_000);
    expect(w.venueReported(3_000)).toBeUndefined();
    expect(w.used(3_000)).toBe(1); // the local send at 2100 still counts until 3100
    // A report for a request sent in the previous window is ambiguous: ignored.
    w.noteVenueUsed(9, 2_990, 3_010);
    expect(w.venueReported(3_010)).toBeUndefined();
  });

  it('lets a request heavier than the budget go only when nothing is counted', () => {
    const w = new WeightWindow(10, 0.5, 1_000);
    expect(w.fits(9, 0)).toBe(true);
    w.take(1, 0);
    expect(w.fits(9, 10)).toBe(false);
    expect(w.nextFit(9, 10)).toBe(1_000);
    expect(w.fits(11, 5_000)).toBe(false);
  });

  it('never lets more than the budget go in any window of its length (sliding), for any arrival pattern', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat({ max: 300 })), { maxLength: 200 }), (requests) => {
        const w = new WeightWindow(20, 0.8, 1_000);
        const sent: { at: number; weight: number }[] = [];
        let now = 0;
        for (const [weight, gap] of requests) {
          now += gap;
          // A client waits until the request fits, then sends it.
          now = w.nextFit(weight, now);
          expect(w.fits(weight, now)).toBe(true);
          w.take(weight, now);
          sent.push({ at: now, weight });
        }
        for (const s of sent) {
          const inWindow = sent.filter((o) => o.at >= s.at && o.at < s.at + 1_000).reduce((a, o) => a + o.weight, 0);
          expect(inWindow).toBeLessThanOrEqual(16);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120],
    ['0', 0],
    ['0.5', 0.5],
    [' 3 ', 3],
  ])('reads delay-seconds %j', (text, sec) => {
    expect(parseRetryAfter(text, 0)).toBe(sec);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:59:00 GMT', now)).toBe(0);
  });

  it.each([[undefined], [''], ['soon'], ['-5']])('gives undefined for %j', (text) => {
    expect(parseRetryAfter(text, 0)).toBeUndefined();
  });
});
