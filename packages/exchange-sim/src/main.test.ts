import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('the command', () => {
  it('logs its URLs, serves trades, and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, ['--conditions=@tickgate/source', '--import', 'tsx', MAIN, '--port', '0', '--rate', '100'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = child;
    let out = '';
    const restUrl = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = / rest (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (match) resolve(match[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).toMatch(/^binance-sim listening: ws ws:\/\/127\.0\.0\.1:\d+\/ws\/btcusdt@trade /);
    let trades: unknown[] = [];
    for (let i = 0; i < 100 && trades.length === 0; i++) {
      trades = (await (await fetch(`${restUrl}/api/v3/trades?symbol=BTCUSDT`)).json()) as unknown[];
      if (trades.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(trades.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad flag with exit code 2 and the usage', async () => {
    child = spawn(process.execPath, ['--conditions=@tickgate/source', '--import', 'tsx', MAIN, '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = child;
    let err = '';
    proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('--port must be');
    expect(err).toContain('Usage:');
  });

  it('says in one line that a busy port is busy, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      // With a chaos timer too: the failed start must leave nothing running that keeps the process alive.
      child = spawn(process.execPath, ['--conditions=@tickgate/source', '--import', 'tsx', MAIN, '--port', String(port), '--drop-every-ms', '50'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const proc = child;
      let out = '';
      let err = '';
      proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
      expect(err).toBe(`tickgate-sim: port ${port} is already in use (set --port)\n`);
      expect(out).toBe('');
      expect(code).toBe(1);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
