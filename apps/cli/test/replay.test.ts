import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { encodeToString, serializeTrade, statusSubject, tradeMsgId, tradeSubject, type Status, type Trade } from '@tickgate/schema';
import { NatsServer } from '@tickgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainEnv, runCli } from './helpers.js';
import { makeStatus, makeTrade } from './wire.js';

describe('replay', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const stored: Array<Trade | Status> = [];

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'MD', subjects: ['md.>'] });
    const js = jetstream(nc);
    // seq 1..5: BTC-USDT trades 1, 2, a gap status, trades 6, 7; seq 6: an ETH-USDT trade; seq 7: BTC-USDT trade 8.
    const values: Array<Trade | Status> = [
      makeTrade(1),
      makeTrade(2),
      makeStatus({ fromId: '3', toId: '5', count: 3 }),
      makeTrade(6),
      makeTrade(7, { price: '96999.5', side: 'buy' }),
      makeTrade(1, { instrument: 'ETH-USDT', symbol: 'ETHUSDT', price: '3500.1' }),
      makeTrade(8),
    ];
    for (const v of values) {
      if (v.type === 'trade') await js.publish(tradeSubject(v.venue, v.instrument), serializeTrade(v), { msgID: tradeMsgId(v.venue, v.instrument, v.id) });
      else await js.publish(statusSubject(v.venue, v.instrument), encodeToString(v));
      stored.push(v);
    }
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('--seq 1 prints the stored trades of the selection in order, then ends with a summary', async () => {
    const r = await runCli(['replay', 'binance', 'BTC-USDT', '--seq', '1', '--servers', server.url]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => / id (\d+) /.exec(l)?.[1])).toEqual(['1', '2', '6', '7', '8']);
    expect(lines.map((l) => / seq (\d+)$/.exec(l)?.[1])).toEqual(['1', '2', '4', '5', '7']);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z +binance +BTC-USDT +SELL +97000\.01 +0\.0015 +ws +id 1 +exch→recv 1\.50 ms +seq 1$/);
    expect(lines[3]).toMatch(/ BUY +96999\.5 +0\.0015 +ws +id 7 /);
    expect(r.stderr).toMatch(/^replay: 5 messages in \d+\.\d s \([\d,-]+\/s\)\n/); // not a terminal: one final progress line
    expect(r.stderr).toMatch(/replay: 5 trades, 0 status events \(stream MD seq 1\.\.7\); 0 malformed skipped\n$/);
  });

  it('--status includes status events in stream order; --json prints the wire objects', async () => {
    const r = await runCli(['replay', 'binance', 'BTC-USDT', '--seq', '1', '--status', '--json', '--servers', server.url]);
    expect(r.code).toBe(0);
    const parsed = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(parsed).toEqual([stored[0], stored[1], stored[2], stored[3], stored[4], stored[6]]);
    expect(r.stderr).toContain('replay: 5 trades, 1 status event (stream MD seq 1..7)');
  });

  it('--seq with --until-seq, a lone instrument, and --since a duration or ISO time', async () => {
    const [window, eth, since, iso, future] = await Promise.all([
      runCli(['replay', '--seq', '2', '--until-seq', '4', '--json', '--servers', server.url]),
      runCli(['replay', 'ETH-USDT', '--since', '1h', '--servers', server.url]),
      runCli(['replay', 'binance', '--since', '10m', '--json', '--servers', server.url]),
      runCli(['replay', '*', 'btc-usdt', '--since', new Date(Date.now() - 3_600_000).toISOString(), '--json', '--servers', server.url]),
      runCli(['replay', '--since', new Date(Date.now() + 3_600_000).toISOString(), '--servers', server.url]),
    ]);
    expect(window.code).toBe(0);
    expect(window.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as Trade).id)).toEqual(['2', '6']); // seq 3 is a status
    expect(eth.code).toBe(0);
    expect(eth.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(eth.stdout).toMatch(/ binance +ETH-USDT +SELL +3500\.1 /);
    expect(since.stdout.trimEnd().split('\n')).toHaveLength(6);
    expect(iso.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as Trade).id)).toEqual(['1', '2', '6', '7', '8']);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
    expect(future.stderr).toContain('replay: 0 trades, 0 status events (nothing stored for this selection)');
  });

  it('a missing stream is one clear line and exit 1', async () => {
    const r = await runCli(['replay', '--seq', '1', '--stream', 'NOPE', '--servers', server.url], plainEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('tickgate: JetStream stream "NOPE" not found\n');
  });
});
