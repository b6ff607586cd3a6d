import { headers, connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { serializeTrade, statusSubject, tradeMsgId, tradeSubject, type Trade } from '@tickgate/schema';
import { NatsServer } from '@tickgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream } from '../publish/stream.js';
import { StreamContents } from './last-stored.js';

function trade(id: number, instrument = 'BTC-USDT'): Trade {
  return {
    v: 1,
    type: 'trade',
    venue: 'binance',
    instrument,
    symbol: instrument.replace('-', ''),
    id: String(id),
    price: '100.5',
    quantity: '0.1',
    side: 'buy',
    tradeTime: 1_700_000_000_000_000 + id,
    receiveTime: 1_700_000_000_000_100 + id,
    source: 'ws',
  };
}

describe('StreamContents', () => {
  let server: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url, noAsyncTraces: true });
    await ensureStream(nc, { name: 'MD' });
    const js = jetstream(nc);
    for (const t of [trade(7), trade(8), trade(9), trade(41, 'ETH-USDT')]) {
      const h = headers();
      h.set('Nats-Msg-Id', tradeMsgId(t.venue, t.instrument, t.id));
      await js.publish(tradeSubject(t.venue, t.instrument), serializeTrade(t), { headers: h });
    }
    await js.publish(statusSubject('binance', 'SOL-USDT'), '{"not":"a trade"}');
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('finds the last trade stored per instrument', async () => {
    const contents = new StreamContents(nc, 'MD');
    expect(await contents.lastTrade('binance', 'BTC-USDT')).toEqual({ seq: 3, id: '9', tradeTime: 1_700_000_000_000_009 });
    expect(await contents.lastTrade('binance', 'ETH-USDT')).toMatchObject({ id: '41' });
    const last = await contents.last(tradeSubject('binance', 'BTC-USDT'));
    expect(last?.msgId).toBe('binance:BTC-USDT:9');
  });

  it('answers undefined for a subject the stream holds nothing on', async () => {
    const contents = new StreamContents(nc, 'MD');
    expect(await contents.lastTrade('binance', 'DOGE-USDT')).toBeUndefined();
    expect(await contents.last('md.trade.okx.BTC-USDT')).toBeUndefined();
  });

  it('refuses to resume from a message that is not a valid trade', async () => {
    await jetstream(nc).publish(tradeSubject('binance', 'XRP-USDT'), '{"v":1,"type":"trade"}');
    await expect(new StreamContents(nc, 'MD').lastTrade('binance', 'XRP-USDT')).rejects.toThrow();
  });

  it('fails clearly when the stream does not exist', async () => {
    await expect(new StreamContents(nc, 'NOPE').last('md.trade.binance.BTC-USDT')).rejects.toThrow(/stream not found/i);
  });
});
