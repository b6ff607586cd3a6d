import { NATS_AUTH_USAGE } from './args.js';
import { DEFAULT_NATS_URL } from './defaults.js';

export const MAIN_USAGE = `Usage: tickgate <command> [options]

Commands:
  gateway [--config <file>]      run the gateway (every flag is passed to it)
  sim [flags]                    run the exchange simulator (any of the five venues)
  check-config <file>            validate a gateway config file
  tail [venue] [instrument]      live trades and status events from NATS, readable or as JSON
  replay [venue] [instrument] (--since <when> | --seq <n>)
                                 stored trades from the JetStream stream, in order
  help [command]                 this help, or a command's

Options:
  -h, --help      show help (also after a command: tickgate tail --help)
  -v, --version   print the version

Environment:
  NATS_URL        NATS server(s) for tail and replay (default ${DEFAULT_NATS_URL})
  NO_COLOR        no colours even on a terminal (FORCE_COLOR: colours even in a pipe)

Examples:
  tickgate check-config gateway.yaml
  tickgate gateway --config gateway.yaml
  tickgate tail binance BTC-USDT
  tickgate replay binance BTC-USDT --since 10m
  tickgate replay --seq 1 --json > trades.jsonl`;

export const GATEWAY_USAGE = `Usage: tickgate gateway [--config <file>] [gateway flags]

Runs the tickgate gateway in the foreground: the built apps/gateway/dist/main.js, or its TypeScript
source when it is not built. Every flag is passed to the gateway unchanged; Ctrl-C or SIGTERM stop it
gracefully and its exit code is this command's (2 for a bad config).`;

export const SIM_USAGE = `Usage: tickgate sim [simulator flags]

Runs the exchange simulator (one venue's WebSocket streams, REST and a /__sim control endpoint) in the
foreground: the built packages/exchange-sim/dist/main.js, or its source when it is not built. Every flag is
passed to it unchanged. Point a feed's wsUrl and restUrl at the URLs it prints.`;

export const CHECK_CONFIG_USAGE = `Usage: tickgate check-config <file>

Validates a gateway config file (YAML or JSON) exactly as the gateway would — the same schema, venue
names, defaults, NATS login and TLS files, and TICKGATE_* environment overrides — without starting
anything. It runs the gateway's --check-config.

  valid:    prints the effective config as JSON on stdout (every default filled in, passwords and
            tokens masked as "***"), and "ok: <file>" with a one-line summary on stderr; exit 0
  invalid:  prints the gateway's one-line error naming the bad path; exit 2

Options:
  -h, --help   show this help

Example:
  $ tickgate check-config gateway.yaml > effective.json
  ok: gateway.yaml
  1 feed, 2 instruments (binance: BTC-USDT, ETH-USDT) -> NATS nats://127.0.0.1:4222 (jetstream, stream MD)`;

export const TAIL_USAGE = `Usage: tickgate tail [venue] [instrument] [options]

Live view of trades published by the gateway on core NATS (md.trade.<venue>.<instrument>) and of status
events (md.status.…): gaps, recoveries, REST fallback, disconnects. Venue and instrument default to any
('*'); a lone instrument (BTC-USDT) means that instrument on every venue.

Each trade line: time of the trade (UTC), venue, instrument, taker side, price, quantity, source (ws or
rest), trade id, and latencies in ms: gateway receive -> now, and exchange -> gateway receive.
Status lines start with "!" and the state in capitals (coloured on a terminal).

Options:
  -s, --servers <url>   NATS server(s), comma-separated or repeated (default $NATS_URL or ${DEFAULT_NATS_URL})
${NATS_AUTH_USAGE}
      --status          show status events (default)
      --no-status       trades only
      --json            one wire JSON object per line (trades and status events) instead of text
  -n, --count <n>       exit after n trades
      --no-color        no colours (also: NO_COLOR=1)
  -h, --help            show this help

Ctrl-C (or SIGTERM) ends it with exit code 0 and a summary on stderr: trades and status events seen,
malformed messages skipped, messages dropped because the terminal could not keep up.

Examples:
  tickgate tail                         every venue and instrument
  tickgate tail binance BTC-USDT
  tickgate tail ETH-USDT --no-status    ETH-USDT on every venue, trades only
  tickgate tail binance --json | jq -c 'select(.side == "sell")'`;

export const REPLAY_USAGE = `Usage: tickgate replay [venue] [instrument] (--since <when> | --seq <n>) [options]

Prints trades stored in the JetStream stream, in stream order, and ends when it has caught up
(or at --until). Progress (count and rate) goes to stderr — refreshed in place on a terminal when
stdout is redirected, else one final line — followed by a summary.

Options:
      --since <when>    start at a time: a duration before now (90s, 10m, 2h, 1d, 1h30m) or an ISO
                        time (2024-05-01T12:00:00Z)
      --seq <n>         start at stream sequence n (inclusive) instead
      --until <when>    stop after this time (duration before now or ISO time)
      --until-seq <n>   stop after stream sequence n (inclusive)
      --follow          keep printing new trades after catching up (until Ctrl-C)
      --status          include status events (gaps, recoveries, …)
      --json            one wire JSON object per line instead of text
  -s, --servers <url>   NATS server(s), comma-separated or repeated (default $NATS_URL or ${DEFAULT_NATS_URL})
${NATS_AUTH_USAGE}
      --stream <name>   JetStream stream (default MD)
      --no-color        no colours (also: NO_COLOR=1)
  -h, --help            show this help

Examples:
  tickgate replay binance BTC-USDT --since 10m
  tickgate replay --seq 1 --until-seq 5000 --json > trades.jsonl
  tickgate replay binance --since 2024-05-01T12:00:00Z --until 2024-05-01T13:00:00Z --status`;

export const HELP_USAGE = `Usage: tickgate help [command]

Shows the usage of tickgate, or of one command: gateway, sim, check-config, tail, replay.`;

/** Help text of each command by name. */
export const COMMAND_USAGE: Record<string, string> = {
  gateway: GATEWAY_USAGE,
  sim: SIM_USAGE,
  'check-config': CHECK_CONFIG_USAGE,
  tail: TAIL_USAGE,
  replay: REPLAY_USAGE,
  help: HELP_USAGE,
};
