import type { Status, Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/feed/outbox.js';

function trade(id: number): Trade {
  return { v: 1, type: 'trade', venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id: String(id), price: '1', quantity: '1', side: 'buy', tradeTime: 1, receiveTime: 1, source: 'ws' };
}

/** A publisher that asks to wait on the trades named, and lets the test settle each wait. */
function fakePublisher(waitOn: Set<string>) {
  const sent: string[] = [];
  const waits: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  const publish = (t: Trade) => {
    sent.push(t.id);
    if (!waitOn.has(t.id)) return undefined;
    return new Promise<void>((resolve, reject) => waits.push({ resolve, reject }));
  };
  return { sent, waits, publish };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('Outbox (no trade lost while the publisher pushes back)', () => {
  it('keeps order across backpressure: queued trades go first', async () => {
    const p = fakePublisher(new Set(['2']));
    const errors: unknown[] = [];
    const outbox = new Outbox(p.publish, (e) => errors.push(e));
    for (let i = 1; i <= 5; i++) outbox.push(trade(i));
    expect(p.sent).toEqual(['1', '2']);
    expect(outbox.size).toBe(3);
    p.waits[0]!.resolve();
    await turn();
    outbox.push(trade(6));
    expect(p.sent).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(outbox.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a failed wait is reported and the queue still drains in order (nothing stuck, nothing overtaken)', async () => {
    const p = fakePublisher(new Set(['1']));
    const errors: unknown[] = [];
    const outbox = new Outbox(p.publish, (e) => errors.push(e));
    outbox.push(trade(1));
    outbox.push(trade(2));
    outbox.push(trade(3));
    p.waits[0]!.reject(new Error('closing'));
    await turn();
    outbox.push(trade(4));
    expect(p.sent).toEqual(['1', '2', '3', '4']);
    expect(errors).toHaveLength(1);
    expect(outbox.size).toBe(0);
  });

  it('a publish that throws drops only that trade, reported', () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    const outbox = new Outbox((t) => {
      if (t.id === '2') throw new Error('invalid');
      sent.push(t.id);
    }, (e) => errors.push(e));
    for (let i = 1; i <= 3; i++) outbox.push(trade(i));
    expect(sent).toEqual(['1', '3']);
    expect(errors).toHaveLength(1);
  });

  it('a status event waits behind the trades released before it, and does not hold back later ones', async () => {
    const p = fakePublisher(new Set(['2']));
    const statuses: string[] = [];
    const outbox = new Outbox(p.publish, () => undefined, async (s: Status) => {
      statuses.push(`${s.state}@${p.sent.length}`);
    });
    const recovered = { v: 1, type: 'status', venue: 'binance', instrument: 'BTC-USDT', state: 'recovered', time: 1 } as Status;
    for (let i = 1; i <= 3; i++) outbox.push(trade(i));
    outbox.pushStatus(recovered);
    outbox.push(trade(4));
    expect(statuses).toEqual([]);
    p.waits[0]!.resolve();
    await turn();
    expect(statuses).toEqual(['recovered@3']);
    expect(p.sent).toEqual(['1', '2', '3', '4']);
  });

  it('a status publish that fails is reported with the event', async () => {
    const errors: Array<[unknown, Status | undefined]> = [];
    const outbox = new Outbox(() => undefined, (e, s) => errors.push([e, s]), () => Promise.reject(new Error('closed')));
    const gap = { v: 1, type: 'status', venue: 'binance', state: 'gap', time: 1 } as Status;
    outbox.pushStatus(gap);
    await turn();
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toBe(gap);
  });
});
