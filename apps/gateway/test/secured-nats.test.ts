import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { TickgateClient, type TradeTick } from '@tickgate/client';
import { startBinanceSim, type BinanceSim } from '@tickgate/exchange-sim/binance';
import { makeTestCerts, NatsServer, waitFor, type TestCerts } from '@tickgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The permissions shipped for the compose setup: the tests run a server with exactly this file. */
const ACCOUNTS_FILE = resolve(here, '../../../docker/nats-accounts.conf');
const GATEWAY_PASSWORD = 'gw-secret-6a1f';
const CONSUMER_PASSWORD = 'consumer-secret-93be';
const SYMBOL = 'BTCUSDT';
const SUBJECT = 'md.trade.binance.BTC-USDT';

describe('secured NATS: the shipped accounts, passwords and TLS', () => {
  let certs: TestCerts;
  let server: NatsServer;
  let sim: BinanceSim;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    certs = makeTestCerts();
    server = await NatsServer.start({
      extraConfig: [`tls { cert_file: "${certs.serverCertFile}", key_file: "${certs.serverKeyFile}" }`, readFileSync(ACCOUNTS_FILE, 'utf8')].join('\n'),
      env: { TICKGATE_GATEWAY_PASSWORD: GATEWAY_PASSWORD, TICKGATE_CONSUMER_PASSWORD: CONSUMER_PASSWORD },
    });
    sim = await startBinanceSim({ seed: 11, books: true });
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop('SIGKILL');
    await sim?.close();
    await server?.stop();
    certs?.remove();
  });

  function gatewayConfig(nats: Record<string, unknown>): Record<string, unknown> {
    return {
      nats: { servers: [server.url], stream: 'MD', ...nats },
      feeds: [{ venue: 'binance', instruments: ['BTC-USDT'], channels: ['trades', 'book'], wsUrl: sim.wsUrl, restUrl: sim.restUrl, connection: { backoffBaseMs: 20, backoffCapMs: 100 }, reconcile: { priceCheckIntervalMs: 0 } }],
    };
  }

  async function start(nats: Record<string, unknown>, env?: NodeJS.ProcessEnv): Promise<GatewayProcess> {
    const g = await spawnGateway(gatewayConfig(nats), env ? { env } : {});
    gateways.push(g);
    return g;
  }

  function everything(g: GatewayProcess): string {
    return `${g.logs.map((l) => JSON.stringify(l)).join('\n')}\n${g.stderr()}`;
  }

  it('the gateway user publishes over TLS, the consumer user reads live and replays; no secret is logged', async () => {
    const gateway = await start({ user: 'gateway', tls: { caFile: certs.caFile } }, { TICKGATE_NATS_PASS: GATEWAY_PASSWORD });
    await gateway.waitForLog((l) => l['msg'] === 'feed live');

    const client = await TickgateClient.connect({ servers: server.url, name: 'secured-consumer', auth: { user: 'consumer', pass: CONSUMER_PASSWORD, tls: { caFile: certs.caFile } } });
    try {
      const live: TradeTick[] = [];
      const sub = client.trades({ venue: 'binance', instrument: 'BTC-USDT' });
      const reading = (async () => {
        for await (const t of sub) {
          live.push(t);
          if (live.length >= 20) break;
        }
      })();
      await client.connection.flush();
      sim.market.changeBook(SYMBOL, 3); // a first book delta: the book is built and published
      const made = sim.market.generate(SYMBOL, 20);
      await reading;
      expect(live.map((t) => t.id)).toEqual(made.map((t) => String(t.id)));

      const replayed: string[] = [];
      for await (const r of client.replay({ venue: 'binance', instrument: 'BTC-USDT', since: { seq: 1 } })) replayed.push(r.id);
      expect(replayed.slice(-20)).toEqual(made.map((t) => String(t.id)));
      // the consumer reads the book stream the gateway made and filled
      const jsm = await jetstreamManager(client.connection);
      await waitFor(async () => (await jsm.streams.info('MD_BOOK')).state.messages > 0, { timeoutMs: 10_000, message: 'a book message in MD_BOOK' });
    } finally {
      await client.close();
    }
    await gateway.waitForLog((l) => l['msg'] === 'JetStream book stream ready');
    // the gateway needed nothing it is not allowed
    expect(server.log).not.toMatch(/Violation.*"gateway"/);
    const logged = everything(gateway);
    expect(logged).toContain('"auth":"user"');
    expect(logged).not.toContain(GATEWAY_PASSWORD);
  });

  it("refuses the consumer's publish to a trade subject and its changes to the stream", async () => {
    const nc: NatsConnection = await connect({ servers: server.url, user: 'consumer', pass: CONSUMER_PASSWORD, tls: { caFile: certs.caFile } });
    const observer = await connect({ servers: server.url, user: 'consumer', pass: CONSUMER_PASSWORD, tls: { caFile: certs.caFile } });
    try {
      const seen: string[] = [];
      observer.subscribe(SUBJECT, { callback: (_e, m) => void seen.push(m.string()) });
      await observer.flush();
      const errors: Error[] = [];
      void (async () => {
        for await (const s of nc.status()) if (s.type === 'error') errors.push(s.error);
      })();
      nc.publish(SUBJECT, '{"forged":true}');
      await nc.flush();
      await waitFor(() => errors.length > 0, { timeoutMs: 5_000, message: 'the server to refuse the publish' });
      expect(errors[0]).toBeInstanceOf(PermissionViolationError);
      expect(errors[0]!.message).toMatch(/publish/i);
      await observer.flush();
      expect(seen).toEqual([]);
      expect(server.log).toMatch(/Publish Violation.*"consumer".*md\.trade\.binance\.BTC-USDT/);

      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      await expect(jsm.streams.delete('MD')).rejects.toThrow();
      expect((await jsm.streams.info('MD')).config.name).toBe('MD');
    } finally {
      await nc.close();
      await observer.close();
    }
  });

  it('a wrong password stops the gateway with one line naming the server and the reason, exit 3', async () => {
    const gateway = await start({ servers: [server.url.replace('nats://', 'nats://gateway:not-the-password@')], tls: { caFile: certs.caFile } });
    expect(await gateway.exited).toBe(3);
    const lines = gateway.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`NATS refused the login at ${server.url.replace(/[.]/g, '\\.')}: Authorization Violation`, 'i'));
    expect(everything(gateway)).not.toContain('not-the-password');
  });

  it('an untrusted server certificate stops the gateway with one line naming the server and the reason, exit 4', async () => {
    const gateway = await start({ user: 'gateway', pass: GATEWAY_PASSWORD, tls: { caFile: certs.otherCaFile } });
    expect(await gateway.exited).toBe(4);
    const lines = gateway.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`TLS with NATS failed at ${server.url.replace(/[.]/g, '\\.')}: .*certificate`, 'i'));
    expect(everything(gateway)).not.toContain(GATEWAY_PASSWORD);
  });
});
