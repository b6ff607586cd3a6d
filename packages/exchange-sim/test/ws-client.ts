import { WebSocket } from 'ws';

/** A test WebSocket client that records every text frame and how the connection ended. */
export class TestClient {
  readonly frames: string[] = [];
  readonly pings: string[] = [];
  closeCode: number | undefined;
  closeReason = '';
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
      this.wake();
    });
    ws.on('ping', (payload) => {
      this.pings.push(payload.toString('utf8'));
      this.wake();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString('utf8');
        this.wake();
        resolve({ code, reason: this.closeReason });
      });
    });
  }

  /** Open a connection; `autoPong: false` makes the client ignore server pings. */
  static async open(url: string, options: { autoPong?: boolean } = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
    });
    return client;
  }

  /** Resolve with the HTTP status of a refused upgrade. */
  static refusal(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on('error', () => undefined);
      ws.once('open', () => {
        ws.terminate();
        reject(new Error('upgrade was accepted'));
      });
      ws.once('unexpected-response', (req, res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
        req.destroy();
      });
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Wait until at least `count` frames have arrived; returns them parsed as JSON. */
  async json(count: number, timeoutMs = 5000): Promise<unknown[]> {
    await this.until(() => this.frames.length >= count, timeoutMs, `${count} frames`);
    return this.frames.slice(0, count).map((f) => JSON.parse(f) as unknown);
  }

  /** Wait until `predicate` holds (re-checked on every frame, ping or close). */
  async until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (frames: ${this.frames.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Send a request and wait for the next frame (its answer). */
  async request(value: unknown): Promise<unknown> {
    const before = this.frames.length;
    this.send(value);
    await this.until(() => this.frames.length > before, 5000, 'an answer');
    return JSON.parse(this.frames[before] as string) as unknown;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
