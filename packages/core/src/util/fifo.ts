/**
 * A first-in first-out queue over an array with a head index: `push` and `shift` are O(1) amortized,
 * and the array is compacted once the consumed prefix is both large and most of it. Consumed slots
 * are cleared at once so that the queue never keeps a reference to an element it gave away.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Elements waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest element, without removing it. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** The element `index` places behind the oldest (0 is the oldest), without removing it. */
  at(index: number): T | undefined {
    return index >= 0 && index < this.length ? this.items[this.head + index] : undefined;
  }

  /** Removes and returns the oldest element. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every element. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** The waiting elements, oldest first (a copy). */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }
}
