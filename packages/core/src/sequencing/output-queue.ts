import type { Status, Trade } from '@tickgate/schema';
import type { GapRequest } from './types.js';

/** Where a sequencer's outputs go (the callbacks of `SequencerOptions`). */
export interface OutputSink {
  readonly release: (trade: Trade) => void;
  readonly requestGap?: (request: GapRequest) => void;
  readonly status?: (event: Status) => void;
}

type Output =
  | { readonly kind: 'release'; readonly trade: Trade }
  | { readonly kind: 'request'; readonly request: GapRequest }
  | { readonly kind: 'status'; readonly status: Status };

/**
 * A sequencer's outputs, queued while its state changes and delivered to the sink afterwards, in
 * order. A callback may feed the sequencer again: what that queues is delivered after the pending
 * outputs, by the delivery already under way. A callback that throws does not stop the delivery; the
 * first error is rethrown once the queue is empty.
 */
export class OutputQueue {
  private readonly items: Output[] = [];
  private busy = false;

  constructor(private readonly sink: OutputSink) {}

  /** A delivery is under way (a callback is running): what is queued now is delivered by it. */
  get delivering(): boolean {
    return this.busy;
  }

  /** Outputs queued and not delivered yet. */
  get size(): number {
    return this.items.length;
  }

  release(trade: Trade): void {
    this.items.push({ kind: 'release', trade });
  }

  request(request: GapRequest): void {
    this.items.push({ kind: 'request', request });
  }

  status(status: Status): void {
    this.items.push({ kind: 'status', status });
  }

  /**
   * Deliver the queued outputs, unless a delivery is under way already. `settled` runs when the
   * delivery has ended (queue empty, no longer delivering), before an error is rethrown.
   */
  flush(settled?: () => void): void {
    if (this.busy) return;
    this.busy = true;
    this.deliver(false, undefined, settled);
  }

  /**
   * Hand `trade` to `release` at once, without queuing it: a delivery of that one output. Outputs a
   * re-entering callback queues are delivered after it. For a caller that knows nothing is queued and
   * no delivery is under way (a sequencer's fast path); `settled` as for `flush`.
   */
  releaseNow(trade: Trade, settled?: () => void): void {
    this.busy = true;
    let failed = false;
    let error: unknown;
    try {
      this.sink.release(trade);
    } catch (e) {
      failed = true;
      error = e;
    }
    if (this.items.length === 0) {
      // Nothing re-entered that queued an output: no loop to run.
      this.busy = false;
      settled?.();
      if (failed) throw error;
      return;
    }
    this.deliver(failed, error, settled);
  }

  /** Deliver the queued outputs (callbacks may append), end the delivery, then rethrow the first error. */
  private deliver(failed: boolean, error: unknown, settled: (() => void) | undefined): void {
    try {
      // Callbacks may re-enter and append: read the queue until it is empty.
      for (let i = 0; i < this.items.length; i++) {
        const o = this.items[i];
        if (o === undefined) continue;
        try {
          if (o.kind === 'release') this.sink.release(o.trade);
          else if (o.kind === 'request') this.sink.requestGap?.(o.request);
          else this.sink.status?.(o.status);
        } catch (e) {
          if (!failed) {
            failed = true;
            error = e;
          }
        }
      }
    } finally {
      this.items.length = 0;
      this.busy = false;
      settled?.();
    }
    if (failed) throw error;
  }
}
