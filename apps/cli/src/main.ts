import { run } from './cli.js';

// `tickgate … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
// Long-running commands end on a signal with the NATS connection closed; exit now rather than wait
// for stray timers of libraries.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
