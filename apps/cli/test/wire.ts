import type { Status, Trade } from '@tickgate/schema';

/** A valid wire trade for tests; times are recent so that latencies stay small. */
export function makeTrade(id: number, overrides: Partial<Trade> = {}): Trade {
  const receiveTime = Date.now() * 1000;
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument: 'BTC-USDT',
    symbol: 'BTCUSDT',
    id: String(id),
    price: `97000.${String(id).padStart(2, '0')}`,
    quantity: '0.0015',
    side: id % 2 === 0 ? 'buy' : 'sell',
    tradeTime: receiveTime - 1_500,
    receiveTime,
    source: 'ws',
    ...overrides,
  };
}

export function makeStatus(overrides: Partial<Status> = {}): Status {
  return {
    v: 1,
    type: 'status',
    venue: 'binance',
    instrument: 'BTC-USDT',
    state: 'gap',
    time: Date.now() * 1000,
    fromId: '3',
    toId: '5',
    count: 3,
    reason: 'ws-skip',
    ...overrides,
  };
}
