import { nowUs } from './clock.js';
import { formatSafeUnits, formatUnits, multiplyUnits, toUnits } from './fixed-point.js';
import { TradeTape } from './history.js';
import { SimOrderBook, type BookBatch, type BookOptions, type BookSide, type BookView } from './order-book.js';
import { Rng, hashString } from './rng.js';

/** One instrument the simulated market trades. Decimals are plain strings (`"0.01"`). */
export interface SymbolSpec {
  /** The venue's symbol as the venue writes it (`BTCUSDT`). */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Price increment. */
  readonly tickSize: string;
  /** Quantity increment. */
  readonly stepSize: string;
  /** First trade price (rounded to the tick; at most 2^53 − 1 ticks). */
  readonly startPrice: string;
  /** Largest generated quantity (rounded to the step); the smallest is one step. */
  readonly maxQty: string;
  /** Venue status string (`TRADING`). */
  readonly status: string;
}

/** One trade of the simulated market. Prices and quantities are written with 8 decimals. */
export interface SimTrade {
  readonly symbol: string;
  /** Consecutive per symbol. */
  readonly id: number;
  readonly price: string;
  readonly qty: string;
  /** price × qty, 8 decimals (truncated). */
  readonly quoteQty: string;
  /** Trade time, µs since the Unix epoch (wall clock). */
  readonly timeUs: number;
  /** True when the buyer was the maker, i.e. the **taker sold**. */
  readonly buyerIsMaker: boolean;
  /**
   * The taker order this trade filled (only with `sweeps`): consecutive trades of one order share it,
   * their price, taker side and time.
   */
  readonly takerOrder?: number;
}

/** Best bid/ask derived from the last trade (for book-ticker style streams). */
export interface BookTop {
  /** Update id, increases with every change. */
  readonly updateId: number;
  readonly bidPrice: string;
  readonly bidQty: string;
  readonly askPrice: string;
  readonly askQty: string;
}

export interface MarketOptions {
  readonly symbols: readonly SymbolSpec[];
  /** Seed of every random choice; each symbol derives its own stream from it. Default 1. */
  readonly seed?: number | string;
  /** Id of each symbol's first trade. Default 1. */
  readonly tradeIdStart?: number;
  /** Trades kept per symbol. Default 1,000,000. */
  readonly historySize?: number;
  /** Automatic trades per second per symbol (used by `start()`). Default 0. */
  readonly rate?: number;
  /** In automatic mode, every `everyMs` also make `size` trades at once. */
  readonly burst?: { readonly size: number; readonly everyMs: number };
  /**
   * Taker orders that fill several trades at one price: with `probability` a new order is a sweep of 2 to
   * `maxTrades` trades (same price, taker side and time). Off by default (every trade its own order).
   */
  readonly sweeps?: { readonly probability: number; readonly maxTrades: number };
  /**
   * An L2 order book per symbol (off by default): random adds, size changes and cancels, and trades that
   * consume the best level on the taker's opposite side (so trade and book streams agree). With books on,
   * trades are made from the book instead of the price walk.
   */
  readonly books?: BookOptions;
}

export type TradesListener = (symbol: string, trades: readonly SimTrade[]) => void;
/** Called with every batch of book changes (after the trades that caused it, if any). */
export type BookListener = (batch: BookBatch) => void;

interface SymbolState {
  readonly spec: SymbolSpec;
  readonly rng: Rng;
  /** Tick and step in units of 10^-8, as bigint and as number (the number is exact while it is a safe integer). */
  readonly tick: bigint;
  readonly step: bigint;
  readonly tickUnits: number;
  readonly stepUnits: number;
  /**
   * price × qty / 10^8 = ticks × steps × quoteNum / quoteDen (tick × step / 10^8 as a reduced fraction), so the
   * quote quantity of a trade is one multiplication of small integers; Infinity when that does not fit.
   */
  readonly quoteNum: number;
  readonly quoteDen: number;
  readonly maxSteps: number;
  readonly history: TradeTape;
  nextId: number;
  /** Current price in ticks (a safe integer). */
  priceTicks: number;
  lastTimeUs: number;
  lastBuyerIsMaker: boolean;
  bookUpdateId: number;
  book: BookTop;
  /** Trades still to come of the current sweep, and the order they belong to. */
  sweepLeft: number;
  order: number;
  /** The price string of `cachedTicks` (consecutive trades often share a price). */
  cachedTicks: number;
  cachedPrice: string;
  /** The L2 book, when books are on. */
  readonly orderBook: SimOrderBook | undefined;
}

/** Exact below 2^53: a product of integers that compares below it is the exact product. */
const EXACT_LIMIT = 2 ** 53;

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** `count` × `unit` units of 10^-8 as an 8-decimal string; `unitNumber` is `unit` as a number. */
function unitsString(count: number, unitNumber: number, unit: bigint): string {
  const units = count * unitNumber;
  return units < EXACT_LIMIT ? formatSafeUnits(units) : formatUnits(BigInt(count) * unit);
}

function priceString(state: SymbolState, ticks: number): string {
  return unitsString(ticks, state.tickUnits, state.tick);
}

function qtyString(state: SymbolState, steps: number): string {
  return unitsString(steps, state.stepUnits, state.step);
}

/** price × qty truncated to 8 decimals, as `formatUnits(multiplyUnits(price, qty))` writes it. */
function quoteString(state: SymbolState, ticks: number, steps: number): string {
  const product = ticks * steps;
  if (product < EXACT_LIMIT) {
    const scaled = product * state.quoteNum;
    if (scaled < EXACT_LIMIT) {
      const den = state.quoteDen;
      return formatSafeUnits(den === 1 ? scaled : (scaled - (scaled % den)) / den);
    }
  }
  return formatUnits(multiplyUnits(BigInt(ticks) * state.tick, BigInt(steps) * state.step));
}

/** A trade object; the same fields in the same order whether it was just made or is read back from history. */
function makeTrade(state: SymbolState, id: number, price: string, ticks: number, steps: number, timeUs: number, buyerIsMaker: boolean, order: number | undefined): SimTrade {
  const symbol = state.spec.symbol;
  const qty = qtyString(state, steps);
  const quoteQty = quoteString(state, ticks, steps);
  return order === undefined
    ? { symbol, id, price, qty, quoteQty, timeUs, buyerIsMaker }
    : { symbol, id, price, qty, quoteQty, timeUs, buyerIsMaker, takerOrder: order };
}

/**
 * A deterministic, seeded trade generator per symbol with a bounded history. Venue servers render its
 * trades in their own formats; REST and WebSocket both read the same history, so a trade streamed
 * with some id is the same trade over REST.
 */
export class Market {
  private readonly states = new Map<string, SymbolState>();
  private readonly listeners = new Set<TradesListener>();
  private rateTimer: NodeJS.Timeout | undefined;
  private burstTimer: NodeJS.Timeout | undefined;
  private currentRate: number;
  private readonly burst: { size: number; everyMs: number } | undefined;
  private readonly sweeps: { probability: number; maxTrades: number } | undefined;
  private readonly bookListeners = new Set<BookListener>();
  private readonly bookOptions: BookOptions | undefined;
  private bookTimer: NodeJS.Timeout | undefined;

  constructor(options: MarketOptions) {
    const seed = options.seed ?? 1;
    const historySize = options.historySize ?? 1_000_000;
    const idStart = options.tradeIdStart ?? 1;
    this.currentRate = options.rate ?? 0;
    this.burst = options.burst ? { ...options.burst } : undefined;
    this.sweeps = options.sweeps && options.sweeps.probability > 0 && options.sweeps.maxTrades >= 2 ? { ...options.sweeps } : undefined;
    this.bookOptions = options.books ? { ...options.books } : undefined;
    const bookInterval = this.bookOptions?.intervalMs ?? 100;
    if (!(Number.isFinite(bookInterval) && bookInterval >= 0)) throw new Error(`books.intervalMs must be >= 0, got ${bookInterval}`);
    if (options.symbols.length === 0) throw new Error('the market needs at least one symbol');
    for (const spec of options.symbols) {
      const tick = toUnits(spec.tickSize);
      const step = toUnits(spec.stepSize);
      if (tick <= 0n || step <= 0n) throw new Error(`${spec.symbol}: tick and step sizes must be > 0`);
      const start = toUnits(spec.startPrice);
      const startTicks = start / tick > 0n ? start / tick : 1n;
      if (startTicks > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${spec.symbol}: start price is too many ticks`);
      const maxSteps = Number(toUnits(spec.maxQty) / step);
      const scale = 10n ** 8n;
      const divisor = gcd(tick * step, scale);
      const quoteNum = (tick * step) / divisor;
      const state: SymbolState = {
        spec,
        rng: new Rng(hashString(`${String(seed)}:${spec.symbol}`)),
        tick,
        step,
        tickUnits: Number(tick),
        stepUnits: Number(step),
        quoteNum: quoteNum < BigInt(Number.MAX_SAFE_INTEGER) ? Number(quoteNum) : Number.POSITIVE_INFINITY,
        quoteDen: Number(scale / divisor),
        maxSteps: Math.max(1, maxSteps),
        history: new TradeTape(historySize, this.sweeps !== undefined),
        nextId: idStart,
        priceTicks: Number(startTicks),
        lastTimeUs: 0,
        lastBuyerIsMaker: false,
        bookUpdateId: 1,
        book: { updateId: 0, bidPrice: '', bidQty: '', askPrice: '', askQty: '' },
        sweepLeft: 0,
        order: 0,
        cachedTicks: -1,
        cachedPrice: '',
        orderBook: this.bookOptions
          ? new SimOrderBook(
              spec.symbol,
              { tick, step, tickUnits: Number(tick), stepUnits: Number(step) },
              new Rng(hashString(`${String(seed)}:${spec.symbol}:book`)),
              Math.max(1, maxSteps),
              Number(startTicks),
              this.bookOptions,
            )
          : undefined,
      };
      state.book = this.makeBook(state);
      this.states.set(spec.symbol, state);
    }
  }

  /** The symbols this market trades, in configuration order. */
  symbols(): readonly SymbolSpec[] {
    return [...this.states.values()].map((s) => s.spec);
  }

  spec(symbol: string): SymbolSpec | undefined {
    return this.states.get(symbol)?.spec;
  }

  has(symbol: string): boolean {
    return this.states.has(symbol);
  }

  /** Listen to every batch of new trades (called synchronously, after the history holds them). */
  onTrades(listener: TradesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Make exactly `count` trades of `symbol` now (synchronously, no timers), append them to the history and
   * hand them to the listeners. Returns them.
   */
  generate(symbol: string, count = 1): SimTrade[] {
    const state = this.require(symbol);
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    const trades: SimTrade[] = [];
    const orderBook = state.orderBook;
    if (orderBook) {
      orderBook.begin();
      let batch: BookBatch | undefined;
      try {
        for (let i = 0; i < count; i++) trades.push(this.nextBookTrade(state, orderBook));
      } finally {
        batch = orderBook.commit(nowUs(), 'trades');
      }
      if (trades.length > 0) for (const listener of this.listeners) listener(symbol, trades);
      if (batch) this.emitBook(batch);
      return trades;
    }
    for (let i = 0; i < count; i++) trades.push(this.nextTrade(state));
    if (trades.length > 0) {
      state.book = this.makeBook(state);
      for (const listener of this.listeners) listener(symbol, trades);
    }
    return trades;
  }

  /** Whether the market keeps an L2 book per symbol (`books` option). */
  get booksEnabled(): boolean {
    return this.bookOptions !== undefined;
  }

  /** Listen to every batch of book changes (called synchronously, after the book holds them). */
  onBook(listener: BookListener): () => void {
    this.bookListeners.add(listener);
    return () => this.bookListeners.delete(listener);
  }

  /**
   * Make one batch of `count` random book changes (adds, size changes, cancels) of `symbol` now and hand it
   * to the book listeners. Returns it (undefined in the rare case that nothing changed).
   */
  changeBook(symbol: string, count = 1): BookBatch | undefined {
    const book = this.requireBook(symbol);
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    book.begin();
    let batch: BookBatch | undefined;
    try {
      book.churn(count);
    } finally {
      batch = book.commit(nowUs(), 'orders');
    }
    if (batch) this.emitBook(batch);
    return batch;
  }

  /** The true current book of `symbol` and its update id. */
  orderBook(symbol: string): BookView {
    return this.requireBook(symbol).view();
  }

  /** The true book of `symbol` right after the change with venue update id `updateId` (throws when not kept). */
  bookAt(symbol: string, updateId: number): BookView {
    return this.requireBook(symbol).viewAt(updateId);
  }

  /** The book of `symbol` as it was `batches` batches ago (clamped to the oldest kept). */
  bookBehind(symbol: string, batches: number): BookView {
    return this.requireBook(symbol).viewBehind(batches);
  }

  /** The current book update id of `symbol`. */
  bookUpdateId(symbol: string): number {
    return this.requireBook(symbol).updateId;
  }

  /** The oldest update id `bookAt` can answer for `symbol`. */
  oldestBookUpdateId(symbol: string): number {
    return this.requireBook(symbol).oldestUpdateId;
  }

  /**
   * A venue restart: the book update ids of `symbol` (default: every symbol) start again from small values;
   * the levels stay. The truth history starts anew.
   */
  restartBooks(symbol?: string): void {
    const symbols = symbol === undefined ? [...this.states.keys()] : [symbol];
    for (const s of symbols) this.requireBook(s).restart();
  }

  /** Make `count` trades for every symbol now. */
  generateAll(count = 1): void {
    for (const symbol of this.states.keys()) this.generate(symbol, count);
  }

  /** Start automatic trading at `rate` trades per second per symbol (default: the configured rate). */
  start(rate = this.currentRate): void {
    this.stop();
    this.currentRate = rate;
    const bookInterval = this.bookOptions?.intervalMs ?? 100;
    if (this.bookOptions && bookInterval > 0) {
      this.bookTimer = setInterval(() => {
        for (const state of this.states.values()) {
          const book = state.orderBook as SimOrderBook;
          this.changeBook(state.spec.symbol, book.randomChangeCount());
        }
      }, bookInterval);
    }
    if (rate > 0) {
      const startedAt = performance.now();
      let made = 0;
      const tickMs = Math.max(5, Math.min(100, Math.floor(1000 / rate)));
      this.rateTimer = setInterval(() => {
        const due = Math.floor(((performance.now() - startedAt) * rate) / 1000) - made;
        if (due <= 0) return;
        made += due;
        this.generateAll(due);
      }, tickMs);
    }
    if (this.burst && this.burst.size > 0 && this.burst.everyMs > 0) {
      const size = this.burst.size;
      this.burstTimer = setInterval(() => this.generateAll(size), this.burst.everyMs);
    }
  }

  /** Stop automatic trading (manual `generate` still works). */
  stop(): void {
    if (this.rateTimer) clearInterval(this.rateTimer);
    if (this.burstTimer) clearInterval(this.burstTimer);
    if (this.bookTimer) clearInterval(this.bookTimer);
    this.rateTimer = undefined;
    this.burstTimer = undefined;
    this.bookTimer = undefined;
  }

  get running(): boolean {
    return this.rateTimer !== undefined || this.burstTimer !== undefined || this.bookTimer !== undefined;
  }

  get rate(): number {
    return this.currentRate;
  }

  /** Kept trades of `symbol`, oldest first; `fromId` and `limit` narrow it. */
  trades(symbol: string, options: { fromId?: number; limit?: number } = {}): SimTrade[] {
    const state = this.require(symbol);
    const history = state.history;
    const limit = options.limit ?? history.length;
    if (options.fromId !== undefined) {
      const first = history.firstId;
      if (first === undefined) return [];
      const start = Math.max(0, options.fromId - first);
      return this.rows(state, start, start + limit);
    }
    return this.rows(state, history.length - limit, history.length);
  }

  /** The newest `limit` trades, oldest first. */
  latest(symbol: string, limit: number): SimTrade[] {
    const state = this.require(symbol);
    return this.rows(state, state.history.length - limit, state.history.length);
  }

  /** Trades with `startUs <= timeUs <= endUs`, oldest first, at most `limit`. */
  tradesBetween(symbol: string, startUs: number, endUs: number, limit: number): SimTrade[] {
    const state = this.require(symbol);
    const history = state.history;
    const out: SimTrade[] = [];
    for (let i = history.lowerBoundTime(startUs); i < history.length && out.length < limit; i++) {
      if (history.timeAt(i) > endUs) break;
      out.push(this.row(state, i));
    }
    return out;
  }

  trade(symbol: string, id: number): SimTrade | undefined {
    const state = this.require(symbol);
    const index = state.history.indexOf(id);
    return index < 0 ? undefined : this.row(state, index);
  }

  /** Id of the newest trade, or undefined before the first. */
  lastId(symbol: string): number | undefined {
    return this.require(symbol).history.lastId;
  }

  /** Id of the oldest trade still kept, or undefined before the first. */
  firstId(symbol: string): number | undefined {
    return this.require(symbol).history.firstId;
  }

  /** Last trade price (8 decimals), or the start price before the first trade. */
  lastPrice(symbol: string): string {
    const state = this.require(symbol);
    return priceString(state, state.priceTicks);
  }

  /** Best bid/ask: with books, the L2 book's best levels and its update id; else derived from the last trade. */
  book(symbol: string): BookTop {
    const state = this.require(symbol);
    const orderBook = state.orderBook;
    if (!orderBook) return state.book;
    const bid = orderBook.best('bid');
    const ask = orderBook.best('ask');
    return {
      updateId: orderBook.updateId,
      bidPrice: bid ? priceString(state, bid.ticks) : '',
      bidQty: bid ? qtyString(state, bid.steps) : '',
      askPrice: ask ? priceString(state, ask.ticks) : '',
      askQty: ask ? qtyString(state, ask.steps) : '',
    };
  }

  private requireBook(symbol: string): SimOrderBook {
    const book = this.require(symbol).orderBook;
    if (!book) throw new Error('order books are off (start the market with the books option)');
    return book;
  }

  private emitBook(batch: BookBatch): void {
    for (const listener of this.bookListeners) listener(batch);
  }

  private require(symbol: string): SymbolState {
    const state = this.states.get(symbol);
    if (!state) throw new Error(`unknown symbol ${symbol}`);
    return state;
  }

  /** History positions [start, end) (clamped to what is kept, whole positions only) as trade objects. */
  private rows(state: SymbolState, start: number, end: number): SimTrade[] {
    const out: SimTrade[] = [];
    for (let i = Math.max(0, Math.ceil(start)); i < Math.min(end, state.history.length); i++) out.push(this.row(state, i));
    return out;
  }

  private row(state: SymbolState, index: number): SimTrade {
    const h = state.history;
    const ticks = h.ticksAt(index);
    return makeTrade(state, h.idAt(index), priceString(state, ticks), ticks, h.stepsAt(index), h.timeAt(index), h.buyerIsMakerAt(index), h.orderAt(index));
  }

  private nextTrade(state: SymbolState): SimTrade {
    const { rng } = state;
    if (this.sweeps && state.sweepLeft > 0 && state.history.length > 0) {
      // The rest of a sweep: one taker order filling more resting orders at the same price and time.
      state.sweepLeft--;
      return this.pushTrade(state, this.randomQty(state), state.lastTimeUs, state.lastBuyerIsMaker, state.order);
    }
    // Price: a random walk in ticks, with runs at the same price (one taker order sweeping a level).
    if (!rng.chance(0.4)) {
      const move = rng.int(1, rng.chance(0.1) ? 20 : 3);
      state.priceTicks = rng.chance(0.5) ? state.priceTicks + move : state.priceTicks - move;
      if (state.priceTicks < 1) state.priceTicks = 1;
    }
    const qtySteps = this.randomQty(state);
    const timeUs = Math.max(nowUs(), state.lastTimeUs);
    const buyerIsMaker = rng.chance(0.5);
    if (!this.sweeps) return this.pushTrade(state, qtySteps, timeUs, buyerIsMaker, undefined);
    state.order++;
    if (rng.chance(this.sweeps.probability)) state.sweepLeft = rng.int(1, this.sweeps.maxTrades - 1);
    return this.pushTrade(state, qtySteps, timeUs, buyerIsMaker, state.order);
  }

  /**
   * A trade against the book: the taker's opposite side's best level gives the price; the quantity is at most
   * that level's size, which the trade reduces (or removes). The rest of a sweep trades at the same price
   * while that level lasts.
   */
  private nextBookTrade(state: SymbolState, book: SimOrderBook): SimTrade {
    const { rng } = state;
    if (this.sweeps && state.sweepLeft > 0 && state.history.length > 0) {
      state.sweepLeft--;
      const side: BookSide = state.lastBuyerIsMaker ? 'bid' : 'ask';
      if (book.at(side, state.priceTicks)) {
        const taken = book.take(side, this.randomQty(state), state.priceTicks) as { ticks: number; steps: number };
        const trade = this.pushTrade(state, taken.steps, state.lastTimeUs, state.lastBuyerIsMaker, state.order);
        book.replenish(taken.ticks);
        return trade;
      }
      state.sweepLeft = 0; // the level is gone: the order is done
    }
    const buyerIsMaker = rng.chance(0.5);
    const side: BookSide = buyerIsMaker ? 'bid' : 'ask';
    const taken = book.take(side, this.randomQty(state));
    if (!taken) throw new Error(`${state.spec.symbol}: the book has no ${side} to trade against`);
    state.priceTicks = taken.ticks;
    const timeUs = Math.max(nowUs(), state.lastTimeUs);
    let order: number | undefined;
    if (this.sweeps) {
      order = ++state.order;
      if (rng.chance(this.sweeps.probability)) state.sweepLeft = rng.int(1, this.sweeps.maxTrades - 1);
    }
    const trade = this.pushTrade(state, taken.steps, timeUs, buyerIsMaker, order);
    book.replenish(taken.ticks);
    return trade;
  }

  /** Quantity in steps: mostly small, now and then large, at least one step. */
  private randomQty(state: SymbolState): number {
    const u = state.rng.next();
    return Math.max(1, Math.floor(u * u * u * u * state.maxSteps));
  }

  /** A trade at the current price. */
  private pushTrade(state: SymbolState, steps: number, timeUs: number, buyerIsMaker: boolean, order: number | undefined): SimTrade {
    state.lastTimeUs = timeUs;
    state.lastBuyerIsMaker = buyerIsMaker;
    const ticks = state.priceTicks;
    if (ticks !== state.cachedTicks) {
      state.cachedTicks = ticks;
      state.cachedPrice = priceString(state, ticks);
    }
    const id = state.nextId++;
    state.history.push(id, ticks, steps, timeUs, buyerIsMaker, order ?? 0);
    return makeTrade(state, id, state.cachedPrice, ticks, steps, timeUs, buyerIsMaker, order);
  }

  private makeBook(state: SymbolState): BookTop {
    const { rng } = state;
    const last = state.priceTicks;
    const spread = rng.int(1, 3);
    const bid = last > 1 ? last - 1 : last;
    const ask = bid + spread;
    const qty = () => qtyString(state, rng.int(1, Math.max(1, Math.floor(state.maxSteps / 10))));
    return {
      updateId: state.bookUpdateId++,
      bidPrice: priceString(state, bid),
      bidQty: qty(),
      askPrice: priceString(state, ask),
      askQty: qty(),
    };
  }
}
