/**
 * A bounded history of items with consecutive integer ids (trade ids), oldest evicted first.
 * Lookup by id is O(1) because ids are consecutive.
 */
export class IdRing<T extends { readonly id: number }> {
  private readonly items: (T | undefined)[];
  private head = 0; // index of the oldest item
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`history capacity must be >= 1, got ${capacity}`);
    this.items = [];
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const last = this.last();
    if (last && item.id !== last.id + 1) throw new Error(`ids must be consecutive: ${last.id} then ${item.id}`);
    if (this.size < this.capacity) {
      this.items[(this.head + this.size) % this.capacity] = item;
      this.size++;
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.items[(this.head + index) % this.capacity];
  }

  first(): T | undefined {
    return this.at(0);
  }

  last(): T | undefined {
    return this.at(this.size - 1);
  }

  byId(id: number): T | undefined {
    const first = this.first();
    return first ? this.at(id - first.id) : undefined;
  }

  /** Items with id >= fromId, at most `limit`, oldest first (from the oldest kept when fromId is older). */
  fromId(fromId: number, limit: number): T[] {
    const first = this.first();
    if (!first) return [];
    const start = Math.max(0, fromId - first.id);
    return this.range(start, Math.min(this.size, start + limit));
  }

  /** The newest `limit` items, oldest first. */
  latest(limit: number): T[] {
    return this.range(Math.max(0, this.size - limit), this.size);
  }

  /** Index of the first item for which `before(item)` is false (items must be sorted by that predicate). */
  lowerBound(before: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.at(mid) as T)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  range(startIndex: number, endIndex: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, startIndex); i < Math.min(endIndex, this.size); i++) out.push(this.at(i) as T);
    return out;
  }
}
