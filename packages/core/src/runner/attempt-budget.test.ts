import { describe, expect, it } from 'vitest';
import { AttemptBudget, sharedAttemptBudget } from './attempt-budget.js';
import { monotonicMs } from './clock.js';

describe('AttemptBudget', () => {
  it('allows max attempts per sliding window and says how long to wait for the next', () => {
    let now = 1_000;
    const budget = new AttemptBudget({ max: 3, windowMs: 100, now: () => now });
    expect([budget.tryTake(), budget.tryTake()]).toEqual([true, true]);
    now = 1_040;
    expect(budget.tryTake()).toBe(true);
    expect(budget.tryTake()).toBe(false);
    expect(budget.used()).toBe(3);
    expect(budget.waitMs()).toBe(60); // the oldest (1000) leaves the window at 1100
    now = 1_100; // both attempts of 1000 leave the window
    expect(budget.waitMs()).toBe(0);
    expect(budget.used()).toBe(1);
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([true, true, false]);
    expect(budget.waitMs()).toBe(40); // next to leave: 1040
  });

  it('delays waiters instead of exceeding the budget, first come first served', async () => {
    const budget = new AttemptBudget({ max: 3, windowMs: 80 });
    const times: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        budget.take().then(() => {
          times.push(monotonicMs());
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // In any 80 ms window at most 3 attempts: attempt i+3 is at least a window after attempt i.
    for (let i = 0; i + 3 < times.length; i += 1) {
      expect(times[i + 3]! - times[i]!).toBeGreaterThanOrEqual(80);
    }
  });

  it('drops an aborted waiter without taking an attempt', async () => {
    const budget = new AttemptBudget({ max: 1, windowMs: 50 });
    await budget.take();
    const abort = new AbortController();
    const waiting = budget.take(abort.signal);
    abort.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(budget.used()).toBe(1);
    await expect(budget.take(abort.signal)).rejects.toThrow('gone');
  });

  it('shares one budget per key in the process', () => {
    const a = sharedAttemptBudget('budget-test-venue', { max: 5, windowMs: 1_000 });
    const b = sharedAttemptBudget('budget-test-venue', { max: 9, windowMs: 1_000 });
    expect(b).toBe(a);
    expect(b.max).toBe(5);
    expect(sharedAttemptBudget('budget-test-other', { max: 5, windowMs: 1_000 })).not.toBe(a);
  });
});
