import { WireDecodeError } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { emptyStats, recordMalformed } from './stats.js';

describe('recordMalformed', () => {
  it('counts on both stats and tells both handlers, in that order, wrapping a non-wire error', () => {
    const stats = emptyStats();
    const clientStats = emptyStats();
    const calls: string[] = [];
    const wire = new WireDecodeError('price', 'not a decimal');
    recordMalformed(wire, 'md.trade.a', stats, clientStats, (e, s) => calls.push(`sub ${s} ${e === wire}`), (e, s) => calls.push(`client ${s} ${e === wire}`));
    recordMalformed(new TypeError('boom'), 'md.trade.b', stats, clientStats, (e) => calls.push(`sub ${e instanceof WireDecodeError} ${String((e as Error).cause)}`), undefined);
    expect(stats).toEqual({ ...emptyStats(), malformed: 2 });
    expect(clientStats).toEqual({ ...emptyStats(), malformed: 2 });
    expect(calls).toEqual(['sub md.trade.a true', 'client md.trade.a true', 'sub true TypeError: boom']);
  });

  it('keeps counting when a handler throws', () => {
    const stats = emptyStats();
    const clientStats = emptyStats();
    const seen: string[] = [];
    recordMalformed(new Error('x'), 's', stats, clientStats, () => {
      throw new Error('handler bug');
    }, (_e, s) => seen.push(s));
    expect(stats.malformed).toBe(1);
    expect(seen).toEqual(['s']);
  });
});
