import { WIRE_VERSION, type Status, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { OutputQueue } from './output-queue.js';
import type { GapRequest } from './types.js';

function makeTrade(id: string): Trade {
  return { v: 1, type: 'trade', venue: 'binance', instrument: 'BTC-USDT', symbol: 'BTCUSDT', id, price: '1', quantity: '1', side: 'buy', tradeTime: 0, receiveTime: 0, source: 'ws' };
}

const request: GapRequest = { instrument: 'BTC-USDT', fromId: '2', toId: '3', reason: 'jump' };
const status: Status = { v: WIRE_VERSION, type: 'status', venue: 'binance', state: 'gap', time: 0 };

describe('OutputQueue', () => {
  it('delivers queued outputs in order, each to its callback, and runs `settled` once the queue is empty', () => {
    const log: string[] = [];
    const queue: OutputQueue = new OutputQueue({
      release: (t) => log.push(`release ${t.id}`),
      requestGap: (r) => log.push(`request ${r.fromId}-${r.toId}`),
      status: (s) => log.push(`status ${s.state}`),
    });
    queue.status(status);
    queue.request(request);
    queue.release(makeTrade('4'));
    expect(log).toEqual([]);
    expect(queue.size).toBe(3);
    queue.flush(() => log.push(`settled, size ${queue.size}, delivering ${queue.delivering}`));
    expect(log).toEqual(['status gap', 'request 2-3', 'release 4', 'settled, size 0, delivering false']);
  });

  it('delivers what a callback queues after the pending outputs, by the delivery under way', () => {
    const log: string[] = [];
    const queue: OutputQueue = new OutputQueue({
      release: (t) => {
        log.push(`release ${t.id} (delivering ${queue.delivering})`);
        if (t.id === '1') {
          queue.release(makeTrade('3'));
          queue.flush(() => log.push('nested settled')); // under way: returns at once
          log.push('fed 3');
        }
      },
    });
    queue.release(makeTrade('1'));
    queue.release(makeTrade('2'));
    queue.flush(() => log.push('settled'));
    expect(log).toEqual(['release 1 (delivering true)', 'fed 3', 'release 2 (delivering true)', 'release 3 (delivering true)', 'settled']);
  });

  it('goes on delivering after a callback throws, then rethrows the first error', () => {
    const log: string[] = [];
    const queue = new OutputQueue({
      release: (t) => {
        log.push(t.id);
        if (t.id !== '2') throw new Error(`failed ${t.id}`);
      },
    });
    for (const id of ['1', '2', '3']) queue.release(makeTrade(id));
    expect(() => queue.flush(() => log.push('settled'))).toThrow('failed 1');
    expect(log).toEqual(['1', '2', '3', 'settled']);
    expect(queue.size).toBe(0);
    expect(queue.delivering).toBe(false);
  });

  it('hands a trade to release at once, then delivers what its callback queued', () => {
    const log: string[] = [];
    const queue: OutputQueue = new OutputQueue({
      release: (t) => {
        log.push(`release ${t.id}`);
        if (t.id === '1') queue.request(request);
      },
      requestGap: (r) => {
        log.push(`request ${r.fromId}`);
        throw new Error('reconciler bug');
      },
    });
    queue.releaseNow(makeTrade('0'), () => log.push('settled'));
    expect(() => queue.releaseNow(makeTrade('1'), () => log.push('settled'))).toThrow('reconciler bug');
    expect(log).toEqual(['release 0', 'settled', 'release 1', 'request 2', 'settled']);
    expect(queue.delivering).toBe(false);
  });
});
