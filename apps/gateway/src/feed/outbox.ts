import { Fifo } from '@tickgate/core';
import type { Status, Trade } from '@tickgate/schema';

/** Where released trades go: the publisher's `publishTrade` (returns a promise to wait on when full). */
export type PublishFn = (trade: Trade) => void | Promise<void>;

/** Where status events go: the publisher's `publishStatus` (settles when the event is stored). */
export type PublishStatusFn = (status: Status) => Promise<void>;

type Item = { readonly trade: Trade; readonly status?: undefined } | { readonly trade?: undefined; readonly status: Status };

/**
 * Keeps a feed's released trades and its status events in one order while the publisher applies
 * backpressure (NATS slow or down). Nothing is dropped here: while the publisher asks to wait, items
 * queue in memory and are handed over, in order, as soon as it has room again. A status event never
 * overtakes a trade released before it, so `recovered` reaches NATS after the trades it reports.
 * `size` is exported as a metric.
 */
export class Outbox {
  private readonly queue = new Fifo<Item>();
  private waiting = false;

  constructor(
    private readonly publish: PublishFn,
    private readonly onError: (error: unknown, status?: Status) => void,
    private readonly publishStatus: PublishStatusFn = () => Promise.resolve(),
  ) {}

  /** Items waiting for the publisher. */
  get size(): number {
    return this.queue.length;
  }

  push(trade: Trade): void {
    this.add({ trade });
  }

  /** A status event, published after every trade pushed before it. */
  pushStatus(status: Status): void {
    this.add({ status });
  }

  private add(item: Item): void {
    // Behind queued items even when the publisher has room again: order is per feed, always.
    if (this.waiting || this.queue.length > 0) {
      this.queue.push(item);
      return;
    }
    this.send(item);
  }

  private send(item: Item): void {
    if (item.status !== undefined) {
      const status = item.status;
      try {
        this.publishStatus(status).catch((error: unknown) => this.onError(error, status));
      } catch (error) {
        this.onError(error, status);
      }
      return;
    }
    let wait: void | Promise<void>;
    try {
      wait = this.publish(item.trade);
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
    while (!this.waiting && this.queue.length > 0) this.send(this.queue.shift()!);
  }
}
