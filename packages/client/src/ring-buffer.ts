/** A fixed-capacity FIFO queue. `push` on a full queue evicts and returns the oldest item. */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Append `item`; when full, the oldest item is removed and returned (else `undefined`). */
  push(item: T): T | undefined {
    const cap = this.capacity;
    if (this.#size < cap) {
      this.#items[(this.#head + this.#size) % cap] = item;
      this.#size++;
      return undefined;
    }
    const evicted = this.#items[this.#head];
    this.#items[this.#head] = item;
    this.#head = (this.#head + 1) % cap;
    return evicted;
  }

  /** Remove and return the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }
}
