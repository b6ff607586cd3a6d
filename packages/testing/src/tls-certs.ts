import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** For tests of TLS: a CA, a server certificate for 127.0.0.1 and localhost signed by it, and a second CA that did not sign it. */
export interface TestCerts {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A CA the server's certificate does not chain to. */
  readonly otherCaFile: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Make the certificates with openssl in a fresh temporary folder (removed by `remove()`). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'tickgate-certs-'));
  const days = '2';
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', days, '-subj', '/CN=tickgate test CA', '-keyout', 'ca.key', '-out', 'ca.pem'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', days, '-extfile', 'server.ext', '-out', 'server.pem'], dir);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', days, '-subj', '/CN=another CA', '-keyout', 'other.key', '-out', 'other.pem'], dir);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    otherCaFile: join(dir, 'other.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
