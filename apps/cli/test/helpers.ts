import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `tickgate` launcher (runs dist/main.js: the test target depends on the build). */
export const TICKGATE = fileURLToPath(new URL('../bin/tickgate.js', import.meta.url));

/** Plain output: no colours whatever the environment of the test run says. */
export function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env['NATS_URL'];
  return env;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `tickgate` process with its output so far. */
export class CliProcess {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;
  readonly #listeners = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv = plainEnv()) {
    this.proc = spawn(process.execPath, [TICKGATE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('close', (code, signal) => {
        this.#notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Lines of stdout completed so far. */
  lines(): string[] {
    const all = this.stdout.split('\n');
    all.pop();
    return all;
  }

  /** Resolve when `predicate` holds on the output (checked on every chunk); reject on exit or timeout. */
  waitFor(predicate: (p: CliProcess) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this)) {
          done();
          resolve();
        } else if (!this.running) {
          done();
          reject(new Error(`tickgate exited before ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        void this.exited.then(() => this.#listeners.delete(check));
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Send a signal and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<Finished> {
    if (this.running) this.proc.kill(signal);
    return this.exited;
  }

  /** Stop it if it still runs (teardown): SIGTERM, which it passes on to any app it runs, then SIGKILL. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Run `tickgate args…` to completion. */
export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<Finished> {
  return new CliProcess(args, env).exited;
}
