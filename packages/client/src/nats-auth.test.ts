import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { AuthorizationError } from '@nats-io/transport-node';
import { NatsServer } from '@tickgate/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { TickgateClient } from './client.js';
import { ClientError } from './errors.js';
import { maskUrl, natsConnectSettings, natsFailureKind, splitUrlCredentials } from './nats-auth.js';

const dir = mkdtempSync(join(tmpdir(), 'tickgate-client-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('credentials in server URLs', () => {
  it('takes user and password, or a token, out of the URL (percent-decoded)', () => {
    expect(splitUrlCredentials('nats://gw:p%40ss@127.0.0.1:4222')).toEqual({ url: 'nats://127.0.0.1:4222', user: 'gw', pass: 'p@ss' });
    expect(splitUrlCredentials('tls://s3cr3t@nats.example:4443')).toEqual({ url: 'tls://nats.example:4443', token: 's3cr3t' });
    expect(splitUrlCredentials('nats://127.0.0.1:4222')).toEqual({ url: 'nats://127.0.0.1:4222' });
  });

  it('masks the password or token of a URL and leaves others alone', () => {
    expect(maskUrl('nats://gw:secret@h:4222')).toBe('nats://gw:***@h:4222');
    expect(maskUrl('nats://tok@h:4222')).toBe('nats://***@h:4222');
    expect(maskUrl('nats://h:4222')).toBe('nats://h:4222');
  });

  it('logs in with the URL credentials, unless options give some; the servers come back without them', () => {
    const fromUrl = natsConnectSettings(['nats://gw:pw@a:4222', 'nats://gw:pw@b:4222']);
    expect(fromUrl).toMatchObject({ servers: ['nats://a:4222', 'nats://b:4222'], options: { user: 'gw', pass: 'pw' }, method: 'user' });
    const explicit = natsConnectSettings('nats://gw:pw@a:4222', { token: 't' });
    expect(explicit.options).toEqual({ token: 't' });
    expect(explicit.servers).toEqual(['nats://a:4222']);
    expect(() => natsConnectSettings(['nats://a:pw@x:1', 'nats://b:pw@y:1'])).toThrowError(/different credentials/);
  });
});

describe('natsConnectSettings', () => {
  it('refuses two ways of logging in, a user without a password and half a client certificate', () => {
    expect(() => natsConnectSettings('nats://h:1', { user: 'u', pass: 'p', token: 't' })).toThrowError(ClientError);
    expect(() => natsConnectSettings('nats://h:1', { user: 'u' })).toThrowError(/needs a password/);
    expect(() => natsConnectSettings('nats://h:1', { pass: 'p' })).toThrowError(/needs a user/);
    expect(() => natsConnectSettings('nats://h:1', { tls: { certFile: file('c.pem', 'x') } })).toThrowError(/both certFile and keyFile/);
  });

  it('names a missing file and a file that is not what it should be', () => {
    expect(() => natsConnectSettings('nats://h:1', { credsFile: join(dir, 'none.creds') })).toThrowError(/cannot read the NATS creds file .*none\.creds: no such file/);
    expect(() => natsConnectSettings('nats://h:1', { credsFile: file('bad.creds', 'hello') })).toThrowError(/is not a NATS creds file/);
    expect(() => natsConnectSettings('nats://h:1', { nkeyFile: file('bad.nk', 'SAxyz') })).toThrowError(/does not hold an nkey user seed/);
    expect(() => natsConnectSettings('nats://h:1', { tls: { caFile: join(dir, 'none.pem') } })).toThrowError(/TLS CA file .*none\.pem/);
  });

  it('builds an authenticator from an nkey seed file and a creds file, and turns TLS on for tls:// URLs', () => {
    const seed = new TextDecoder().decode(createUser().getSeed());
    const nkey = natsConnectSettings('nats://h:1', { nkeyFile: file('user.nk', `${seed}\n`) });
    expect(nkey.method).toBe('nkey');
    expect(typeof nkey.options.authenticator).toBe('function');
    const creds = file('user.creds', `-----BEGIN NATS USER JWT-----\neyJ0eXAi.x.y\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`);
    expect(natsConnectSettings('nats://h:1', { credsFile: creds }).method).toBe('creds');
    expect(natsConnectSettings('tls://h:1').options.tls).toEqual({});
    expect(natsConnectSettings('nats://h:1').options.tls).toBeUndefined();
    expect(natsConnectSettings('nats://h:1', { tls: { caFile: file('ca.pem', 'x') } }).options.tls).toEqual({ caFile: join(dir, 'ca.pem') });
  });
});

describe('natsFailureKind', () => {
  it('tells a refused login and a TLS failure from an unreachable server', () => {
    expect(natsFailureKind(new AuthorizationError('Authorization Violation'))).toBe('auth');
    expect(natsFailureKind(new Error('unable to verify the first certificate'))).toBe('tls');
    expect(natsFailureKind(new Error('outer', { cause: Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) }))).toBe('tls');
    expect(natsFailureKind(new Error('connect ECONNREFUSED 127.0.0.1:4222'))).toBe('unreachable');
  });
});

describe('TickgateClient.connect with auth, against a real server', () => {
  it('logs in with an nkey seed file; a wrong key is TICKGATE_CLIENT_AUTH naming the server', async () => {
    const user = createUser();
    const stranger = createUser();
    const server = await NatsServer.start({ jetstream: false, extraConfig: `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }` });
    try {
      const seedOf = (k: typeof user) => new TextDecoder().decode(k.getSeed());
      const client = await TickgateClient.connect({ servers: server.url, auth: { nkeyFile: file('ok.nk', seedOf(user)) }, timeoutMs: 3_000 });
      await client.connection.flush();
      await client.close();
      const refused = TickgateClient.connect({ servers: server.url, auth: { nkeyFile: file('stranger.nk', seedOf(stranger)) }, timeoutMs: 3_000 });
      await expect(refused).rejects.toMatchObject({ code: 'TICKGATE_CLIENT_AUTH', message: expect.stringContaining(`NATS refused the login at ${server.url}`) });
    } finally {
      await server.stop();
    }
  });
});
