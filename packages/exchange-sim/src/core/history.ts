/**
 * A bounded history of trades with consecutive ids, oldest evicted first, kept column by column: each trade
 * is a few numbers in typed arrays (its price in ticks, its quantity in steps, its time, its side, its taker
 * order), so keeping a million trades allocates no object per trade and gives the garbage collector nothing
 * to trace. The market builds trade objects from a row only when one is read. Lookup by id is O(1) because
 * ids are consecutive. The columns grow by doubling up to `capacity`, so a short history costs little.
 */
export class TradeTape {
  private ticks: Float64Array;
  private steps: Float64Array;
  private times: Float64Array;
  private sides: Uint8Array;
  private orders: Float64Array | undefined;
  private head = 0; // index of the oldest row
  private size = 0;
  private oldestId = 0;

  /** `withOrders`: keep a taker-order number per trade. */
  constructor(
    readonly capacity: number,
    withOrders: boolean,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`history capacity must be >= 1, got ${capacity}`);
    const initial = Math.min(capacity, 1024);
    this.ticks = new Float64Array(initial);
    this.steps = new Float64Array(initial);
    this.times = new Float64Array(initial);
    this.sides = new Uint8Array(initial);
    this.orders = withOrders ? new Float64Array(initial) : undefined;
  }

  get length(): number {
    return this.size;
  }

  /** Id of the oldest row, or undefined when empty. */
  get firstId(): number | undefined {
    return this.size > 0 ? this.oldestId : undefined;
  }

  /** Id of the newest row, or undefined when empty. */
  get lastId(): number | undefined {
    return this.size > 0 ? this.oldestId + this.size - 1 : undefined;
  }

  /** Append a trade; `id` must follow the newest one. */
  push(id: number, ticks: number, steps: number, timeUs: number, buyerIsMaker: boolean, order: number): void {
    if (this.size === 0) this.oldestId = id;
    else if (id !== this.oldestId + this.size) throw new Error(`ids must be consecutive: ${this.oldestId + this.size - 1} then ${id}`);
    let slot: number;
    if (this.size < this.capacity) {
      if (this.size === this.ticks.length) this.grow();
      slot = this.size++; // nothing was evicted yet, so the rows start at index 0
    } else {
      slot = this.head;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.oldestId++;
    }
    this.ticks[slot] = ticks;
    this.steps[slot] = steps;
    this.times[slot] = timeUs;
    this.sides[slot] = buyerIsMaker ? 1 : 0;
    if (this.orders) this.orders[slot] = order;
  }

  /** Position (0 = oldest) of the trade with `id`, or -1 when it is not kept. */
  indexOf(id: number): number {
    const index = id - this.oldestId;
    return Number.isInteger(index) && index >= 0 && index < this.size ? index : -1;
  }

  idAt(index: number): number {
    return this.oldestId + index;
  }

  ticksAt(index: number): number {
    return this.ticks[this.slot(index)] as number;
  }

  stepsAt(index: number): number {
    return this.steps[this.slot(index)] as number;
  }

  timeAt(index: number): number {
    return this.times[this.slot(index)] as number;
  }

  buyerIsMakerAt(index: number): boolean {
    return this.sides[this.slot(index)] === 1;
  }

  /** The taker order of the trade at `index`, or undefined when orders are not kept. */
  orderAt(index: number): number | undefined {
    return this.orders ? (this.orders[this.slot(index)] as number) : undefined;
  }

  /** Position of the first trade with time >= `timeUs` (times never decrease), or `length` when none. */
  lowerBoundTime(timeUs: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < timeUs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private slot(index: number): number {
    const slot = this.head + index;
    return slot >= this.capacity ? slot - this.capacity : slot;
  }

  private grow(): void {
    const length = Math.min(this.capacity, this.ticks.length * 2);
    const widen = <A extends Float64Array | Uint8Array>(from: A, to: A): A => {
      to.set(from);
      return to;
    };
    this.ticks = widen(this.ticks, new Float64Array(length));
    this.steps = widen(this.steps, new Float64Array(length));
    this.times = widen(this.times, new Float64Array(length));
    this.sides = widen(this.sides, new Uint8Array(length));
    if (this.orders) this.orders = widen(this.orders, new Float64Array(length));
  }
}
