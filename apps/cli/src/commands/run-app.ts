import { captureApp, runApp, type AppName } from '../apps.js';
import { writeLine, type Io } from '../io.js';

const wantsHelp = (argv: string[]) => argv.some((a) => a === '--help' || a === '-h');

/**
 * `tickgate gateway …` / `tickgate sim …`: run the app in the foreground with the flags as given.
 * `--help` shows this command's help followed by the app's own.
 */
export async function appCommand(app: AppName, usage: string, argv: string[], io: Io): Promise<number> {
  if (wantsHelp(argv)) {
    const own = await captureApp(app, ['--help'], io.env);
    await writeLine(io.stdout, `${usage}\n\n${app === 'gateway' ? "The gateway's" : "The simulator's"} own help:\n\n${own.stdout.trimEnd()}`);
    return 0;
  }
  return runApp(app, argv);
}

/** The help of `tickgate gateway` / `tickgate sim` with the app's own help appended. */
export async function appHelp(app: AppName, usage: string, io: Io): Promise<number> {
  return appCommand(app, usage, ['--help'], io);
}
