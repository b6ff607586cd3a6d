import { formatSafeUnits, formatUnits } from './fixed-point.js';
import type { Rng } from './rng.js';

export type BookSide = 'bid' | 'ask';

/** One price level: price and total quantity as 8-decimal strings, and how many orders rest there. */
export interface BookLevel {
  readonly price: string;
  readonly qty: string;
  readonly orders: number;
}

/** A whole book at one update id: bids best (highest) first, asks best (lowest) first. */
export interface BookView {
  readonly symbol: string;
  readonly updateId: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** The new state of one level: `qty` is the absolute size, `"0.00000000"` (and 0 orders) removes it. */
export interface BookChange {
  readonly side: BookSide;
  readonly price: string;
  readonly qty: string;
  readonly orders: number;
}

/**
 * One batch of book changes with the venue's update ids. Per-change ids (Binance): the batch covers ids
 * `firstUpdateId..lastUpdateId`, one per change, and `firstUpdateId` is `prevUpdateId + 1`. Jumping ids (OKX):
 * one id per batch (`firstUpdateId == lastUpdateId`), `prevUpdateId` the previous batch's; after a restart,
 * `lastUpdateId < prevUpdateId`.
 */
export interface BookBatch {
  readonly symbol: string;
  readonly prevUpdateId: number;
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  /** When the batch was made, µs since the Unix epoch. */
  readonly timeUs: number;
  /** One entry per changed level (its final state in this batch), bids high to low, then asks low to high. */
  readonly changes: readonly BookChange[];
  /** `orders`: random adds, size changes, cancels; `trades`: trades consuming resting levels. */
  readonly cause: 'orders' | 'trades';
  /** True for the first batch after `restart()`. */
  readonly afterRestart: boolean;
}

/** How a venue numbers book changes. */
export type BookIdPolicy =
  /** One id per changed level, consecutive (Binance `U..u`). */
  | { readonly kind: 'per-change' }
  /** One id per batch, jumping by a seeded 1..`maxJump` (OKX `seqId`). */
  | { readonly kind: 'jump'; readonly maxJump: number };

/** The order book options of a market (every symbol gets a book). */
export interface BookOptions {
  /** Target price levels per side. Default 20. */
  readonly levels?: number;
  /** An automatic batch makes 1..`maxChanges` random changes. Default 4. */
  readonly maxChanges?: number;
  /** While the market runs, one automatic batch per symbol every `intervalMs`. Default 100. */
  readonly intervalMs?: number;
  /** Changes kept per symbol for the truth queries (`bookAt`). Default 100,000. */
  readonly historySize?: number;
  /** The book's id before the first batch. Default 1 (per-change) or 1000 (jump). */
  readonly initialUpdateId?: number;
  /** Default per-change. Venues set it. */
  readonly ids?: BookIdPolicy;
}

interface Level {
  steps: number;
  orders: number;
}

interface Undo {
  readonly side: BookSide;
  readonly ticks: number;
  /** Id this change got (per-change) or the batch id. */
  readonly id: number;
  /** The level before, undefined when there was none. */
  readonly before: Level | undefined;
}

interface KeptBatch {
  readonly prevId: number;
  readonly lastId: number;
  readonly undo: readonly Undo[];
}

/** How a symbol's tick and step amounts are written: units of 10^-8 per tick / step. */
export interface BookGrid {
  readonly tickUnits: number;
  readonly stepUnits: number;
  readonly tick: bigint;
  readonly step: bigint;
}

const EXACT_LIMIT = 2 ** 53;

/** Bids first, high to low, then asks low to high (prices are 8-decimal strings: by length, then text). */
function compareChanges(a: BookChange, b: BookChange): number {
  if (a.side !== b.side) return a.side === 'bid' ? -1 : 1;
  const byValue = a.price.length - b.price.length || (a.price < b.price ? -1 : a.price > b.price ? 1 : 0);
  return a.side === 'bid' ? -byValue : byValue;
}

/**
 * Consecutive batches of one symbol as one (a slower stream's event): ids from the first to the last, each
 * level's last state. The batches must chain (`firstUpdateId` = previous `lastUpdateId` + 1).
 */
export function mergeBookBatches(batches: readonly BookBatch[]): BookBatch {
  const first = batches[0];
  const last = batches[batches.length - 1];
  if (!first || !last) throw new Error('nothing to merge');
  const levels = new Map<string, BookChange>();
  for (const b of batches) for (const c of b.changes) levels.set(`${c.side}:${c.price}`, c);
  return {
    symbol: first.symbol,
    prevUpdateId: first.prevUpdateId,
    firstUpdateId: first.firstUpdateId,
    lastUpdateId: last.lastUpdateId,
    timeUs: last.timeUs,
    changes: [...levels.values()].sort(compareChanges),
    cause: batches.some((b) => b.cause === 'trades') ? 'trades' : 'orders',
    afterRestart: batches.some((b) => b.afterRestart),
  };
}

function unitsText(count: number, unitNumber: number, unit: bigint): string {
  const units = count * unitNumber;
  return units < EXACT_LIMIT ? formatSafeUnits(units) : formatUnits(BigInt(count) * unit);
}

/**
 * One symbol's seeded L2 book on its tick and step grids: levels in whole ticks and whole steps (integers,
 * exact), random adds / size changes / cancels, trades consuming the best level, venue update ids per batch,
 * and a bounded history of undo records so that the book at any kept update id can be rebuilt (the truth a
 * differential test compares a client's book with).
 */
export class SimOrderBook {
  private readonly sides: Record<BookSide, Map<number, Level>> = { bid: new Map(), ask: new Map() };
  private id: number;
  private readonly ids: BookIdPolicy;
  private readonly levels: number;
  private readonly maxChanges: number;
  private readonly historySize: number;
  private kept: KeptBatch[] = [];
  private keptChanges = 0;
  /** The id of the book before the oldest kept batch. */
  private baseId: number;
  /** Set by `restart()`: the id before it, reported as the next batch's `prevUpdateId`. */
  private restartedFrom: number | undefined;
  private pending: Undo[] | undefined;
  private pendingId = 0;

  constructor(
    readonly symbol: string,
    private readonly grid: BookGrid,
    private readonly rng: Rng,
    private readonly maxSteps: number,
    startTicks: number,
    options: BookOptions,
  ) {
    this.ids = options.ids ?? { kind: 'per-change' };
    if (this.ids.kind === 'jump' && !(Number.isInteger(this.ids.maxJump) && this.ids.maxJump >= 1)) throw new Error(`book id maxJump must be an integer >= 1`);
    this.levels = options.levels ?? 20;
    this.maxChanges = options.maxChanges ?? 4;
    this.historySize = options.historySize ?? 100_000;
    for (const [name, value] of [['levels', this.levels], ['maxChanges', this.maxChanges], ['historySize', this.historySize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`books.${name} must be an integer >= 1, got ${value}`);
    }
    this.id = options.initialUpdateId ?? (this.ids.kind === 'jump' ? 1000 : 1);
    if (!Number.isSafeInteger(this.id) || this.id < 0) throw new Error(`books.initialUpdateId must be a non-negative integer`);
    this.baseId = this.id;
    // The initial book: `levels` per side around the start price, with some empty ticks between levels.
    let bid = Math.max(1, startTicks);
    let ask = startTicks + 1;
    for (let i = 0; i < this.levels; i++) {
      this.sides.bid.set(bid, { steps: this.levelQty(), orders: this.rng.int(1, 5) });
      this.sides.ask.set(ask, { steps: this.levelQty(), orders: this.rng.int(1, 5) });
      bid -= this.rng.int(1, 2);
      ask += this.rng.int(1, 2);
      if (bid < 1) break;
    }
  }

  /** The current update id (of the last batch, or the initial id). */
  get updateId(): number {
    return this.id;
  }

  /** Best level of `side` in ticks and steps, or undefined when the side is empty. */
  best(side: BookSide): { ticks: number; steps: number } | undefined {
    let ticks: number | undefined;
    for (const t of this.sides[side].keys()) if (ticks === undefined || (side === 'bid' ? t > ticks : t < ticks)) ticks = t;
    return ticks === undefined ? undefined : { ticks, steps: (this.sides[side].get(ticks) as Level).steps };
  }

  /** The level at `ticks` on `side`, if any. */
  at(side: BookSide, ticks: number): { steps: number; orders: number } | undefined {
    const level = this.sides[side].get(ticks);
    return level ? { ...level } : undefined;
  }

  /** Start a batch: the changes until `commit` share it. */
  begin(): void {
    if (this.pending) throw new Error('a book batch is already open');
    this.pending = [];
    this.pendingId = this.ids.kind === 'jump' ? this.id + this.rng.int(1, this.ids.maxJump) : this.id;
  }

  /** End the batch: its ids and changes, or undefined when it changed nothing (no id is used then). */
  commit(timeUs: number, cause: BookBatch['cause']): BookBatch | undefined {
    const undo = this.pending;
    this.pending = undefined;
    if (!undo || undo.length === 0) return undefined;
    const prevUpdateId = this.restartedFrom ?? this.id;
    const afterRestart = this.restartedFrom !== undefined;
    this.restartedFrom = undefined;
    const firstUpdateId = this.ids.kind === 'jump' ? this.pendingId : this.id + 1;
    const lastUpdateId = this.ids.kind === 'jump' ? this.pendingId : (undo[undo.length - 1] as Undo).id;
    const fromId = this.id;
    this.id = lastUpdateId;
    this.keep({ prevId: fromId, lastId: lastUpdateId, undo });
    const touched = new Map<string, BookChange>();
    for (const u of undo) touched.set(`${u.side}:${u.ticks}`, this.changeOf(u.side, u.ticks));
    const changes = [...touched.values()];
    const order = (a: BookChange, b: BookChange) => this.compareChange(a, b);
    changes.sort(order);
    return { symbol: this.symbol, prevUpdateId, firstUpdateId, lastUpdateId, timeUs, changes, cause, afterRestart };
  }

  /** Reset the update ids (a venue restart): the next batch starts again from small ids; the book is kept. */
  restart(): void {
    if (this.pending) throw new Error('cannot restart inside a batch');
    this.restartedFrom = this.restartedFrom ?? this.id;
    this.id = 0;
    this.baseId = 0;
    this.kept = [];
    this.keptChanges = 0;
  }

  /** Make `count` random changes (adds, size changes, cancels) in the open batch. */
  churn(count: number): void {
    for (let i = 0; i < count; i++) this.churnOne();
  }

  /** A random number of changes (1..maxChanges) for one automatic batch. */
  randomChangeCount(): number {
    return this.rng.int(1, this.maxChanges);
  }

  /** Take up to `steps` from the best level of `side` (or the level at `atTicks`); returns the price and what was taken. */
  take(side: BookSide, steps: number, atTicks?: number): { ticks: number; steps: number } | undefined {
    const ticks = atTicks ?? this.best(side)?.ticks;
    if (ticks === undefined) return undefined;
    const level = this.sides[side].get(ticks);
    if (!level) return undefined;
    const taken = Math.min(steps, level.steps);
    const left = level.steps - taken;
    this.set(side, ticks, left, left === 0 ? 0 : Math.max(1, level.orders - (this.rng.chance(0.5) ? 1 : 0)));
    return { ticks, steps: taken };
  }

  /**
   * After a trade at `lastTicks`: a side left empty gets a level one tick beyond it (never crossing the other
   * side), and a thin side (under half the target levels) one more random order, so that trades always find a level.
   */
  replenish(lastTicks: number): void {
    for (const side of ['bid', 'ask'] as const) {
      const levels = this.sides[side];
      if (levels.size === 0) {
        const other = this.best(side === 'bid' ? 'ask' : 'bid');
        const ticks = side === 'bid' ? Math.min(lastTicks - 1, other ? other.ticks - 1 : lastTicks - 1) : Math.max(lastTicks + 1, other ? other.ticks + 1 : lastTicks + 1);
        if (ticks >= 1) this.set(side, ticks, this.levelQty(), 1);
      }
      if (levels.size > 0 && levels.size < Math.ceil(this.levels / 2)) this.addOrder(side);
    }
  }

  /** The current book (all levels). */
  view(): BookView {
    return this.viewOf(this.sides, this.id);
  }

  /** The book right after the change with update id `updateId` (throws when it is not kept). */
  viewAt(updateId: number): BookView {
    if (updateId > this.id) throw new Error(`${this.symbol}: update id ${updateId} is newer than the book (${this.id})`);
    if (updateId < this.baseId) throw new Error(`${this.symbol}: update id ${updateId} is older than the kept history (from ${this.baseId})`);
    const sides = { bid: new Map(this.sides.bid), ask: new Map(this.sides.ask) };
    for (let b = this.kept.length - 1; b >= 0; b--) {
      const batch = this.kept[b] as KeptBatch;
      if (batch.lastId <= updateId) break;
      for (let i = batch.undo.length - 1; i >= 0; i--) {
        const u = batch.undo[i] as Undo;
        if (u.id <= updateId) break;
        if (u.before) sides[u.side].set(u.ticks, { ...u.before });
        else sides[u.side].delete(u.ticks);
      }
    }
    return this.viewOf(sides, updateId);
  }

  /** The book as it was `batches` batches ago (clamped to the oldest kept). */
  viewBehind(batches: number): BookView {
    const index = this.kept.length - Math.max(0, Math.floor(batches));
    const id = index <= 0 ? this.baseId : (this.kept[index - 1] as KeptBatch).lastId;
    return this.viewAt(id);
  }

  /** The update id the oldest kept batch started from (the oldest id `viewAt` answers). */
  get oldestUpdateId(): number {
    return this.baseId;
  }

  private churnOne(): void {
    const side: BookSide = this.rng.chance(0.5) ? 'bid' : 'ask';
    const levels = this.sides[side];
    const r = this.rng.next();
    if (levels.size < Math.ceil(this.levels / 2) || r < 0.45) this.addOrder(side);
    else if (r < 0.75) {
      const ticks = this.randomLevel(side);
      const level = levels.get(ticks) as Level;
      let steps = this.rng.int(1, Math.max(2, level.steps * 2));
      if (steps === level.steps) steps++;
      this.set(side, ticks, steps, Math.max(1, level.orders + (steps > level.steps ? 1 : -1)));
    } else if (levels.size > 1) {
      this.set(side, this.randomLevel(side), 0, 0);
    }
    if (levels.size > this.levels + Math.ceil(this.levels / 2)) {
      // Too deep: the farthest level goes.
      let far: number | undefined;
      for (const t of levels.keys()) if (far === undefined || (side === 'bid' ? t < far : t > far)) far = t;
      this.set(side, far as number, 0, 0);
    }
  }

  private addOrder(side: BookSide): void {
    const own = this.best(side);
    const other = this.best(side === 'bid' ? 'ask' : 'bid');
    let ticks: number;
    if (own === undefined) {
      ticks = other === undefined ? 1 : side === 'bid' ? other.ticks - 1 : other.ticks + 1;
    } else if (other !== undefined && Math.abs(other.ticks - own.ticks) > 1 && this.rng.chance(0.2)) {
      // Inside the spread, never crossing.
      ticks = side === 'bid' ? this.rng.int(own.ticks + 1, other.ticks - 1) : this.rng.int(other.ticks + 1, own.ticks - 1);
    } else {
      const away = this.rng.int(0, this.levels);
      ticks = side === 'bid' ? own.ticks - away : own.ticks + away;
    }
    if (ticks < 1) ticks = 1;
    if (other !== undefined && (side === 'bid' ? ticks >= other.ticks : ticks <= other.ticks)) return;
    const level = this.sides[side].get(ticks);
    const add = this.levelQty();
    this.set(side, ticks, (level?.steps ?? 0) + add, (level?.orders ?? 0) + 1);
  }

  private randomLevel(side: BookSide): number {
    const keys = [...this.sides[side].keys()];
    return keys[this.rng.int(0, keys.length - 1)] as number;
  }

  /** A resting level's size: up to a quarter of the symbol's largest trade quantity, at least one step. */
  private levelQty(): number {
    return this.rng.int(1, Math.max(1, Math.floor(this.maxSteps / 4)));
  }

  private set(side: BookSide, ticks: number, steps: number, orders: number): void {
    if (!this.pending) throw new Error('book changes need an open batch (begin)');
    const levels = this.sides[side];
    const before = levels.get(ticks);
    if (steps === 0 && !before) return;
    const id = this.ids.kind === 'jump' ? this.pendingId : this.id + this.pending.length + 1;
    this.pending.push({ side, ticks, id, before: before ? { ...before } : undefined });
    if (steps === 0) levels.delete(ticks);
    else levels.set(ticks, { steps, orders });
  }

  private keep(batch: KeptBatch): void {
    this.kept.push(batch);
    this.keptChanges += batch.undo.length;
    let drop = 0;
    while (this.keptChanges > this.historySize && drop < this.kept.length - 1) {
      const old = this.kept[drop] as KeptBatch;
      this.keptChanges -= old.undo.length;
      this.baseId = old.lastId;
      drop++;
    }
    if (drop > 0) this.kept.splice(0, drop);
  }

  private changeOf(side: BookSide, ticks: number): BookChange {
    const level = this.sides[side].get(ticks);
    return { side, price: this.price(ticks), qty: this.qty(level?.steps ?? 0), orders: level?.orders ?? 0 };
  }

  private compareChange(a: BookChange, b: BookChange): number {
    return compareChanges(a, b);
  }

  private viewOf(sides: Record<BookSide, Map<number, Level>>, updateId: number): BookView {
    const list = (side: BookSide) =>
      [...sides[side].entries()]
        .sort((x, y) => (side === 'bid' ? y[0] - x[0] : x[0] - y[0]))
        .map(([ticks, level]) => ({ price: this.price(ticks), qty: this.qty(level.steps), orders: level.orders }));
    return { symbol: this.symbol, updateId, bids: list('bid'), asks: list('ask') };
  }

  private price(ticks: number): string {
    return unitsText(ticks, this.grid.tickUnits, this.grid.tick);
  }

  private qty(steps: number): string {
    return unitsText(steps, this.grid.stepUnits, this.grid.step);
  }
}
