/** Wall-clock time in microseconds since the Unix epoch; injectable so tests can fix receive times. */
export interface Clock {
  /** Microseconds since the Unix epoch, an integer. */
  nowUs(): number;
}

/**
 * The high-resolution wall clock: `performance.timeOrigin + performance.now()`, in µs, rounded.
 * It follows the monotonic clock from process start, so it never jumps back with NTP adjustments.
 */
export const systemClock: Clock = {
  nowUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
};

/** Monotonic milliseconds for timers and deadlines (not wall time). */
export function monotonicMs(): number {
  return performance.now();
}
