import type { Trade } from '@tickgate/schema';

/** Where released trades go: the publisher's `publishTrade` (returns a promise to wait on when full). */
export type PublishFn = (trade: Trade) => void | Promise<void>;

/**
 * Keeps a feed's released trades in order while the publisher applies backpressure (NATS slow or
 * down). Trades are never dropped here: while the publisher asks to wait, they queue in memory and
 * are handed over, in order, as soon as it has room again. `size` is exported as a metric.
 */
export class Outbox {
  private queue: Trade[] = [];
  private head = 0;
  private waiting = false;

  constructor(
    private readonly publish: PublishFn,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Trades waiting for the publisher. */
  get size(): number {
    return this.queue.length - this.head;
  }

  push(trade: Trade): void {
    // Behind queued trades even when the publisher has room again: order is per instrument, always.
    if (this.waiting || this.head < this.queue.length) {
      this.queue.push(trade);
      return;
    }
    this.send(trade);
  }

  private send(trade: Trade): void {
    let wait: void | Promise<void>;
    try {
      wait = this.publish(trade);
    } catch (error) {
      this.onError(error);
      return;
    }
    if (wait) {
      this.waiting = true;
      wait.then(
        () => {
          this.waiting = false;
          this.drain();
        },
        (error: unknown) => {
          // The wait failed (e.g. the publisher is closing): report it and go on with the queue, in order.
          this.waiting = false;
          this.onError(error);
          this.drain();
        },
      );
    }
  }

  private drain(): void {
    while (!this.waiting && this.head < this.queue.length) {
      const trade = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Trade;
      this.send(trade);
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
