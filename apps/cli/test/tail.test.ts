import { connect, type NatsConnection } from '@nats-io/transport-node';
import { encodeToString, serializeTrade, statusSubject, tradeSubject, type Status, type Trade } from '@tickgate/schema';
import { NatsServer } from '@tickgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, plainEnv } from './helpers.js';
import { makeStatus, makeTrade } from './wire.js';

describe('tail', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let cli: CliProcess | undefined;

  beforeAll(async () => {
    server = await NatsServer.start({ jetstream: false });
    nc = await connect({ servers: server.url });
  });
  afterEach(async () => {
    await cli?.kill();
    cli = undefined;
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  const publishTrade = (t: Trade) => nc.publish(tradeSubject(t.venue, t.instrument), serializeTrade(t));
  const publishStatus = (s: Status) => nc.publish(statusSubject(s.venue, s.instrument), encodeToString(s));

  async function startTail(args: string[], env = plainEnv()): Promise<CliProcess> {
    cli = new CliProcess(['tail', ...args, '--servers', server.url], env);
    await cli.waitFor((p) => p.stderr.includes('tail: listening on'), 'the listening line');
    return cli;
  }

  it('prints trades and highlighted status events of the selection; Ctrl-C exits 0 with a summary', async () => {
    const p = await startTail(['binance', 'BTC-USDT']);
    expect(p.stderr).toContain('md.trade.binance.BTC-USDT');
    publishTrade(makeTrade(1));
    publishTrade(makeTrade(2, { price: '97001', quantity: '12.5', source: 'rest' }));
    publishTrade(makeTrade(9, { instrument: 'ETH-USDT', symbol: 'ETHUSDT' })); // another instrument: not shown
    publishStatus(makeStatus());
    publishStatus(makeStatus({ instrument: undefined, state: 'disconnected', fromId: undefined, toId: undefined, count: undefined, reason: 'ws-closed' }));
    nc.publish(tradeSubject('binance', 'BTC-USDT'), '{"v":1,"type":"trade","price":"1e5"}'); // malformed
    publishTrade(makeTrade(3));
    await nc.flush();
    await p.waitFor((c) => c.lines().length >= 5, 'five lines');

    const lines = p.lines();
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{6} +binance +BTC-USDT +SELL +97000\.01 +0\.0015 +ws +id 1 +recv→now -?\d+\.\d{2} ms +exch→recv 1\.50 ms$/);
    expect(lines[1]).toMatch(/ BTC-USDT +BUY +97001 +12\.5 +rest +id 2 /);
    expect(lines[2]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{6} +binance +BTC-USDT +! GAP +ids 3\.\.5 +count 3 +reason ws-skip$/);
    expect(lines[3]).toMatch(/ binance +\* +! DISCONNECTED +reason ws-closed$/);
    expect(lines[4]).toMatch(/ SELL +97000\.03 .* id 3 /);
    expect(p.stdout).not.toContain('ETH-USDT');
    expect(p.stdout).not.toContain('\u001b['); // NO_COLOR

    const done = await p.stop('SIGINT');
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/tail: 3 trades, 2 status events in \d+\.\d s; 1 malformed skipped, 0 dropped\n$/);
  });

  it('--json prints one wire JSON object per line, exactly as published', async () => {
    const p = await startTail(['--json']);
    const trades = [makeTrade(1), makeTrade(2, { venue: 'kraken', instrument: 'ETH-USD', symbol: 'ETH/USD' })];
    const status = makeStatus({ state: 'recovered' });
    publishTrade(trades[0]!);
    publishStatus(status);
    publishTrade(trades[1]!);
    await nc.flush();
    await p.waitFor((c) => c.lines().length >= 3, 'three lines');
    const parsed = p.lines().map((l) => JSON.parse(l) as unknown);
    expect(parsed).toEqual([trades[0], status, trades[1]]);
    expect(p.lines()[0]).toBe(serializeTrade(trades[0]!));
    expect((await p.stop('SIGTERM')).code).toBe(0);
  });

  it('--count ends by itself; --no-status leaves status events out; a lone instrument means every venue', async () => {
    const p = await startTail(['ETH-USDT', '--no-status', '--count', '2']);
    expect(p.stderr).toContain('md.trade.*.ETH-USDT');
    expect(p.stderr).not.toContain('md.status');
    publishStatus(makeStatus({ instrument: 'ETH-USDT' }));
    publishTrade(makeTrade(1, { instrument: 'ETH-USDT', symbol: 'ETHUSDT' }));
    publishTrade(makeTrade(2, { venue: 'coinbase', instrument: 'ETH-USDT', symbol: 'ETH-USD' }));
    publishTrade(makeTrade(3, { instrument: 'ETH-USDT', symbol: 'ETHUSDT' }));
    await nc.flush();
    const done = await p.exited;
    expect(done.code).toBe(0);
    const lines = done.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ binance +ETH-USDT .* id 1 /);
    expect(lines[1]).toMatch(/ coinbase +ETH-USDT .* id 2 /);
    expect(done.stderr).toContain('tail: 2 trades, 0 status events');
  });

  it('colours sides and states when asked (FORCE_COLOR), never with NO_COLOR', async () => {
    const env = plainEnv({ FORCE_COLOR: '1' });
    delete env['NO_COLOR'];
    const p = await startTail(['binance', '--count', '1'], env);
    publishStatus(makeStatus({ state: 'unrecoverable' }));
    publishTrade(makeTrade(1));
    await nc.flush();
    const done = await p.exited;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('\u001b[31m! UNRECOVERABLE'); // red
    expect(done.stdout).toContain('\u001b[31mSELL'); // taker sold: red
  });

  it('cannot reach NATS: one clear line, exit 1', async () => {
    const dead = await NatsServer.start({ jetstream: false });
    const url = dead.url;
    await dead.stop();
    cli = new CliProcess(['tail', '--servers', url]);
    const done = await cli.exited;
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(new RegExp(`^tickgate: cannot connect to NATS at ${url.replace(/[.]/g, '\\.')}: `));
  });
});
