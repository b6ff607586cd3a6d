import { startBinanceSim } from './binance/binance-sim.js';
import { USAGE, parseCli } from './cli.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`exchange-sim: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { options } = parsed;
  const sim = await startBinanceSim(options);
  const symbols = sim.market.symbols().map((s) => s.symbol).join(',');
  process.stdout.write(
    `binance-sim listening: ws ${sim.wsUrl}/ws/${(sim.market.symbols()[0]?.symbol ?? 'btcusdt').toLowerCase()}@trade ` +
      `rest ${sim.restUrl}/api/v3/trades?symbol=${sim.market.symbols()[0]?.symbol ?? ''} ` +
      `control ${sim.restUrl}/__sim/state (symbols ${symbols}, rate ${sim.market.rate}/s, seed ${String(options.seed ?? 1)})\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`binance-sim: ${signal}, closing\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`exchange-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
