import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The command that installs the server on the machines this project runs on. */
export const NATS_SERVER_INSTALL_HINT = 'apt-get install -y nats-server';

const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/local/bin', '/usr/bin'];

/** Path of the `nats-server` binary: `$NATS_SERVER_BIN`, then `PATH`, then the sbin folders. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['NATS_SERVER_BIN'];
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new Error(`NATS_SERVER_BIN=${explicit} does not exist`);
  }
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`nats-server was not found on PATH or in ${SBIN_DIRS.join(', ')}; install it with: ${NATS_SERVER_INSTALL_HINT}`);
}

/** Whether every thread of a process is in the stopped state (Linux `/proc`); true where `/proc` is absent. */
function allThreadsStopped(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return true;
  }
  return tasks.every((tid) => {
    try {
      // "tid (comm) S ...": the state follows the closing parenthesis of the command name.
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
    } catch {
      return true; // the thread has exited
    }
  });
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface NatsServerOptions {
  /** Client port; a free one when omitted. */
  port?: number;
  /** Enable JetStream (default true). */
  jetstream?: boolean;
  /** JetStream store folder; a fresh temporary folder when omitted, removed on stop unless given. */
  storeDir?: string;
  /** Server name (cluster members need distinct ones). */
  name?: string;
  /** Cluster settings, for `startNatsCluster`. */
  cluster?: { name: string; port: number; routes: string[] };
  /** Milliseconds to wait for the server to accept clients (default 10 s). */
  readyTimeoutMs?: number;
  /** Extra lines appended to the generated config file. */
  extraConfig?: string;
  /** Environment variables for the server process, on top of this process's (config `$VARIABLE` references). */
  env?: NodeJS.ProcessEnv;
}

/** One running `nats-server` child process. */
export class NatsServer {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void>;
  private output = '';
  private frozen = false;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly ownStore: boolean,
    private readonly configFile: string,
    private readonly binary: string,
    private readonly readyTimeoutMs: number,
    private readonly env: NodeJS.ProcessEnv | undefined,
  ) {
    this.url = `nats://127.0.0.1:${port}`;
    this.exited = Promise.resolve();
  }

  /** Start a server and wait until it accepts clients (and, with JetStream, until it is ready). */
  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const binary = findNatsServer();
    const port = options.port ?? (await freePort());
    const ownStore = options.storeDir === undefined;
    const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'tickgate-nats-'));
    const configFile = join(storeDir, `nats-${port}.conf`);
    const lines = [`listen: "127.0.0.1:${port}"`, `server_name: "${options.name ?? `tickgate-test-${port}`}"`];
    if (options.jetstream ?? true) lines.push(`jetstream { store_dir: "${join(storeDir, 'js')}" }`);
    if (options.cluster) {
      lines.push(
        `cluster {`,
        `  name: "${options.cluster.name}"`,
        `  listen: "127.0.0.1:${options.cluster.port}"`,
        `  routes: [${options.cluster.routes.map((r) => `"${r}"`).join(', ')}]`,
        `}`,
      );
    }
    if (options.extraConfig) lines.push(options.extraConfig);
    writeFileSync(configFile, lines.join('\n') + '\n');
    const server = new NatsServer(port, storeDir, ownStore, configFile, binary, options.readyTimeoutMs ?? 10_000, options.env);
    await server.launch();
    return server;
  }

  /** Whether the child process is running. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Process id of the running server. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** What the server printed so far (for failing tests). */
  get log(): string {
    return this.output;
  }

  private async launch(): Promise<void> {
    const child = spawn(this.binary, ['-c', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'], ...(this.env ? { env: { ...process.env, ...this.env } } : {}) });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    liveServers.add(this);
    await this.waitReady();
  }

  private waitReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.child!;
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`nats-server on port ${this.port} was not ready within ${this.readyTimeoutMs} ms:\n${this.output}`));
      }, this.readyTimeoutMs);
      const check = () => {
        if (/Server is ready/.test(this.output)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`nats-server on port ${this.port} exited with ${code} before it was ready:\n${this.output}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.once('exit', onExit);
      check();
    });
  }

  /**
   * Freeze the server (SIGSTOP): its sockets stay open but it reads, writes and acknowledges nothing,
   * as a server stalled by its host would. `thaw` resumes it; `kill`, `restart` and `stop` thaw first.
   */
  async freeze(): Promise<void> {
    if (!this.running || this.frozen) return;
    const pid = this.child!.pid!;
    this.child!.kill('SIGSTOP');
    this.frozen = true;
    // The kernel stops a many-threaded process one thread at a time, once the thread that took the
    // signal is scheduled; until then another thread may still answer a client. Wait for all of them.
    const deadline = Date.now() + 5_000;
    while (!allThreadsStopped(pid)) {
      if (Date.now() > deadline) throw new Error(`nats-server ${pid} did not stop within 5 s of SIGSTOP`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Resume a frozen server (SIGCONT). */
  thaw(): void {
    if (this.running && this.frozen) this.child!.kill('SIGCONT');
    this.frozen = false;
  }

  /** Kill the process abruptly (SIGKILL), keeping its store, as a crash would. */
  async kill(): Promise<void> {
    this.thaw();
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Start the server again on the same port and store (after `kill` or `stop({keepStore:true})`). */
  async restart(): Promise<void> {
    if (this.running) await this.kill();
    this.output = '';
    await this.launch();
  }

  /** Stop the server (SIGTERM, then SIGKILL after 5 s) and remove its temporary store. */
  async stop(options: { keepStore?: boolean } = {}): Promise<void> {
    this.thaw();
    if (this.running) {
      const child = this.child!;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    liveServers.delete(this);
    if (this.ownStore && !options.keepStore) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** A cluster of `nats-server` processes with JetStream, routed to each other. */
export class NatsCluster {
  private constructor(readonly servers: NatsServer[]) {}

  /** Client URLs of every node. */
  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  static async start(size = 3, options: { readyTimeoutMs?: number } = {}): Promise<NatsCluster> {
    const name = `tickgate-${process.pid}-${Date.now().toString(36)}`;
    const clusterPorts: number[] = [];
    const clientPorts: number[] = [];
    while (clusterPorts.length < size) {
      const a = await freePort();
      const b = await freePort();
      if (a !== b && !clusterPorts.includes(a) && !clientPorts.includes(b) && !clientPorts.includes(a) && !clusterPorts.includes(b)) {
        clusterPorts.push(a);
        clientPorts.push(b);
      }
    }
    const routes = clusterPorts.map((p) => `nats-route://127.0.0.1:${p}`);
    const started = await Promise.allSettled(
      clientPorts.map((port, i) =>
        NatsServer.start({
          port,
          name: `${name}-n${i + 1}`,
          cluster: { name, port: clusterPorts[i]!, routes: routes.filter((_, j) => j !== i) },
          readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
        }),
      ),
    );
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(servers.map((s) => s.stop()));
      throw failed.reason;
    }
    return new NatsCluster(servers);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

const liveServers = new Set<NatsServer>();

/** Kill every server this process started and has not stopped (a safety net on exit). */
export function killAllNatsServers(): void {
  for (const server of liveServers) {
    if (server.running && server.pid !== undefined) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  liveServers.clear();
}

process.once('exit', killAllNatsServers);
