import type { Logger } from '@tickgate/core';

/** Logs a run of publish failures at a bounded rate: the first, then every 1,000th, then the recovery. */
export class FailureLog {
  private streak = 0;
  constructor(private readonly logger: Logger) {}

  failed(error: unknown): void {
    this.streak += 1;
    const fields = { err: error instanceof Error ? error.message : String(error), failures: this.streak };
    if (this.streak === 1) this.logger.warn(fields, 'NATS publish failed; retrying');
    else if (this.streak % 1_000 === 0) this.logger.warn(fields, 'NATS publish still failing');
  }

  /** A publish went through: ends the run (logged once if there was one). */
  succeeded(message: string): void {
    if (this.streak === 0) return;
    this.logger.info({ failures: this.streak }, message);
    this.streak = 0;
  }
}
