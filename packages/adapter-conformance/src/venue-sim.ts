import type { InstrumentInfo } from '@tickgate/core';
import type { Faults, Market, SimTrade } from '@tickgate/exchange-sim/kit';
import { canonicalDecimal } from '@tickgate/schema';
import type { ConformanceSim } from './types.js';

/** What every `@tickgate/exchange-sim` venue handle has (`startBinanceSim()`, `startOkxSim()`, …). */
export interface VenueSimHandle {
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly market: Market;
  readonly faults: Faults;
  close(): Promise<void>;
}

export interface FromVenueSimOptions {
  /** The instrument the simulator trades; its `symbol` is the simulator's symbol. */
  readonly instrument: InstrumentInfo;
  /** Path of the venue's stream on the simulator, appended to its `wsUrl` (`/v2` for Kraken). Default none. */
  readonly wsPath?: string;
  /** The venue trade id the simulator renders for a market trade (default: the market id as text). */
  readonly tradeId?: (trade: SimTrade) => string;
}

/**
 * The kit's view of a running exchange simulator. The simulator's market makes the trades (manual mode);
 * the kit reads them back in normalized terms to compare with what the feed received.
 */
export function fromVenueSim(sim: VenueSimHandle, options: FromVenueSimOptions): ConformanceSim {
  const symbol = options.instrument.symbol;
  const idOf = options.tradeId ?? ((t: SimTrade) => String(t.id));
  return {
    wsUrl: `${sim.wsUrl}${options.wsPath ?? ''}`,
    restUrl: sim.restUrl,
    instrument: options.instrument,
    generate: (n) => {
      sim.market.generate(symbol, n);
    },
    drop: () => {
      sim.faults.dropConnections();
    },
    trades: () =>
      sim.market.trades(symbol).map((t) => ({
        id: idOf(t),
        price: canonicalDecimal(t.price),
        quantity: canonicalDecimal(t.qty),
        side: t.buyerIsMaker ? 'sell' : 'buy',
      })),
    close: () => sim.close(),
  };
}
