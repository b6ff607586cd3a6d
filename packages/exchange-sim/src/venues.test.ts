import { waitFor } from '@tickgate/testing';
import { describe, expect, it } from 'vitest';
import { simSession } from '../test/sim-session.js';
import { BinanceConnection } from './binance/connection.js';
import { startBinanceSim } from './binance/index.js';
import { BybitConnection } from './bybit/connection.js';
import { startBybitSim } from './bybit/index.js';
import { CoinbaseConnection } from './coinbase/connection.js';
import { startCoinbaseSim } from './coinbase/index.js';
import type { SimConnection } from './core/kit/connection.js';
import type { VenueSim } from './core/kit/start.js';
import { KrakenConnection } from './kraken/connection.js';
import { startKrakenSim } from './kraken/index.js';
import { OkxConnection } from './okx/connection.js';
import { startOkxSim } from './okx/index.js';

// Every venue starts through the kit's one starter: the same handle, with the live connection objects.
const VENUES: [string, () => Promise<VenueSim<SimConnection<unknown>>>, string, abstract new (...args: never[]) => unknown][] = [
  ['binance', () => startBinanceSim(), '/ws/btcusdt@trade', BinanceConnection],
  ['coinbase', () => startCoinbaseSim(), '/', CoinbaseConnection],
  ['kraken', () => startKrakenSim(), '/v2', KrakenConnection],
  ['okx', () => startOkxSim(), '/ws/v5/public', OkxConnection],
  ['bybit', () => startBybitSim(), '/v5/public/spot', BybitConnection],
];

const session = simSession<VenueSim<SimConnection<unknown>>>();

/** Server-side state changes send the client nothing to wake on: poll. */
const POLL = { timeoutMs: 2000, intervalMs: 5 };

describe.each(VENUES)('the %s simulator', (venue, start, path, connectionClass) => {
  it('hands its live connection objects to the started sim, the ones `connections` describes', async () => {
    const s = session.keep(await start());
    expect(s.live.size).toBe(0);
    const client = await session.open(`${s.wsUrl}${path}`);
    await waitFor(() => s.live.size === 1, POLL);
    const [id, connection] = [...s.live][0]!;
    expect(connection).toBeInstanceOf(connectionClass);
    expect(s.connections.get(id)).toEqual(connection.info());
    expect(s.state()).toMatchObject({ venue, connections: [connection.info()] });
    expect(s.rest.used()).toBe(0);
    client.close();
    await waitFor(() => s.live.size === 0, POLL);
  });
});
