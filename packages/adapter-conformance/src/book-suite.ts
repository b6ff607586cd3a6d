import { waitFor } from '@tickgate/testing';
import { canonicalDecimalOrUndefined, canonicalSizeOrUndefined, type BookLevel } from '@tickgate/schema';
import type { InstrumentInfo, VenueAdapter } from '@tickgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BookPipeline } from './book-pipeline.js';

/** What the book suite needs of a running venue simulator with books on. */
export interface BookSimHandle {
  /** Base URL handed to the adapter's connect plan (`ws://…/ws/v5/public` for OKX). */
  readonly wsUrl: string;
  readonly restUrl: string;
  /** One batch of random book changes of the instrument now. */
  changeBook(count: number): void;
  /** The venue update id of the instrument's book now. */
  updateId(): string;
  /** The true book at `updateId`, levels as the simulator renders them. */
  bookAt(updateId: string): { bids: readonly { price: string; qty: string }[]; asks: readonly { price: string; qty: string }[] };
  /** Faults: drop the next `count` deltas of the instrument. */
  skipDeltas(count: number): void;
  close(): Promise<void>;
}

export interface BookConformanceOptions {
  readonly adapter: VenueAdapter;
  readonly info: InstrumentInfo;
  /** Start a fresh simulator with books (seeded). */
  readonly sim: () => Promise<BookSimHandle>;
  /** Levels per side compared (default 20). */
  readonly depth?: number;
  /** REST snapshot depth (default: the adapter's maximum, at most 1000). */
  readonly snapshotDepth?: number;
}

/**
 * The shared book conformance of a venue adapter with `books`: the adapter's book channels declared
 * sensibly, and its whole book path (connect plan with the `book` channel, parser, the venue rule in
 * `BookSync`, snapshots) against the venue's simulator — a consumer of what the engine publishes holds the
 * simulator's true book at the same update id, level for level, with no fault and after dropped deltas
 * (a `gap` resync), never crossed, `seq` rising by one.
 */
export function describeBookConformance(options: BookConformanceOptions): void {
  const depth = options.depth ?? 20;
  const books = options.adapter.books;
  describe(`${options.adapter.venue} book conformance`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });

    it('declares its book channels: a rule, a maximum depth, a snapshot request that stays within the venue limits', () => {
      expect(books, `${options.adapter.venue} has no books`).toBeDefined();
      expect(['range', 'chain']).toContain(books!.rule.kind);
      expect(books!.maxDepth).toBeGreaterThanOrEqual(depth);
      if (books!.rule.snapshotSource === 'rest') {
        expect(books!.snapshot, 'a REST snapshot rule needs a snapshot request').toBeDefined();
        const request = books!.snapshot!(options.info, books!.maxDepth);
        expect(request.path.startsWith('/')).toBe(true);
        expect(request.weight).toBeGreaterThan(0);
        expect(request.weight).toBeLessThanOrEqual(options.adapter.rest.limits.weightPerMinute);
      }
    });

    async function follow(fault?: (sim: BookSimHandle) => void): Promise<BookPipeline> {
      const sim = await options.sim();
      cleanups.push(() => sim.close());
      const p = new BookPipeline({ adapter: options.adapter, info: options.info, wsUrl: sim.wsUrl, restUrl: sim.restUrl, depth, snapshotDepth: options.snapshotDepth ?? Math.min(books!.maxDepth, 1000) });
      cleanups.push(() => p.close());
      await p.start();
      await new Promise((r) => setTimeout(r, 50)); // subscriptions in place (venues that subscribe by message)
      for (let i = 0; i < 5; i++) sim.changeBook(3);
      await waitFor(() => p.sync.state === 'live', { timeoutMs: 5_000, message: 'the book to be in sync' });
      fault?.(sim);
      for (let i = 0; i < 30; i++) {
        sim.changeBook(4);
        await new Promise((r) => setTimeout(r, 5));
      }
      const last = sim.updateId();
      await waitFor(() => p.sync.state === 'live' && p.consumer.updateId === last, { timeoutMs: 8_000, message: `the consumer to reach update id ${last}` });
      const truth = sim.bookAt(last);
      const canon = (levels: readonly { price: string; qty: string }[]): BookLevel[] => levels.slice(0, depth).map((l) => [canonicalDecimalOrUndefined(l.price)!, canonicalSizeOrUndefined(l.qty)!] as BookLevel);
      expect(p.top('bids')).toEqual(canon(truth.bids));
      expect(p.top('asks')).toEqual(canon(truth.asks));
      expect(p.rejections).toEqual([]);
      expect(p.consumer.seqJumps).toBe(0);
      expect(p.crossed()).toBe(false);
      return p;
    }

    it('follows the simulator: the consumer holds the true book, no resync', async () => {
      expect((await follow()).resyncs).toEqual([]);
    });

    it('dropped deltas: a gap, a resync of the book, and the true book again', async () => {
      const p = await follow((sim) => sim.skipDeltas(2));
      expect(p.resyncs.map((r) => r.reason)).toContain('gap');
    });
  });
}
