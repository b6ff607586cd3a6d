import { describe, expect, it } from 'vitest';
import { SlidingWindow, WeightBudget } from './rate-limit.js';

describe('WeightBudget', () => {
  it('answers 429 past the limit, 418 to a client that keeps sending, and resets with the window', () => {
    const budget = new WeightBudget({ limit: 50, windowMs: 60_000, banMs: 120_000 });
    const t0 = 1_800_000_000_000; // on a minute boundary
    expect(budget.charge('a', 25, t0)).toEqual({ status: 200, used: 25 });
    expect(budget.charge('a', 25, t0 + 1)).toEqual({ status: 200, used: 50 });
    const limited = budget.charge('a', 1, t0 + 10_000);
    expect(limited).toMatchObject({ status: 429, used: 50, retryAfterSec: 50 });
    expect(budget.charge('b', 1, t0 + 10_000).status).toBe(200); // per key
    const banned = budget.charge('a', 1, t0 + 11_000);
    expect(banned).toMatchObject({ status: 418, retryAfterSec: 120 });
    // Banned even in the next window, until the ban ends.
    expect(budget.charge('a', 1, t0 + 70_000)).toMatchObject({ status: 418, retryAfterSec: 61 });
    expect(budget.charge('a', 1, t0 + 131_001)).toEqual({ status: 200, used: 1 });
  });

  it('lets a client that waits out the 429 continue', () => {
    const budget = new WeightBudget({ limit: 10, windowMs: 1000, banMs: 5000 });
    expect(budget.charge('a', 10, 0).status).toBe(200);
    expect(budget.charge('a', 1, 500).status).toBe(429);
    expect(budget.charge('a', 1, 1000)).toEqual({ status: 200, used: 1 });
  });
});

describe('SlidingWindow', () => {
  it('allows limit events per window', () => {
    const window = new SlidingWindow(3, 1000);
    expect([window.hit(0), window.hit(10), window.hit(20), window.hit(30)]).toEqual([true, true, true, false]);
    expect(window.hit(1011)).toBe(true);
  });
});
