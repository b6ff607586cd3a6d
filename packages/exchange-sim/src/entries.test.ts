import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package's entry points: the whole, the kit, and one per venue (`@tickgate/exchange-sim/binance`, …).
const root = fileURLToPath(new URL('..', import.meta.url));
const { exports } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, Record<string, string> | string> };

/** The module a subpath serves in the workspace (its `@tickgate/source` file). */
async function load(subpath: string): Promise<Record<string, unknown>> {
  const entry = exports[subpath] as Record<string, string>;
  return (await import(`${root}${entry['@tickgate/source']!}`)) as Record<string, unknown>;
}

const VENUES: Record<string, string> = {
  binance: 'startBinanceSim',
  coinbase: 'startCoinbaseSim',
  kraken: 'startKrakenSim',
  okx: 'startOkxSim',
  bybit: 'startBybitSim',
};

describe('package entry points', () => {
  it('name a source for the workspace and the built file of that source for everyone else', () => {
    expect(Object.keys(exports).sort()).toEqual(['.', './binance', './bybit', './coinbase', './kit', './kraken', './okx', './package.json']);
    for (const [subpath, entry] of Object.entries(exports)) {
      if (typeof entry === 'string') continue;
      const source = entry['@tickgate/source']!;
      expect(existsSync(`${root}${source}`), subpath).toBe(true);
      const built = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
      expect(entry, subpath).toEqual({ '@tickgate/source': source, types: `${built}.d.ts`, import: `${built}.js`, default: `${built}.js` });
    }
  });

  it.each(Object.entries(VENUES))('serve %s on its own subpath, and in the whole', async (venue, start) => {
    const own = await load(`./${venue}`);
    const whole = await load('.');
    expect(typeof own[start]).toBe('function');
    expect(whole[start]).toBe(own[start]);
    // A venue's entry carries that venue only.
    for (const other of Object.values(VENUES).filter((s) => s !== start)) expect(own[other], other).toBeUndefined();
  });

  it('serve the kit alone on ./kit, and in the whole', async () => {
    const kit = await load('./kit');
    const whole = await load('.');
    for (const name of ['startVenueSim', 'VenueConnection', 'SimConnection', 'Market', 'Faults', 'createBatchDriver', 'requestCountLimit', 'deliverToEach', 'SimOrderBook']) {
      expect(typeof kit[name], name).toBe('function');
      expect(whole[name]).toBe(kit[name]);
    }
    for (const start of Object.values(VENUES)) expect(kit[start]).toBeUndefined();
  });
});
