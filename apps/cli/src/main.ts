import { run } from './cli.js';

// `tickgate … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
// A terminal's Ctrl-C can arrive a second time (passed on by the launcher) after the command has
// finished: it must not turn a clean exit into death by signal.
const ignore = () => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', ignore);
// Exit once stdout is flushed, rather than wait for stray timers of libraries.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
