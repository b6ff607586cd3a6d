/** Where a command writes and what it reads from its environment. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Write one line; resolves at once unless the stream asked to wait (then on `drain`). */
export function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> | undefined {
  if (stream.write(`${line}\n`)) return undefined;
  return new Promise((resolve) => stream.once('drain', resolve));
}

/** A message of an error for people: its `message`, or the value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Resolves on the first of SIGINT / SIGTERM (listeners removed by `dispose`). A terminal's Ctrl-C
 * may arrive twice when a launcher passes it on as well: only the first counts.
 */
export function onStopSignal(): { stopped: Promise<NodeJS.Signals>; dispose(): void } {
  let resolveStop!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStop = resolve));
  const handler = (signal: NodeJS.Signals) => resolveStop(signal);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
