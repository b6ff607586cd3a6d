/**
 * The logging surface packages use. pino's `Logger` satisfies it; packages never import pino.
 * Call as `log.info({ feed, url }, 'connected')` or `log.info('connected')`.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything (tests, libraries used without one). */
const ignore = (): void => undefined;
export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};
