import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { serializeTrade, tradeMsgId, tradeSubject, type Trade } from '@tickgate/schema';
import { makeTestCerts, NatsServer, type TestCerts } from '@tickgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainEnv, runCli } from './helpers.js';
import { makeTrade } from './wire.js';

/** A server that needs a password and TLS; replay must log in with --user/--password (or the environment) and --tls-ca. */
describe('tail and replay against a secured NATS server', () => {
  let certs: TestCerts;
  let server: NatsServer;
  const PASSWORD = 'reader-pw-71c2';

  beforeAll(async () => {
    certs = makeTestCerts();
    server = await NatsServer.start({
      extraConfig: [
        `tls { cert_file: "${certs.serverCertFile}", key_file: "${certs.serverKeyFile}" }`,
        `authorization { users = [ { user: reader, password: "${PASSWORD}" } ] }`,
      ].join('\n'),
    });
    const nc = await connect({ servers: server.url, user: 'reader', pass: PASSWORD, tls: { caFile: certs.caFile } });
    await (await jetstreamManager(nc)).streams.add({ name: 'MD', subjects: ['md.>'] });
    const js = jetstream(nc);
    for (const t of [makeTrade(1), makeTrade(2)] as Trade[]) await js.publish(tradeSubject(t.venue, t.instrument), serializeTrade(t), { msgID: tradeMsgId(t.venue, t.instrument, t.id) });
    await nc.close();
  });
  afterAll(async () => {
    await server?.stop();
    certs?.remove();
  });

  it('replay logs in with --user, the password from TICKGATE_NATS_PASS, and --tls-ca', async () => {
    const r = await runCli(['replay', '--seq', '1', '--json', '-s', server.url, '--user', 'reader', '--tls-ca', certs.caFile], plainEnv({ TICKGATE_NATS_PASS: PASSWORD }));
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as Trade).id)).toEqual(['1', '2']);
  });

  it('a wrong password is one line naming the server and the refusal, exit 1', async () => {
    const r = await runCli(['replay', '--seq', '1', '-s', server.url, '--user', 'reader', '--password', 'wrong', '--tls-ca', certs.caFile], plainEnv());
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(`tickgate: NATS refused the login at ${server.url}: Authorization Violation`);
  });

  it('no CA for the server certificate is a TLS failure naming the server, exit 1', async () => {
    const r = await runCli(['tail', '-s', server.url, '--user', 'reader', '--password', PASSWORD], plainEnv());
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toMatch(new RegExp(`^tickgate: TLS with NATS failed at ${server.url.replace(/\./g, '\\.')}: .*certificate`));
  });
});
