import { describe, expect, it } from 'vitest';
import { Backoff, backoffCeilingMs, backoffDelayMs } from './backoff.js';

/** A small seeded PRNG (mulberry32) so that jitter tests are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Backoff', () => {
  it('draws every delay uniformly below min(cap, base * 2^attempt) (full jitter)', () => {
    const backoff = new Backoff({ baseMs: 100, capMs: 1_000, healthyAfterMs: 10_000, random: seeded(7) });
    const ceilings = [100, 200, 400, 800, 1_000, 1_000, 1_000];
    const seen: number[] = [];
    for (let round = 0; round < 200; round += 1) {
      backoff.reset();
      for (const ceiling of ceilings) {
        expect(backoff.ceilingMs()).toBe(ceiling);
        const delay = backoff.next(0);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        seen.push(delay / ceiling);
      }
    }
    // Full jitter spreads over the whole range, not just near the ceiling.
    expect(Math.min(...seen)).toBeLessThan(0.05);
    expect(Math.max(...seen)).toBeGreaterThan(0.95);
  });

  it('uses the injected random source at both ends of the range', () => {
    const low = new Backoff({ baseMs: 50, capMs: 400, healthyAfterMs: 1, random: () => 0 });
    const high = new Backoff({ baseMs: 50, capMs: 400, healthyAfterMs: 1, random: () => 0.999999 });
    expect([low.next(0), low.next(0), low.next(0)]).toEqual([0, 0, 0]);
    expect([high.next(0), high.next(0), high.next(0), high.next(0), high.next(0)]).toEqual([49, 99, 199, 399, 399]);
  });

  it('retries without limit and never exceeds the cap', () => {
    const backoff = new Backoff({ baseMs: 10, capMs: 5_000, healthyAfterMs: 1_000, random: seeded(1) });
    for (let i = 0; i < 5_000; i += 1) {
      const delay = backoff.next(i);
      expect(delay).toBeLessThan(5_000);
    }
    expect(backoff.attempt).toBe(5_000);
    expect(backoff.ceilingMs()).toBe(5_000);
  });

  it('keeps backing off when connections open but do not stay healthy long enough', () => {
    const backoff = new Backoff({ baseMs: 100, capMs: 10_000, healthyAfterMs: 1_000, random: () => 0.5 });
    expect(backoff.next(0)).toBe(50);
    backoff.healthy(100);
    expect(backoff.next(1_099)).toBe(100); // healthy for 999 ms only
    backoff.healthy(2_000);
    expect(backoff.next(2_500)).toBe(200);
    expect(backoff.attempt).toBe(3);
  });

  it('starts over once a connection stayed healthy for healthyAfterMs', () => {
    const backoff = new Backoff({ baseMs: 100, capMs: 10_000, healthyAfterMs: 1_000, random: () => 0.5 });
    backoff.next(0);
    backoff.next(0);
    backoff.next(0);
    expect(backoff.ceilingMs()).toBe(800);
    backoff.healthy(5_000);
    expect(backoff.next(6_000)).toBe(50);
    expect(backoff.attempt).toBe(1);
    // The healthy mark is used once: a following failure without a new healthy stretch keeps counting.
    expect(backoff.next(60_000)).toBe(100);
  });

  it('rejects negative settings', () => {
    expect(() => new Backoff({ baseMs: -1, capMs: 10, healthyAfterMs: 0 })).toThrow(RangeError);
  });
});

describe('backoffCeilingMs and backoffDelayMs', () => {
  const policy = { baseMs: 250, capMs: 8_000 };

  it('doubles the ceiling per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((a) => backoffCeilingMs(policy, a))).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('draws an integer below the ceiling (full jitter), counting a random value outside [0, 1) as 0', () => {
    expect(backoffDelayMs(policy, 0, () => 0.999999)).toBe(249);
    expect(backoffDelayMs(policy, 2, () => 0.5)).toBe(500);
    expect(backoffDelayMs(policy, 9, () => 0.5)).toBe(4_000);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(0);
    expect(backoffDelayMs(policy, 3, () => Number.NaN)).toBe(0);
  });

  it('is the formula Backoff draws from', () => {
    const backoff = new Backoff({ ...policy, healthyAfterMs: 1_000, random: () => 0.75 });
    for (let attempt = 0; attempt < 8; attempt += 1) {
      expect(backoff.ceilingMs()).toBe(backoffCeilingMs(policy, attempt));
      expect(backoff.next(0)).toBe(backoffDelayMs(policy, attempt, () => 0.75));
    }
  });
});
