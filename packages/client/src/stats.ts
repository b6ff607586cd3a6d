import { WireDecodeError } from '@tickgate/schema';

/** Counters of a subscription, or of every subscription of a client together. */
export interface Stats {
  /** Messages that arrived from NATS (live) or the stream (replay). */
  received: number;
  /** Valid values handed to the consumer's loop. */
  delivered: number;
  /** Messages skipped because they were not valid wire v1 events (see `onMalformed`). */
  malformed: number;
  /** Live messages discarded because the consumer fell `bufferSize` messages behind (see `onDrop`). */
  dropped: number;
  /**
   * Live trades skipped because the subscription had already delivered that trade (same venue, instrument
   * and id) or, for a venue with consecutive ids, a later one. Always 0 for replay, which reads the stream.
   */
  repeats: number;
}

/** Called for each skipped malformed message with the reason and the subject it came on. */
export type MalformedHandler = (error: WireDecodeError, subject: string) => void;

/** Called for each live message dropped from a full buffer; `dropped` is the subscription's total so far. */
export type DropHandler = (info: { subject: string; dropped: number }) => void;

export function emptyStats(): Stats {
  return { received: 0, delivered: 0, malformed: 0, dropped: 0, repeats: 0 };
}

/**
 * A message that failed to decode: counted as `malformed` on the subscription's and the client's stats,
 * then reported to the subscription's and the client's handlers, as a `WireDecodeError` (anything else
 * thrown is wrapped in one).
 */
export function recordMalformed(error: unknown, subject: string, stats: Stats, clientStats: Stats, onMalformed: MalformedHandler | undefined, clientOnMalformed: MalformedHandler | undefined): void {
  const wireError = error instanceof WireDecodeError ? error : new WireDecodeError('', String(error), { cause: error });
  stats.malformed++;
  clientStats.malformed++;
  safeCall(onMalformed, wireError, subject);
  safeCall(clientOnMalformed, wireError, subject);
}

/** Runs a user callback without letting it throw into the library (or the consumer's loop). */
export function safeCall<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  if (fn === undefined) return;
  try {
    fn(...args);
  } catch {
    // A failing callback must not break delivery; it is the caller's bug to see in its own logs.
  }
}
