import { describe, expect, it } from 'vitest';
import { PollLoop } from './poll-loop.js';

describe('PollLoop', () => {
  it('runs at once and then on each tick, never two runs at a time, and not after stop', async () => {
    let runs = 0;
    let release: (() => void) | undefined;
    const loop = new PollLoop(async () => {
      runs++;
      await new Promise<void>((resolve) => (release = resolve));
    }, 5);
    expect(loop.started).toBe(false);
    loop.start();
    loop.start(); // already started: no second timer, no second run
    expect(loop.started).toBe(true);
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 30)); // ticks while the first run is still going: skipped
    expect(runs).toBe(1);
    release!();
    await loop.settled();
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(2);
    loop.stop();
    release!();
    await loop.settled();
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(2);
    expect(loop.started).toBe(false);
  });
});
