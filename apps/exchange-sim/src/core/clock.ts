/** Wall-clock time in microseconds since the Unix epoch (sub-millisecond from the monotonic clock). */
export function nowUs(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** Wall-clock time in milliseconds. */
export function nowMs(): number {
  return Date.now();
}
