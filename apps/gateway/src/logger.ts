import { pino, type Logger as PinoLogger } from 'pino';

export type RootLogger = PinoLogger;

/**
 * The gateway's root logger: JSON lines on stdout, or pretty text when `pretty` (default: stdout is a
 * terminal). Tasks receive `logger.child({ venue, feed })`; packages only see the `Logger` interface.
 */
export function createLogger(options: { level: string; pretty?: boolean | undefined; destination?: NodeJS.WritableStream }): RootLogger {
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  if (pretty && !options.destination) {
    return pino({
      level: options.level,
      base: { service: 'tickgate' },
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  }
  return pino(
    { level: options.level, base: { service: 'tickgate' }, timestamp: pino.stdTimeFunctions.isoTime },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ fd: 1, sync: false }),
  );
}
