import { Rng } from './rng.js';

/** How a streamed trade frame is damaged. */
/**
 * How a malformed frame is damaged. `retyped-decimals` (prices and quantities with their JSON type
 * flipped, the rest intact) is what a venue changing its format looks like; it is not in the default mix.
 */
export type MalformedKind = 'invalid-json' | 'wrong-types' | 'missing-fields' | 'retyped-decimals';
/** The default mix of `malformFrames` and of random malformed frames. */
export const MALFORMED_KINDS: readonly MalformedKind[] = ['invalid-json', 'wrong-types', 'missing-fields'];

/** What happens to the stream frame(s) of one trade. */
export type FrameFate =
  | { readonly kind: 'send' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'malformed'; readonly malformed: MalformedKind }
  | { readonly kind: 'reorder' };

/** A connection as the fault machinery sees it; each venue server implements it. */
export interface FaultTarget {
  readonly id: number;
  /** Destroy the socket: no close frame. */
  drop(): void;
  /** Close politely with a close frame. */
  close(code: number, reason: string): void;
  /** Send nothing at all (no data, no pings) for `ms`. */
  stall(ms: number): void;
  /** Send the venue's "server shutting down" notice. */
  notifyShutdown(): void;
}

export interface FaultTargets {
  list(): readonly FaultTarget[];
}

/** Forced REST outcome for one request. */
export interface RestFault {
  /** Delay the answer by this many ms. */
  readonly latencyMs: number;
  /** Answer with this status instead of the real answer (5xx, 429, 418). */
  readonly status?: number;
  /** `Retry-After` seconds for forced 429 / 418. */
  readonly retryAfterSec?: number;
}

/** Random faults, each with a probability per trade frame / REST request, and periodic connection faults. */
export interface ChaosOptions {
  readonly skipProbability?: number;
  readonly duplicateProbability?: number;
  readonly reorderProbability?: number;
  readonly malformedProbability?: number;
  readonly restErrorProbability?: number;
  readonly restLatencyMs?: number;
  readonly dropEveryMs?: number;
  readonly closeEveryMs?: number;
  readonly stallEveryMs?: number;
  readonly stallMs?: number;
  readonly shutdownEveryMs?: number;
  /** Probabilities per book delta (a batch of book changes) of being dropped, sent twice, or held back behind the next. */
  readonly bookDropProbability?: number;
  readonly bookDuplicateProbability?: number;
  readonly bookReorderProbability?: number;
}

/** What happens to the frame(s) of one book delta on every connection. */
export type BookFate = { readonly kind: 'send' } | { readonly kind: 'skip' } | { readonly kind: 'duplicate' } | { readonly kind: 'reorder' };

/** Which REST requests a fault applies to: every one (default), or the venue's book snapshot requests only. */
export type RestFaultTarget = 'any' | 'snapshot';

/** How many REST snapshot answers are stale, and how stale: the book `batchesBehind` batches ago (default: the oldest kept). */
export interface StaleSnapshotScope {
  readonly requests?: number;
  readonly symbol?: string;
  readonly batchesBehind?: number;
}

/** One book delta that a fault hit (by its last update id). */
export interface AffectedBookDelta {
  readonly symbol: string;
  readonly updateId: number;
  readonly fault: 'skip' | 'duplicate' | 'reorder';
}

/** Which trades a frame fault applies to: all symbols, or one. */
export interface FrameFaultScope {
  readonly symbol?: string;
}

/** Which connections a connection fault applies to: all, or one by id. */
export interface ConnectionScope {
  readonly connectionId?: number;
}

/** How long a REST fault lasts: for the next N requests, or for a duration (whichever given; default 1 request). */
export interface RestFaultScope {
  readonly requests?: number;
  readonly durationMs?: number;
}

export interface FaultCounters {
  skipped: number;
  duplicated: number;
  reordered: number;
  malformed: Record<MalformedKind, number>;
  dropped: number;
  closed: number;
  stalled: number;
  shutdownNotices: number;
  restDelayed: number;
  restErrors: number;
  rest429: number;
  rest418: number;
  /** Book deltas dropped, duplicated, reordered; stale REST snapshots served; book id restarts. */
  bookSkipped: number;
  bookDuplicated: number;
  bookReordered: number;
  staleSnapshots: number;
  bookRestarts: number;
}

/** One trade whose frame was damaged, for tests to check recovery of exactly these ids. */
export interface AffectedTrade {
  readonly symbol: string;
  readonly id: number;
  readonly fault: 'skip' | 'duplicate' | 'reorder' | MalformedKind;
}

interface PendingFrameFault {
  readonly fate: 'skip' | 'duplicate' | 'malformed' | 'reorder';
  readonly symbol: string | undefined;
  remaining: number;
  readonly kinds: readonly MalformedKind[];
  next: number;
}

interface PendingRestFault {
  readonly status: number | undefined;
  readonly latencyMs: number;
  readonly retryAfterSec: number | undefined;
  remaining: number;
  readonly until: number;
  readonly target: RestFaultTarget;
}

interface PendingBookFault {
  readonly fate: 'skip' | 'duplicate' | 'reorder';
  readonly symbol: string | undefined;
  remaining: number;
}

interface PendingStaleSnapshot {
  readonly symbol: string | undefined;
  readonly batchesBehind: number;
  remaining: number;
}

export interface FaultState {
  readonly counters: FaultCounters;
  readonly pendingFrameFaults: readonly { fate: string; symbol?: string; remaining: number }[];
  readonly pendingRestFaults: readonly { status?: number; latencyMs: number; remaining: number; untilMs?: number; target?: 'snapshot' }[];
  readonly chaos: ChaosOptions;
  readonly affected: readonly AffectedTrade[];
  readonly pendingBookFaults: readonly { fate: string; symbol?: string; remaining: number }[];
  readonly affectedBook: readonly AffectedBookDelta[];
}

const AFFECTED_KEPT = 10_000;

/** The fates without a parameter, shared (a fate is never changed once decided). */
const FATES = {
  send: Object.freeze({ kind: 'send' }),
  skip: Object.freeze({ kind: 'skip' }),
  duplicate: Object.freeze({ kind: 'duplicate' }),
  reorder: Object.freeze({ kind: 'reorder' }),
} as const satisfies Record<string, FrameFate>;

function emptyCounters(): FaultCounters {
  return {
    skipped: 0,
    duplicated: 0,
    reordered: 0,
    malformed: { 'invalid-json': 0, 'wrong-types': 0, 'missing-fields': 0, 'retyped-decimals': 0 },
    dropped: 0,
    closed: 0,
    stalled: 0,
    shutdownNotices: 0,
    restDelayed: 0,
    restErrors: 0,
    rest429: 0,
    rest418: 0,
    bookSkipped: 0,
    bookDuplicated: 0,
    bookReordered: 0,
    staleSnapshots: 0,
    bookRestarts: 0,
  };
}

/**
 * Venue-neutral fault injection: frame faults (skip, duplicate, reorder, malformed) decided per trade,
 * connection faults (drop, close, stall, shutdown notice) applied through `FaultTargets`, REST faults
 * (latency, 5xx, forced 429 / 418), random chaos, and counters of everything injected.
 */
export class Faults {
  private frameFaults: PendingFrameFault[] = [];
  private restFaults: PendingRestFault[] = [];
  private chaosOptions: ChaosOptions = {};
  private chaosTimers: NodeJS.Timeout[] = [];
  private readonly rng: Rng;
  private countersValue = emptyCounters();
  private affectedList: AffectedTrade[] = [];
  private malformedCycle = 0;
  /** Whether chaos has any frame fault probability > 0. */
  private chaosFrames = false;
  private bookFaults: PendingBookFault[] = [];
  private staleSnapshotFaults: PendingStaleSnapshot[] = [];
  private affectedBookList: AffectedBookDelta[] = [];
  /** Book faults draw from their own stream, so that they never change which trade frames chaos hits. */
  private readonly bookRng: Rng;
  private chaosBooks = false;
  private bookRestarter: ((symbol: string | undefined) => void) | undefined;

  constructor(
    private readonly targets: FaultTargets,
    options: { seed?: number | string; chaos?: ChaosOptions } = {},
  ) {
    this.rng = new Rng(`faults:${String(options.seed ?? 1)}`);
    this.bookRng = new Rng(`book-faults:${String(options.seed ?? 1)}`);
    if (options.chaos) this.chaos(options.chaos);
  }

  // ---- frame faults -------------------------------------------------------------------------------

  /** The next `count` trades are not sent on any stream (they stay in REST history): a server-side gap. */
  skipFrames(count: number, scope: FrameFaultScope = {}): this {
    return this.addFrameFault('skip', count, scope, []);
  }

  /** The next `count` trades are sent twice. */
  duplicateFrames(count: number, scope: FrameFaultScope = {}): this {
    return this.addFrameFault('duplicate', count, scope, []);
  }

  /**
   * The next `count` trades (at least 2) are held and then sent in reverse order, once all have been made
   * (or after the venue server's reorder flush time).
   */
  reorderFrames(count = 2, scope: FrameFaultScope = {}): this {
    return this.addFrameFault('reorder', Math.max(2, count), scope, []);
  }

  /**
   * The next `count` trades are sent as garbage frames instead (they stay in REST history). `kinds` is
   * the mix, used in turn (default: all three kinds).
   */
  malformFrames(count: number, scope: FrameFaultScope & { kinds?: readonly MalformedKind[] } = {}): this {
    const kinds = scope.kinds && scope.kinds.length > 0 ? scope.kinds : MALFORMED_KINDS;
    return this.addFrameFault('malformed', count, scope, kinds);
  }

  /**
   * Decide the fate of the stream frame(s) of one trade; called once per trade by the venue server. A
   * venue whose frame carries several trades calls it once per frame; `coveredIds` (default `[id]`) are
   * the trades listed in `affected` when the frame is damaged.
   */
  decideFrame(symbol: string, id: number, coveredIds?: readonly number[]): FrameFate {
    let fate: FrameFate;
    const pending = this.frameFaults.length > 0 ? this.frameFaults.find((f) => f.remaining > 0 && (f.symbol === undefined || f.symbol === symbol)) : undefined;
    if (pending) {
      pending.remaining--;
      if (pending.fate === 'malformed') {
        const malformed = pending.kinds[pending.next++ % pending.kinds.length] as MalformedKind;
        fate = { kind: 'malformed', malformed };
      } else {
        fate = FATES[pending.fate];
      }
      this.frameFaults = this.frameFaults.filter((f) => f.remaining > 0);
    } else {
      // Without random frame faults every frame is sent (and no random number is drawn, as chaosFate() would not).
      fate = this.chaosFrames ? this.chaosFate() : FATES.send;
    }
    if (fate.kind !== 'send') this.count(symbol, coveredIds ?? [id], fate);
    return fate;
  }

  // ---- book faults ------------------------------------------------------------------------------

  /** The next `count` book deltas are not sent on any book stream (the book still changed): a gap. */
  skipBookDeltas(count: number, scope: FrameFaultScope = {}): this {
    return this.addBookFault('skip', count, scope);
  }

  /** The next `count` book deltas are sent twice. */
  duplicateBookDeltas(count: number, scope: FrameFaultScope = {}): this {
    return this.addBookFault('duplicate', count, scope);
  }

  /** The next `count` book deltas (at least 2) are held and sent in reverse order. */
  reorderBookDeltas(count = 2, scope: FrameFaultScope = {}): this {
    return this.addBookFault('reorder', Math.max(2, count), scope);
  }

  /** Decide the fate of one book delta (called once per batch by the simulator). */
  decideBook(symbol: string, updateId: number): BookFate {
    let fate: BookFate = FATES.send;
    const pending = this.bookFaults.find((f) => f.remaining > 0 && (f.symbol === undefined || f.symbol === symbol));
    if (pending) {
      pending.remaining--;
      fate = FATES[pending.fate];
      this.bookFaults = this.bookFaults.filter((f) => f.remaining > 0);
    } else if (this.chaosBooks) {
      const c = this.chaosOptions;
      if (this.bookRng.chance(c.bookDropProbability ?? 0)) fate = FATES.skip;
      else if (this.bookRng.chance(c.bookDuplicateProbability ?? 0)) fate = FATES.duplicate;
      else if (this.bookRng.chance(c.bookReorderProbability ?? 0)) fate = FATES.reorder;
    }
    if (fate.kind !== 'send') {
      const fault = fate.kind;
      if (fault === 'skip') this.countersValue.bookSkipped++;
      else if (fault === 'duplicate') this.countersValue.bookDuplicated++;
      else this.countersValue.bookReordered++;
      this.affectedBookList.push({ symbol, updateId, fault });
      if (this.affectedBookList.length > AFFECTED_KEPT) this.affectedBookList.splice(0, this.affectedBookList.length - AFFECTED_KEPT);
    }
    return fate;
  }

  /** The next REST book snapshots (default 1) show an old book: `batchesBehind` batches ago (default: the oldest kept). */
  staleSnapshots(scope: StaleSnapshotScope = {}): this {
    const requests = scope.requests ?? 1;
    if (!Number.isInteger(requests) || requests < 1) throw new Error(`requests must be a positive integer, got ${requests}`);
    const behind = scope.batchesBehind ?? Number.POSITIVE_INFINITY;
    if (!(behind >= 1)) throw new Error(`batchesBehind must be >= 1, got ${behind}`);
    this.staleSnapshotFaults.push({ symbol: scope.symbol, batchesBehind: behind, remaining: requests });
    return this;
  }

  /** For one REST snapshot of `symbol`: how many batches behind to serve it, or undefined for the current book. */
  decideSnapshot(symbol: string): number | undefined {
    const pending = this.staleSnapshotFaults.find((f) => f.remaining > 0 && (f.symbol === undefined || f.symbol === symbol));
    if (!pending) return undefined;
    pending.remaining--;
    this.staleSnapshotFaults = this.staleSnapshotFaults.filter((f) => f.remaining > 0);
    this.countersValue.staleSnapshots++;
    return pending.batchesBehind;
  }

  /** Delay REST book snapshot answers only (see `restLatency`). */
  snapshotLatency(ms: number, scope: RestFaultScope = {}): this {
    return this.addRestFault(undefined, ms, undefined, scope, 'snapshot');
  }

  /** Answer REST book snapshot requests only with 429 and `Retry-After` (default 1 s). */
  snapshotTooManyRequests(scope: RestFaultScope & { retryAfterSec?: number } = {}): this {
    return this.addRestFault(429, 0, scope.retryAfterSec ?? 1, scope, 'snapshot');
  }

  /** Let `restartBooks` reach the market (the simulator does this when it starts). */
  attachBookRestart(restart: (symbol: string | undefined) => void): void {
    this.bookRestarter = restart;
  }

  /** A venue restart: book update ids of `symbol` (default: all) start again from small values. */
  restartBooks(scope: FrameFaultScope = {}): this {
    if (!this.bookRestarter) throw new Error('this simulator has no order books');
    this.bookRestarter(scope.symbol);
    this.countersValue.bookRestarts++;
    return this;
  }

  // ---- connection faults --------------------------------------------------------------------------

  /** Destroy sockets abruptly (no close frame). Returns how many connections were hit. */
  dropConnections(scope: ConnectionScope = {}): number {
    const hit = this.select(scope);
    for (const target of hit) target.drop();
    this.countersValue.dropped += hit.length;
    return hit.length;
  }

  /** Close connections politely with a close frame. Returns how many were hit. */
  closeConnections(scope: ConnectionScope & { code?: number; reason?: string } = {}): number {
    const hit = this.select(scope);
    for (const target of hit) target.close(scope.code ?? 1001, scope.reason ?? 'closed by simulator');
    this.countersValue.closed += hit.length;
    return hit.length;
  }

  /** Stall connections: socket open, nothing sent (no data, no pings) for `durationMs`. */
  stallConnections(durationMs: number, scope: ConnectionScope = {}): number {
    const hit = this.select(scope);
    for (const target of hit) target.stall(durationMs);
    this.countersValue.stalled += hit.length;
    return hit.length;
  }

  /** Send the venue's server-shutdown notice on connections. */
  sendServerShutdown(scope: ConnectionScope = {}): number {
    const hit = this.select(scope);
    for (const target of hit) target.notifyShutdown();
    this.countersValue.shutdownNotices += hit.length;
    return hit.length;
  }

  // ---- REST faults --------------------------------------------------------------------------------

  /** Delay REST answers by `ms`. */
  restLatency(ms: number, scope: RestFaultScope = {}): this {
    return this.addRestFault(undefined, ms, undefined, scope);
  }

  /** Answer REST requests with a server error (default 503). */
  restErrors(scope: RestFaultScope & { status?: number } = {}): this {
    return this.addRestFault(scope.status ?? 503, 0, undefined, scope);
  }

  /** Answer REST requests with 429 and `Retry-After` (default 1 s), whatever the weight used. */
  restTooManyRequests(scope: RestFaultScope & { retryAfterSec?: number } = {}): this {
    return this.addRestFault(429, 0, scope.retryAfterSec ?? 1, scope);
  }

  /** Answer REST requests with 418 (IP ban) and `Retry-After` (default 120 s). */
  restBan(scope: RestFaultScope & { retryAfterSec?: number } = {}): this {
    return this.addRestFault(418, 0, scope.retryAfterSec ?? 120, scope);
  }

  /** The forced outcome for one REST request (consumes counted faults); called by the venue server. */
  decideRest(now = Date.now(), request: { snapshot?: boolean } = {}): RestFault {
    this.restFaults = this.restFaults.filter((f) => f.remaining > 0 && now < f.until);
    let latencyMs = 0;
    let status: number | undefined;
    let retryAfterSec: number | undefined;
    for (const fault of this.restFaults) {
      if (fault.target === 'snapshot' && request.snapshot !== true) continue;
      if (fault.status === undefined) {
        if (latencyMs > 0) continue;
        latencyMs = fault.latencyMs;
      } else {
        if (status !== undefined) continue;
        status = fault.status;
        retryAfterSec = fault.retryAfterSec;
      }
      fault.remaining--;
    }
    if (latencyMs === 0 && this.chaosOptions.restLatencyMs) latencyMs = this.chaosOptions.restLatencyMs;
    if (status === undefined && this.rng.chance(this.chaosOptions.restErrorProbability ?? 0)) status = 503;
    if (latencyMs > 0) this.countersValue.restDelayed++;
    if (status === 429) this.countersValue.rest429++;
    else if (status === 418) this.countersValue.rest418++;
    else if (status !== undefined) this.countersValue.restErrors++;
    return { latencyMs, ...(status !== undefined ? { status } : {}), ...(retryAfterSec !== undefined ? { retryAfterSec } : {}) };
  }

  // ---- chaos, state -------------------------------------------------------------------------------

  /** Set random faults (replaces earlier chaos settings; `{}` turns chaos off). */
  chaos(options: ChaosOptions): this {
    for (const timer of this.chaosTimers) clearInterval(timer);
    this.chaosTimers = [];
    this.chaosOptions = { ...options };
    this.chaosFrames = [options.skipProbability, options.duplicateProbability, options.reorderProbability, options.malformedProbability].some(
      (p) => p !== undefined && p > 0,
    );
    this.chaosBooks = [options.bookDropProbability, options.bookDuplicateProbability, options.bookReorderProbability].some((p) => p !== undefined && p > 0);
    const every = (ms: number | undefined, action: () => void) => {
      if (ms && ms > 0) this.chaosTimers.push(setInterval(action, ms));
    };
    every(options.dropEveryMs, () => this.dropConnections(this.randomConnection()));
    every(options.closeEveryMs, () => this.closeConnections({ ...this.randomConnection(), code: 1001 }));
    every(options.stallEveryMs, () => this.stallConnections(options.stallMs ?? 5_000, this.randomConnection()));
    every(options.shutdownEveryMs, () => this.sendServerShutdown(this.randomConnection()));
    return this;
  }

  get counters(): FaultCounters {
    return structuredClone(this.countersValue);
  }

  /** Book deltas that faults hit (newest last, bounded). */
  get affectedBook(): readonly AffectedBookDelta[] {
    return [...this.affectedBookList];
  }

  /** Trades whose frames were damaged (newest last, bounded). */
  get affected(): readonly AffectedTrade[] {
    return [...this.affectedList];
  }

  state(): FaultState {
    return {
      counters: this.counters,
      pendingFrameFaults: this.frameFaults.map((f) => ({
        fate: f.fate,
        ...(f.symbol !== undefined ? { symbol: f.symbol } : {}),
        remaining: f.remaining,
      })),
      pendingRestFaults: this.restFaults.map((f) => ({
        ...(f.status !== undefined ? { status: f.status } : {}),
        latencyMs: f.latencyMs,
        remaining: f.remaining,
        ...(Number.isFinite(f.until) ? { untilMs: f.until } : {}),
        ...(f.target === 'snapshot' ? { target: 'snapshot' as const } : {}),
      })),
      chaos: { ...this.chaosOptions },
      affected: this.affected.slice(-100),
      pendingBookFaults: [
        ...this.bookFaults.map((f) => ({ fate: f.fate, ...(f.symbol !== undefined ? { symbol: f.symbol } : {}), remaining: f.remaining })),
        ...this.staleSnapshotFaults.map((f) => ({ fate: 'staleSnapshot', ...(f.symbol !== undefined ? { symbol: f.symbol } : {}), remaining: f.remaining })),
      ],
      affectedBook: this.affectedBookList.slice(-100),
    };
  }

  /** Clear pending faults, chaos and counters. */
  reset(): void {
    this.frameFaults = [];
    this.restFaults = [];
    this.chaos({});
    this.countersValue = emptyCounters();
    this.affectedList = [];
    this.bookFaults = [];
    this.staleSnapshotFaults = [];
    this.affectedBookList = [];
  }

  /** Stop chaos timers (the simulator calls this on close). */
  dispose(): void {
    this.chaos({});
  }

  private addFrameFault(
    fate: PendingFrameFault['fate'],
    count: number,
    scope: FrameFaultScope,
    kinds: readonly MalformedKind[],
  ): this {
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    this.frameFaults.push({ fate, symbol: scope.symbol, remaining: count, kinds, next: 0 });
    return this;
  }

  private addBookFault(fate: PendingBookFault['fate'], count: number, scope: FrameFaultScope): this {
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    this.bookFaults.push({ fate, symbol: scope.symbol, remaining: count });
    return this;
  }

  private addRestFault(status: number | undefined, latencyMs: number, retryAfterSec: number | undefined, scope: RestFaultScope, target: RestFaultTarget = 'any'): this {
    const byTime = scope.durationMs !== undefined;
    this.restFaults.push({
      status,
      latencyMs,
      retryAfterSec,
      remaining: scope.requests ?? (byTime ? Number.POSITIVE_INFINITY : 1),
      until: byTime ? Date.now() + (scope.durationMs as number) : Number.POSITIVE_INFINITY,
      target,
    });
    return this;
  }

  private chaosFate(): FrameFate {
    const c = this.chaosOptions;
    if (this.rng.chance(c.skipProbability ?? 0)) return FATES.skip;
    if (this.rng.chance(c.duplicateProbability ?? 0)) return FATES.duplicate;
    if (this.rng.chance(c.reorderProbability ?? 0)) return FATES.reorder;
    if (this.rng.chance(c.malformedProbability ?? 0)) {
      return { kind: 'malformed', malformed: MALFORMED_KINDS[this.malformedCycle++ % MALFORMED_KINDS.length] as MalformedKind };
    }
    return FATES.send;
  }

  private count(symbol: string, ids: readonly number[], fate: FrameFate): void {
    let fault: AffectedTrade['fault'] | undefined;
    switch (fate.kind) {
      case 'send':
        return;
      case 'skip':
        this.countersValue.skipped++;
        fault = 'skip';
        break;
      case 'duplicate':
        this.countersValue.duplicated++;
        fault = 'duplicate';
        break;
      case 'reorder':
        this.countersValue.reordered++;
        fault = 'reorder';
        break;
      case 'malformed':
        this.countersValue.malformed[fate.malformed]++;
        fault = fate.malformed;
        break;
    }
    for (const id of ids) this.affectedList.push({ symbol, id, fault });
    if (this.affectedList.length > AFFECTED_KEPT) this.affectedList.splice(0, this.affectedList.length - AFFECTED_KEPT);
  }

  private select(scope: ConnectionScope): FaultTarget[] {
    const all = this.targets.list();
    return scope.connectionId === undefined ? [...all] : all.filter((t) => t.id === scope.connectionId);
  }

  private randomConnection(): ConnectionScope {
    const all = this.targets.list();
    if (all.length === 0) return { connectionId: -1 };
    return { connectionId: (all[this.rng.int(0, all.length - 1)] as FaultTarget).id };
  }
}
