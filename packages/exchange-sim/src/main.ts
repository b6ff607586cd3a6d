import { startBinanceSim } from './binance/binance-sim.js';
import { startBybitSim } from './bybit/bybit-sim.js';
import { USAGE, listenFailure, parseCli, type Venue } from './cli.js';
import { startCoinbaseSim } from './coinbase/coinbase-sim.js';
import type { BinanceSimOptions } from './binance/binance-sim.js';
import { startKrakenSim } from './kraken/kraken-sim.js';
import { krakenPairNames } from './kraken/rest.js';
import { startOkxSim } from './okx/okx-sim.js';

interface Running {
  readonly line: string;
  close(): Promise<void>;
}

/** Start the chosen venue and describe where it listens. */
async function startVenue(venue: Venue, options: BinanceSimOptions): Promise<Running> {
  const { ws: _ws, rest: _rest, aggTradeIdStart: _agg, ...common } = options;
  const first = options.symbols?.[0];
  const symbol = typeof first === 'string' ? first : (first?.symbol ?? '');
  const tail = `(symbols ${(options.symbols ?? []).map((s) => (typeof s === 'string' ? s : s.symbol)).join(',')}, rate ${options.rate ?? 0}/s, seed ${String(options.seed ?? 1)})`;
  switch (venue) {
    case 'binance': {
      const sim = await startBinanceSim(options);
      const names = sim.market.symbols().map((s) => s.symbol);
      return {
        line:
          `binance-sim listening: ws ${sim.wsUrl}/ws/${(names[0] ?? 'btcusdt').toLowerCase()}@trade ` +
          `rest ${sim.restUrl}/api/v3/trades?symbol=${names[0] ?? ''} ` +
          `control ${sim.restUrl}/__sim/state (symbols ${names.join(',')}, rate ${sim.market.rate}/s, seed ${String(options.seed ?? 1)})`,
        close: () => sim.close(),
      };
    }
    case 'coinbase': {
      const sim = await startCoinbaseSim(common);
      return { line: `coinbase-sim listening: ws ${sim.wsUrl}/ rest ${sim.restUrl}/products/${symbol}/trades control ${sim.restUrl}/__sim/state ${tail}`, close: () => sim.close() };
    }
    case 'kraken': {
      const sim = await startKrakenSim(common);
      const spec = sim.market.symbols()[0];
      const pair = spec ? krakenPairNames(spec).altname : '';
      return { line: `kraken-sim listening: ws ${sim.wsUrl}/v2 rest ${sim.restUrl}/0/public/Trades?pair=${pair} control ${sim.restUrl}/__sim/state ${tail}`, close: () => sim.close() };
    }
    case 'okx': {
      const sim = await startOkxSim(common);
      return { line: `okx-sim listening: ws ${sim.wsUrl}/ws/v5/public rest ${sim.restUrl}/api/v5/market/trades?instId=${symbol} control ${sim.restUrl}/__sim/state ${tail}`, close: () => sim.close() };
    }
    case 'bybit': {
      const sim = await startBybitSim(common);
      return { line: `bybit-sim listening: ws ${sim.wsUrl}/v5/public/spot rest ${sim.restUrl}/v5/market/recent-trade?category=spot&symbol=${symbol} control ${sim.restUrl}/__sim/state ${tail}`, close: () => sim.close() };
    }
  }
}

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
  const venue: Venue = parsed.venue ?? 'binance';
  let running: Running;
  try {
    running = await startVenue(venue, parsed.options);
  } catch (error) {
    const reason = listenFailure(error);
    if (reason === undefined) throw error;
    // A port or address the user can change: one line that says which flag, no stack trace.
    process.stderr.write(`tickgate-sim: ${reason}\n`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${venue}-sim: ${signal}, closing\n`);
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first, then the line that tells callers the simulator is up: a caller may signal as soon
  // as it reads that line.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.stdout.write(`${running.line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`exchange-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
