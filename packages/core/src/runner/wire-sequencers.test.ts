import { EventEmitter } from 'node:events';
import type { Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import type { ControlEvent, Rejection } from '../adapter.js';
import type { FeedRunnerEvents, FeedState, FeedStateChange } from './feed-runner.js';
import { heartbeatTarget, wireSequencers, type SequencerInputs } from './wire-sequencers.js';

function makeTrade(id: string, instrument: string): Trade {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument,
    symbol: instrument.replace('-', ''),
    id,
    price: '97123.45',
    quantity: '0.001',
    side: 'buy',
    tradeTime: 1_700_000_000_000_000,
    receiveTime: 1_700_000_000_000_005,
    source: 'ws',
  };
}

/** Records every call as one line. */
function recorder(instrument: string, log: string[]): SequencerInputs {
  return {
    trade: (trade, span) => log.push(`${instrument} trade ${trade.id}/${span}`),
    rejected: (rejection) => log.push(`${instrument} rejected ${rejection.tradeId ?? '-'}`),
    heartbeat: (lastTradeId) => log.push(`${instrument} heartbeat ${lastTradeId}`),
    connected: () => log.push(`${instrument} connected`),
    disconnected: () => log.push(`${instrument} disconnected`),
  };
}

function state(to: FeedState, previous: FeedState): FeedStateChange {
  return { state: to, previous, reason: to === 'live' ? 'ready' : to === 'reconnecting' ? 'dropped' : 'start', timeUs: 1 };
}

function rig(instruments: readonly string[] = ['BTC-USDT', 'ETH-USDT']) {
  const runner = new EventEmitter<FeedRunnerEvents>();
  const log: string[] = [];
  const sequencers = new Map(['BTC-USDT', 'ETH-USDT'].map((i) => [i, recorder(i, log)]));
  const unwire = wireSequencers(runner, instruments, (i) => sequencers.get(i));
  return { runner, log, unwire };
}

const rejection = (fields: Partial<Rejection>): Rejection => ({ reason: 'invalid-field', message: 'bad price', raw: '{}', ...fields });

describe('wireSequencers', () => {
  it('routes each trade to the sequencer of its instrument, with its span', () => {
    const { runner, log } = rig();
    runner.emit('trade', makeTrade('7', 'ETH-USDT'), 1, 1);
    runner.emit('trade', makeTrade('12', 'BTC-USDT'), 3, 1);
    runner.emit('trade', makeTrade('5', 'SOL-USDT'), 1, 1); // no sequencer: skipped
    expect(log).toEqual(['ETH-USDT trade 7/1', 'BTC-USDT trade 12/3']);
  });

  it('routes a rejection only when it names an instrument', () => {
    const { runner, log } = rig();
    runner.emit('rejection', rejection({ instrument: 'BTC-USDT', tradeId: '41' }), 1);
    runner.emit('rejection', rejection({ instrument: 'ETH-USDT' }), 1);
    runner.emit('rejection', rejection({ instrument: 'BTC-USDT', channel: 'book' }), 1);
    runner.emit('rejection', rejection({ tradeId: '42' }), 1);
    expect(log).toEqual(['BTC-USDT rejected 41', 'ETH-USDT rejected -']);
  });

  it('passes on a heartbeat only when it names the instrument and a last trade id', () => {
    const { runner, log } = rig();
    const events: ControlEvent[] = [
      { type: 'heartbeat', instrument: 'ETH-USDT', lastTradeId: '99' },
      { type: 'heartbeat', instrument: 'BTC-USDT' },
      { type: 'heartbeat', lastTradeId: '100' },
      { type: 'heartbeat', instrument: 'BTC-USDT', lastTradeId: '' },
      { type: 'heartbeat' },
      { type: 'pong' },
      { type: 'subscribed' },
    ];
    for (const event of events) runner.emit('control', event, 1);
    expect(log).toEqual(['ETH-USDT heartbeat 99']);
    expect(events.map(heartbeatTarget)).toEqual([{ instrument: 'ETH-USDT', lastTradeId: '99' }, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("connects and disconnects the runner's own instruments only, on live and reconnecting", () => {
    const { runner, log } = rig(['BTC-USDT']);
    runner.emit('state', state('connecting', 'idle'));
    runner.emit('state', state('live', 'connecting'));
    runner.emit('state', state('reconnecting', 'live'));
    runner.emit('state', state('live', 'reconnecting'));
    runner.emit('state', state('stopped', 'live'));
    expect(log).toEqual(['BTC-USDT connected', 'BTC-USDT disconnected', 'BTC-USDT connected']);
  });

  it('runs after listeners added before it, and stops routing once unwired', () => {
    const runner = new EventEmitter<FeedRunnerEvents>();
    const log: string[] = [];
    runner.on('rejection', () => log.push('logged'));
    const unwire = wireSequencers(runner, ['BTC-USDT'], (i) => (i === 'BTC-USDT' ? recorder(i, log) : undefined));
    runner.emit('rejection', rejection({ instrument: 'BTC-USDT', tradeId: '3' }), 1);
    unwire();
    runner.emit('rejection', rejection({ instrument: 'BTC-USDT', tradeId: '4' }), 1);
    runner.emit('trade', makeTrade('5', 'BTC-USDT'), 1, 1);
    expect(log).toEqual(['logged', 'BTC-USDT rejected 3', 'logged']);
    expect(runner.listenerCount('trade') + runner.listenerCount('control') + runner.listenerCount('state')).toBe(0);
  });
});
