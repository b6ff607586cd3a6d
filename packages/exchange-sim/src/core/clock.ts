/** The wall-clock time at which `performance.now()` was 0; constant for the process, read once. */
const TIME_ORIGIN_MS = performance.timeOrigin;

/** Wall-clock time in microseconds since the Unix epoch (sub-millisecond from the monotonic clock). */
export function nowUs(): number {
  return Math.floor((TIME_ORIGIN_MS + performance.now()) * 1000);
}

/** Wall-clock time in milliseconds. */
export function nowMs(): number {
  return Date.now();
}
