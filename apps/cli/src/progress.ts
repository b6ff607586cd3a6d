import { rate, seconds, thousands } from './format.js';

/**
 * Replay progress on stderr. `live`: one line refreshed in place a few times a second (for a terminal
 * whose stdout goes elsewhere); otherwise nothing until `finish`, which prints the final count and rate.
 */
export class Progress {
  readonly #stderr: NodeJS.WritableStream;
  readonly #live: boolean;
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout | undefined;
  #count = 0;
  #drawn = false;

  constructor(stderr: NodeJS.WritableStream, live: boolean, intervalMs = 250) {
    this.#stderr = stderr;
    this.#live = live;
    if (live) {
      this.#timer = setInterval(() => this.#draw(), intervalMs);
      this.#timer.unref();
    }
  }

  /** One more message printed. */
  tick(): void {
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  get elapsedMs(): number {
    return Date.now() - this.#started;
  }

  #line(): string {
    const ms = this.elapsedMs;
    return `replay: ${thousands(this.#count)} messages in ${seconds(ms)} s (${rate(this.#count, ms)}/s)`;
  }

  #draw(): void {
    this.#stderr.write(`\r\u001b[K${this.#line()}`);
    this.#drawn = true;
  }

  /** Stop refreshing and clear the live line (if any). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#live && this.#drawn) this.#stderr.write('\r\u001b[K');
    this.#drawn = false;
  }

  /** Stop refreshing; replace the live line (if any) by the final one. */
  finish(): void {
    this.stop();
    this.#stderr.write(`${this.#line()}\n`);
  }
}
