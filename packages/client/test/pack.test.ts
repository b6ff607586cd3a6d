import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { encodeToString, serializeTrade } from '@tickgate/schema';
import { NatsServer } from '@tickgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status, trade } from './helpers.js';

// Builds @tickgate/schema and @tickgate/client, packs them with `npm pack`, installs the two tarballs
// into a fresh npm project outside the workspace and runs the README's consumer there against a real
// nats-server. Third-party dependencies come from the npm cache when it has them (`--prefer-offline`).

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const temps: string[] = [];
let server: NatsServer | undefined;
let consumer: ChildProcess | undefined;

/** The environment without npm's per-run variables, so the nested npm acts on the folder it runs in. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') || key.toLowerCase() === 'npm_config_cache') env[key] = value;
  }
  return env;
}

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('npm', args, { cwd, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
}

async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  return stdout.split('\n').filter((line) => line !== '');
}

/** The README's consumer, reading until it has seen two trades so that a run ends by itself. */
const EXAMPLE = `import { TickgateClient } from '@tickgate/client';

const client = await TickgateClient.connect({ servers: process.env.NATS_URL, name: 'pnl-service' });
process.once('SIGTERM', () => void client.close()); // drains; the loop below then ends

const trades = client.trades({ venue: 'binance', instrument: 'BTC-USDT', includeStatus: true });
await client.connection.flush(); // the subscription is registered: tell the test to publish
console.log('subscribed');
let seen = 0;
for await (const ev of trades) {
  if (ev.type === 'status') console.log(\`feed \${ev.state}\`, ev.fromId ?? '', ev.toId ?? '', ev.reason ?? '');
  else console.log(ev.side, ev.price, 'x', ev.quantity, '=', ev.notional().toString(), \`(\${typeof ev.latencyUs()} µs)\`);
  if (ev.type === 'trade' && ++seen === 2) break;
}
await client.close();
console.log('stopped', JSON.stringify(client.stats));
`;

afterAll(async () => {
  if (consumer !== undefined && consumer.exitCode === null) consumer.kill('SIGKILL');
  await server?.stop();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the packed @tickgate/schema and @tickgate/client', () => {
  const tarballs: Record<'schema' | 'client', string> = { schema: '', client: '' };

  beforeAll(async () => {
    await run('npx', ['tsc', '--build', 'packages/schema/tsconfig.lib.json', 'packages/client/tsconfig.lib.json'], { cwd: root, env: npmEnv() });
    const out = temp('tickgate-pack-');
    // Built above; --ignore-scripts skips the prepack build.
    const { stdout } = await npm(['pack', '-w', '@tickgate/schema', '-w', '@tickgate/client', '--pack-destination', out, '--ignore-scripts', '--json'], root);
    const packed = JSON.parse(stdout) as { name: string; filename: string }[];
    for (const p of packed) {
      if (p.name === '@tickgate/schema') tarballs.schema = join(out, p.filename);
      if (p.name === '@tickgate/client') tarballs.client = join(out, p.filename);
    }
  }, 120_000);

  it.each(['schema', 'client'] as const)('%s holds built JavaScript, declarations and a README, and no sources or tests', async (name) => {
    const files = await tarballFiles(tarballs[name]);
    expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/dist/index.js', 'package/dist/index.d.ts']));
    const unwanted = (f: string) => /^package\/(src|test)\/|\.test\.|\.spec\.|tsbuildinfo/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(files.filter(unwanted)).toEqual([]);
    // Every module has its declarations.
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(3);
    for (const f of js) expect(files).toContain(f.replace(/\.js$/, '.d.ts'));
  });

  it('installs into a fresh project without engine warnings and runs the README consumer against NATS', async () => {
    const app = temp('tickgate-consumer-');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'tickgate-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
    const install = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarballs.schema, tarballs.client], app);
    expect(install.stderr).not.toMatch(/EBADENGINE/);

    writeFileSync(join(app, 'consumer.mjs'), EXAMPLE);
    server = await NatsServer.start({ jetstream: false });
    const child = spawn(process.execPath, ['consumer.mjs'], { cwd: app, env: { ...npmEnv(), NATS_URL: server.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    consumer = child;
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('subscribed\n')) resolve();
      });
      void exited.then((code) => reject(new Error(`consumer exited (${String(code)}) before subscribing: ${stderr}`)));
    });

    const nc = await connect({ servers: server.url });
    const subject = 'md.trade.binance.BTC-USDT';
    nc.publish(subject, serializeTrade(trade('binance', 'BTC-USDT', 2, { price: '97123.45', quantity: '0.001' })));
    nc.publish(subject, serializeTrade(trade('binance', 'BTC-USDT', 2, { price: '97123.45', quantity: '0.001' }))); // a resend
    nc.publish('md.status.binance.BTC-USDT', encodeToString(status('binance', 'gap', 'BTC-USDT', { fromId: '3', toId: '3', count: 1 })));
    nc.publish(subject, serializeTrade(trade('binance', 'BTC-USDT', 4, { price: '0.1', quantity: '0.2' })));
    await nc.flush();
    await nc.close();

    expect(await exited, stderr).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'subscribed',
      'buy 97123.45 x 0.001 = 97.12345 (number µs)',
      'feed gap 3 3 ',
      'buy 0.1 x 0.2 = 0.02 (number µs)',
      'stopped {"received":4,"delivered":3,"malformed":0,"dropped":0,"repeats":1}',
      '',
    ]);
  }, 120_000);
});
