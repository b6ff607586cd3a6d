import { describe, expect, it, vi } from 'vitest';
import { AttemptBudget, sharedAttemptBudget } from './attempt-budget.js';

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
    vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const budget = new AttemptBudget({ max: 3, windowMs: 80, now: () => Date.now() });
      const times: number[] = [];
      const order: number[] = [];
      const used: number[] = [];
      const all = Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          budget.take().then(() => {
            times.push(Date.now());
            order.push(i);
            used.push(budget.used());
          }),
        ),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      await all;
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(Math.max(...used)).toBeLessThanOrEqual(3);
      // Delayed, not refused: three per window, each group as soon as the window allows.
      expect(times).toEqual([0, 0, 0, 80, 80, 80, 160, 160, 160, 240]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('delays waiters on real timers too, never exceeding the budget by its own clock', async () => {
    const budget = new AttemptBudget({ max: 2, windowMs: 40 });
    const snapshots: (readonly number[])[] = [];
    await Promise.all(Array.from({ length: 6 }, () => budget.take().then(() => snapshots.push(budget.recent()))));
    for (const window of snapshots) {
      expect(window.length).toBeLessThanOrEqual(2);
      expect(window[window.length - 1]! - window[0]!).toBeLessThan(40);
    }
    expect(snapshots).toHaveLength(6);
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
