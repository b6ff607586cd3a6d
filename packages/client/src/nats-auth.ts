import { readFileSync } from 'node:fs';
import { AuthorizationError, credsAuthenticator, nkeyAuthenticator, type Authenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ClientError } from './errors.js';

/** TLS settings of a NATS connection: files in PEM. Any of them given turns TLS on. */
export interface NatsTls {
  /** CA certificate(s) that the server's certificate must chain to (default: the system's). */
  caFile?: string;
  /** Client certificate, for servers that verify clients; needs `keyFile`. */
  certFile?: string;
  /** Key of the client certificate; needs `certFile`. */
  keyFile?: string;
}

/**
 * How to log in to NATS: one of user + password, a token, a `.creds` file (JWT and nkey seed) or an
 * nkey seed file; and TLS. Credentials can also be given in a server URL (`nats://user:pass@host`,
 * `nats://token@host`); the options here win over them.
 */
export interface NatsAuth {
  user?: string;
  pass?: string;
  token?: string;
  /** A decentralized-auth `.creds` file (user JWT and nkey seed). */
  credsFile?: string;
  /** A file holding an nkey user seed (`SU…`). */
  nkeyFile?: string;
  tls?: NatsTls;
}

/** The servers without credentials, and the client options that log in with them. */
export interface NatsConnectSettings {
  /** The servers, credentials removed from their URLs (safe to log). */
  readonly servers: string[];
  /** Options for `connect()` from `@nats-io/transport-node`: user/pass, token, authenticator, tls. */
  readonly options: Partial<NodeConnectionOptions>;
  /** Which way of logging in is used, for logs: `none`, `user`, `token`, `creds`, `nkey`. */
  readonly method: 'none' | 'user' | 'token' | 'creds' | 'nkey';
}

const badOption = (message: string): ClientError => new ClientError('TICKGATE_CLIENT_BAD_OPTION', message);

/** Credentials a server URL carries, and the URL without them. */
export function splitUrlCredentials(url: string): { url: string; user?: string; pass?: string; token?: string } {
  const match = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(url);
  if (!match) return { url };
  const [, scheme, userinfo, rest] = match as unknown as [string, string, string, string];
  const clean = `${scheme}${rest}`;
  const colon = userinfo.indexOf(':');
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw badOption(`the credentials in ${maskUrl(url)} are not valid URL encoding`);
    }
  };
  if (colon < 0) return userinfo === '' ? { url: clean } : { url: clean, token: decode(userinfo) };
  return { url: clean, user: decode(userinfo.slice(0, colon)), pass: decode(userinfo.slice(colon + 1)) };
}

/** A server URL with any password or token replaced by `***` (`nats://gw:***@host:4222`). */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^@/]*)@/i, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

function readSecretFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ClientError('TICKGATE_CLIENT_BAD_OPTION', `cannot read the ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(cause))}`, { cause });
  }
}

/**
 * Connection settings for `servers` and `auth`. Reads and checks the creds, nkey and TLS files now,
 * so that a wrong path is an error naming it before any connection is tried. Throws `ClientError`
 * (`TICKGATE_CLIENT_BAD_OPTION`) for an impossible combination or an unreadable file.
 */
export function natsConnectSettings(servers: string | string[], auth: NatsAuth = {}): NatsConnectSettings {
  const list = (Array.isArray(servers) ? servers : [servers]).map(splitUrlCredentials);
  const inUrls = list.filter((s) => s.user !== undefined || s.token !== undefined);
  const distinct = new Set(inUrls.map((s) => JSON.stringify([s.user, s.pass, s.token])));
  if (distinct.size > 1) throw badOption('the NATS server URLs carry different credentials; give one set (in every URL, or as options)');
  const fromUrl = inUrls[0];

  const explicit = [auth.user !== undefined || auth.pass !== undefined, auth.token !== undefined, auth.credsFile !== undefined, auth.nkeyFile !== undefined].filter(Boolean).length;
  if (explicit > 1) throw badOption('give one way of logging in to NATS: user and pass, a token, a creds file or an nkey file');
  if (auth.pass !== undefined && auth.user === undefined) throw badOption('a NATS password needs a user');
  if (auth.user !== undefined && auth.pass === undefined) throw badOption(`the NATS user "${auth.user}" needs a password`);

  const options: Partial<NodeConnectionOptions> = {};
  let method: NatsConnectSettings['method'] = 'none';
  if (auth.user !== undefined) {
    Object.assign(options, { user: auth.user, pass: auth.pass });
    method = 'user';
  } else if (auth.token !== undefined) {
    options.token = auth.token;
    method = 'token';
  } else if (auth.credsFile !== undefined) {
    const creds = readSecretFile(auth.credsFile, 'NATS creds file');
    const text = new TextDecoder().decode(creds);
    if (!/-----BEGIN NATS USER JWT-----/.test(text) || !/-----BEGIN USER NKEY SEED-----/.test(text)) {
      throw badOption(`${auth.credsFile} is not a NATS creds file (it needs a user JWT and a user nkey seed)`);
    }
    options.authenticator = credsAuthenticator(creds);
    method = 'creds';
  } else if (auth.nkeyFile !== undefined) {
    options.authenticator = nkeyFromFile(auth.nkeyFile);
    method = 'nkey';
  } else if (fromUrl?.user !== undefined) {
    Object.assign(options, { user: fromUrl.user, pass: fromUrl.pass });
    method = 'user';
  } else if (fromUrl?.token !== undefined) {
    options.token = fromUrl.token;
    method = 'token';
  }

  const tls = auth.tls;
  if (tls && (tls.caFile !== undefined || tls.certFile !== undefined || tls.keyFile !== undefined)) {
    if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) throw badOption('a TLS client certificate needs both certFile and keyFile');
    if (tls.caFile !== undefined) readSecretFile(tls.caFile, 'TLS CA file');
    if (tls.certFile !== undefined) readSecretFile(tls.certFile, 'TLS certificate file');
    if (tls.keyFile !== undefined) readSecretFile(tls.keyFile, 'TLS key file');
    options.tls = { ...(tls.caFile !== undefined ? { caFile: tls.caFile } : {}), ...(tls.certFile !== undefined ? { certFile: tls.certFile, keyFile: tls.keyFile } : {}) };
  } else if (list.some((s) => s.url.toLowerCase().startsWith('tls://'))) {
    options.tls = {};
  }
  return { servers: list.map((s) => s.url), options, method };
}

function nkeyFromFile(path: string): Authenticator {
  const seed = new TextDecoder().decode(readSecretFile(path, 'NATS nkey seed file')).trim();
  if (!/^SU[A-Z2-7]{50,}$/.test(seed)) throw badOption(`${path} does not hold an nkey user seed (a line starting with "SU")`);
  return nkeyAuthenticator(new TextEncoder().encode(seed));
}

/** Why a connection attempt failed, as one kind an operator acts on differently. */
export type NatsFailureKind = 'auth' | 'tls' | 'unreachable';

/** Sort a connection error: a refused login, a TLS failure, or anything else (the server unreachable). */
export function natsFailureKind(error: unknown): NatsFailureKind {
  const texts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    texts.push(e.message, (e as NodeJS.ErrnoException).code ?? '');
    if (e instanceof AuthorizationError) return 'auth';
  }
  const text = texts.join(' ');
  if (/authorization violation|authentication/i.test(text)) return 'auth';
  if (/\bTLS\b|SSL|CERT|self[-_ ]signed|EPROTO/i.test(text)) return 'tls';
  return 'unreachable';
}
