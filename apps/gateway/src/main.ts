#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { TickgateError } from '@tickgate/core';
import { effectiveConfig, ENV_OVERRIDES, loadConfig, maskedConfig } from './config/index.js';
import { Gateway } from './gateway.js';
import { NatsConnectError } from './publish/index.js';
import { createLogger, type RootLogger } from './logger.js';
import { VENUES, venueNames } from './venues.js';

const HELP = `Usage: tickgate-gateway [--config <file>] [--check-config]

Runs the tickgate gateway: connects to the configured venues' trade feeds and publishes normalized
trades on NATS (md.trade.<venue>.<instrument>, JetStream stream "MD" by default).

Options:
  -c, --config <file>   YAML or JSON config file (default: Binance BTC-USDT with an embedded nats-server)
      --check-config    validate the config, print it with every default filled in and secrets
                        masked (the config the gateway would run with), and exit
  -h, --help            show this help

Environment overrides:
${Object.entries(ENV_OVERRIDES)
  .map(([k, v]) => `  ${k.padEnd(22)} ${v}`)
  .join('\n')}

Exit codes: 0 stopped cleanly, 1 failed at start or while stopping, 2 bad config or arguments,
3 NATS refused the login, 4 TLS with NATS failed.

Venues: ${venueNames().join(', ')}
Endpoints: GET /healthz, /readyz, /metrics on http.port (default 9464).`;

const STOP_TIMEOUT_MS = 10_000;

/** Exit codes of a first NATS connection that failed: a refused login and a TLS failure are told apart. */
const NATS_EXIT_CODES: Record<NatsConnectError['code'], number> = { TICKGATE_NATS_AUTH: 3, TICKGATE_NATS_TLS: 4, TICKGATE_NATS_CONNECT: 1 };

/** Exit once the logger has written what it holds (logs are written asynchronously), at most 1 s later. */
function exitAfterFlush(logger: RootLogger, code: number): void {
  process.exitCode = code;
  const guard = setTimeout(() => process.exit(code), 1_000);
  guard.unref();
  logger.flush(() => process.exit(code));
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { config: { type: 'string', short: 'c' }, 'check-config': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    });
  } catch (error) {
    process.stderr.write(`tickgate: ${(error as Error).message}\n${HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  let config;
  try {
    config = effectiveConfig(loadConfig(args.values.config), VENUES);
  } catch (error) {
    process.stderr.write(`tickgate: config error: ${(error as Error).message}\n`);
    return 2;
  }
  if (args.values['check-config']) {
    process.stdout.write(`${JSON.stringify(maskedConfig(config), null, 2)}\n`);
    return 0;
  }

  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  logger.info({ config: maskedConfig(config) }, 'effective config');
  const gateway = new Gateway({ config, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error('graceful stop took too long; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    force.unref();
    gateway.stop({ timeoutMs: STOP_TIMEOUT_MS - 2_000 }).then(
      () => exitAfterFlush(logger, 0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'stop failed');
        exitAfterFlush(logger, 1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await gateway.start();
  } catch (error) {
    const message = error instanceof TickgateError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    logger.fatal?.({ err: message }, 'gateway could not start');
    process.stderr.write(`tickgate: ${message}\n`);
    await gateway.stop({ timeoutMs: 2_000 }).catch(() => undefined);
    return error instanceof NatsConnectError ? NATS_EXIT_CODES[error.code] : 1;
  }
  logger.info({ nats: gateway.natsUrl, feeds: config.feeds.map((f) => `${f.venue}:${f.instruments.join(',')}`) }, 'gateway running');
  return -1; // keep running until a signal
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`tickgate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
