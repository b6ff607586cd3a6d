import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '@tickgate/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configPath } from './path.js';
import { DEFAULT_CONFIG_INPUT, GatewayConfig } from './schema.js';

/** Environment variables that override the file (only this module reads the environment). */
export const ENV_OVERRIDES = {
  TICKGATE_NATS_SERVERS: 'nats.servers (comma-separated URLs; empty for the embedded server)',
  TICKGATE_LOG_LEVEL: 'log.level',
  TICKGATE_HTTP_PORT: 'http.port',
  TICKGATE_NATS_MODE: 'nats.mode (jetstream | core)',
  TICKGATE_NATS_USER: 'nats.user',
  TICKGATE_NATS_PASS: 'nats.pass',
  TICKGATE_NATS_TOKEN: 'nats.token',
  TICKGATE_NATS_CREDS: 'nats.credsFile (path of a .creds file)',
} as const;

/** The environment variables that set a `nats` key as they are. */
const NATS_KEYS_FROM_ENV = { TICKGATE_NATS_USER: 'user', TICKGATE_NATS_PASS: 'pass', TICKGATE_NATS_TOKEN: 'token', TICKGATE_NATS_CREDS: 'credsFile' } as const;

/** Read a config file (YAML or JSON by extension; YAML also reads JSON). Throws `ConfigError`. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `config file not found: ${path}` : `cannot read config file ${path}: ${code ?? String(cause)}`, { cause });
  }
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new ConfigError(`config file ${path} is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${detail}`, { cause });
  }
}

/** Apply the environment overrides to a raw (unvalidated) config object. */
export function applyEnv(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const out = structuredClone(raw) as Record<string, Record<string, unknown> | undefined>;
  const section = (name: string): Record<string, unknown> => {
    const current = out[name];
    if (typeof current === 'object' && current !== null && !Array.isArray(current)) return current;
    const fresh: Record<string, unknown> = {};
    out[name] = fresh;
    return fresh;
  };
  const servers = env['TICKGATE_NATS_SERVERS'];
  if (servers !== undefined) {
    section('nats')['servers'] = servers.split(',').map((s) => s.trim()).filter(Boolean);
  }
  const mode = env['TICKGATE_NATS_MODE'];
  if (mode) section('nats')['mode'] = mode;
  for (const [variable, key] of Object.entries(NATS_KEYS_FROM_ENV)) {
    const value = env[variable];
    if (value) section('nats')[key] = value;
  }
  const level = env['TICKGATE_LOG_LEVEL'];
  if (level) section('log')['level'] = level;
  const port = env['TICKGATE_HTTP_PORT'];
  if (port) {
    if (!/^\d+$/.test(port)) throw new ConfigError(`TICKGATE_HTTP_PORT must be a port number, got ${JSON.stringify(port)}`, { path: configPath('http', 'port') });
    section('http')['port'] = Number(port);
  }
  return out;
}

/** Validate a raw config object. Throws `ConfigError` naming the first bad path. */
export function validateConfig(raw: unknown): GatewayConfig {
  const result = GatewayConfig.safeParse(raw);
  if (result.success) return result.data;
  throw toConfigError(result.error);
}

function toConfigError(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  let path = configPath(...issue.path.map(String));
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    path = configPath(...[...issue.path.map(String), keys[0]].filter(Boolean));
    message = `unknown key${keys.length > 1 ? `s ${keys.map((k) => JSON.stringify(k)).join(', ')}` : ''}`;
  } else if (issue.code === 'invalid_type') {
    message = issue.message.replace(/^Invalid input: /, '');
  }
  return new ConfigError(message, { path: path || '(root)', cause: error });
}

/**
 * The gateway's configuration: the file at `path` (or the default config when none is given), with
 * environment overrides applied, validated.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw = path === undefined ? DEFAULT_CONFIG_INPUT : readConfigFile(path);
  return validateConfig(applyEnv(raw, env));
}
