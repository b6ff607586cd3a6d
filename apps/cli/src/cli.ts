import { readFileSync } from 'node:fs';
import { appCommand } from './commands/run-app.js';
import { ConnectError, UsageError } from './errors.js';
import { errorMessage, writeLine, type Io } from './io.js';
import { COMMAND_USAGE, GATEWAY_USAGE, HELP_USAGE, MAIN_USAGE, SIM_USAGE } from './usage.js';

type Command = (argv: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  gateway: (argv, io) => appCommand('gateway', GATEWAY_USAGE, argv, io),
  sim: (argv, io) => appCommand('exchange-sim', SIM_USAGE, argv, io),
  // Loaded on use: help and the app commands start without NATS, zod or decimal.js.
  'check-config': async (argv, io) => (await import('./commands/check-config.js')).checkConfigCommand(argv, io),
  tail: async (argv, io) => (await import('./commands/tail.js')).tailCommand(argv, io),
  replay: async (argv, io) => (await import('./commands/replay.js')).replayCommand(argv, io),
  help: helpCommand,
};

/** Commands whose every flag belongs to a child app (they handle `--help` themselves). */
const PASS_THROUGH = new Set(['gateway', 'sim']);

function version(): string {
  // This file is in apps/cli/src or apps/cli/dist: the package.json is one level up either way.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

async function helpCommand(argv: string[], io: Io): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h')) {
    await writeLine(io.stdout, HELP_USAGE);
    return 0;
  }
  const [topic, extra] = argv;
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`, 'help');
  if (topic === undefined) {
    await writeLine(io.stdout, MAIN_USAGE);
    return 0;
  }
  if (topic === 'gateway') return appCommand('gateway', GATEWAY_USAGE, ['--help'], io);
  if (topic === 'sim') return appCommand('exchange-sim', SIM_USAGE, ['--help'], io);
  const usage = COMMAND_USAGE[topic];
  if (usage === undefined) throw new UsageError(`unknown command '${topic}'`);
  await writeLine(io.stdout, usage);
  return 0;
}

/**
 * Run the command line `argv` (without `node` and the script). Returns the exit code: 0 done, 1 a
 * failure (NATS unreachable, stream missing, …), 2 a usage or config error. Long-running commands
 * return when stopped.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) throw new UsageError('missing command');
    if (name === '--help' || name === '-h') return await helpCommand(rest.filter((a) => a !== '--help' && a !== '-h'), io);
    if (name === '--version' || name === '-v') {
      await writeLine(io.stdout, version());
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (command === undefined) {
      throw new UsageError(name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`);
    }
    if (!PASS_THROUGH.has(name) && name !== 'help' && rest.some((a) => a === '--help' || a === '-h')) {
      await writeLine(io.stdout, COMMAND_USAGE[name] as string);
      return 0;
    }
    return await command(rest, io);
  } catch (error) {
    return report(error, io);
  }
}

async function report(error: unknown, io: Io): Promise<number> {
  if (error instanceof UsageError) {
    const prefix = error.command === undefined ? 'tickgate' : `tickgate ${error.command}`;
    const usage = error.command === undefined ? MAIN_USAGE : (COMMAND_USAGE[error.command] ?? MAIN_USAGE);
    await writeLine(io.stderr, `${prefix}: ${error.message}\n\n${usage}`);
    return 2;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'TICKGATE_CLIENT_BAD_OPTION') {
    await writeLine(io.stderr, `tickgate: ${errorMessage(error)}`);
    return 2;
  }
  if (error instanceof ConnectError) {
    await writeLine(io.stderr, `tickgate: ${error.message}`);
    return 1;
  }
  await writeLine(io.stderr, `tickgate: ${errorMessage(error)}`);
  return 1;
}
