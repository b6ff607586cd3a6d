import type { Status, Trade } from '@tickgate/schema';

const BASE_US = 1_700_000_000_000_000;

/** A valid wire trade; `n` makes the id and times distinct. */
export function trade(venue: string, instrument: string, n: number, overrides: Partial<Trade> = {}): Trade {
  return {
    v: 1,
    type: 'trade',
    venue,
    instrument,
    symbol: instrument.replace('-', ''),
    id: String(n),
    price: '97123.45',
    quantity: '0.001',
    side: n % 2 === 0 ? 'buy' : 'sell',
    tradeTime: BASE_US + n * 1000,
    receiveTime: BASE_US + n * 1000 + 250,
    source: 'ws',
    ...overrides,
  };
}

/** A valid wire status event. */
export function status(venue: string, state: Status['state'], instrument?: string, extra: Partial<Status> = {}): Status {
  return { v: 1, type: 'status', venue, ...(instrument === undefined ? {} : { instrument }), state, time: BASE_US, ...extra };
}

/** Read `count` values from an iterator (fails the test by timeout if they never come). */
export async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < count) {
    const r = await iterator.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** Read an iterator to its end. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}
