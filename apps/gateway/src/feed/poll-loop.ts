/**
 * Runs `poll` now and every `everyMs` while started, one run at a time: a tick that finds the previous
 * run still going is skipped, so runs never pile up behind a slow or paused REST.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly poll: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  /** Start (a run at once); nothing if started already. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.runOnce(), this.everyMs);
    this.timer.unref();
    this.runOnce();
  }

  /** No more runs; the one in flight, if any, goes on (see `settled`). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when the run in flight, if any, is over. */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private runOnce(): void {
    if (this.running || this.timer === undefined) return;
    this.running = true;
    this.inFlight = this.poll().finally(() => {
      this.running = false;
    });
  }
}
