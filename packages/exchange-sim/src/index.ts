// Everything (`@tickgate/exchange-sim`): the venue-neutral kit and the five venues. A consumer of one venue
// imports its entry instead (`@tickgate/exchange-sim/binance`, `/coinbase`, `/kraken`, `/okx`, `/bybit`;
// the kit alone is `@tickgate/exchange-sim/kit`).
export * from './core/index.js';
export * from './binance/index.js';
export * from './coinbase/index.js';
export * from './kraken/index.js';
export * from './okx/index.js';
export * from './bybit/index.js';
