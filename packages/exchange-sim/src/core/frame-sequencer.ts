import type { FrameFate, MalformedKind } from './faults.js';

/** How one event is rendered when it is finally sent. */
export type DeliveryMode =
  /** `copies` > 1: the same frame is sent that many times in a row (a duplicate). */
  | { readonly kind: 'normal'; readonly copies?: number }
  | { readonly kind: 'malformed'; readonly malformed: MalformedKind };

const NORMAL: DeliveryMode = Object.freeze({ kind: 'normal' });
const TWICE: DeliveryMode = Object.freeze({ kind: 'normal', copies: 2 });

/**
 * Applies frame fates to a sequence of events per symbol: skipped events are not delivered, duplicated
 * ones with `copies: 2`, malformed ones in malformed mode, and consecutive `reorder` events are held and released in
 * reverse order when the next non-reordered event of that symbol arrives or after `flushMs`.
 */
export class FrameSequencer<E> {
  private readonly held = new Map<string, E[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deliver: (event: E, mode: DeliveryMode) => void,
    private readonly flushMs: number,
  ) {}

  push(symbol: string, event: E, fate: FrameFate): void {
    if (fate.kind === 'reorder') {
      const list = this.held.get(symbol) ?? [];
      list.push(event);
      this.held.set(symbol, list);
      if (!this.timers.has(symbol)) {
        this.timers.set(
          symbol,
          setTimeout(() => this.flush(symbol), this.flushMs),
        );
      }
      return;
    }
    // Nothing held (the usual case): nothing to release first.
    if (this.held.size > 0) this.flush(symbol);
    switch (fate.kind) {
      case 'skip':
        return;
      case 'send':
        this.deliver(event, NORMAL);
        return;
      case 'duplicate':
        this.deliver(event, TWICE);
        return;
      case 'malformed':
        this.deliver(event, { kind: 'malformed', malformed: fate.malformed });
        return;
    }
  }

  /** Release held events of `symbol` (or all symbols), newest first. */
  flush(symbol?: string): void {
    const symbols = symbol === undefined ? [...this.held.keys()] : [symbol];
    for (const s of symbols) {
      const timer = this.timers.get(s);
      if (timer) clearTimeout(timer);
      this.timers.delete(s);
      const list = this.held.get(s);
      this.held.delete(s);
      if (list) for (const event of list.reverse()) this.deliver(event, NORMAL);
    }
  }

  /** Drop held events and timers. */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.held.clear();
  }
}
