import { describe, expect, it } from 'vitest';
import { scanDepthFrame, scannedDepthFrame } from './fast-depth.js';

const DOC_DIFF = '{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}';

describe('scanDepthFrame', () => {
  it('reads the documented diff event, raw or combined, with canonical levels', () => {
    for (const raw of [DOC_DIFF, `{"stream":"bnbbtc@depth@100ms","data":${DOC_DIFF}}`, `{"stream":"bnbbtc@depth","data":${DOC_DIFF}}`]) {
      const out = scannedDepthFrame();
      expect(scanDepthFrame(raw, out)).toBe(true);
      expect(out).toEqual({ symbol: 'BNBBTC', firstUpdateId: '157', updateId: '160', time: 1672515782136, bids: [['0.0024', '10']], asks: [['0.0026', '100']] });
    }
  });

  it('reads padded decimals, removals and empty sides', () => {
    const out = scannedDepthFrame();
    const raw = '{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":0,"u":5,"b":[["97123.45000000","0.00000000"],["0097123.40000000","1.00000000"]],"a":[]}';
    expect(scanDepthFrame(raw, out)).toBe(true);
    expect(out.bids).toEqual([
      ['97123.45', '0'],
      ['97123.4', '1'],
    ]);
    expect(out.asks).toEqual([]);
  });

  it('declines any other spelling', () => {
    const out = scannedDepthFrame();
    const declined = [
      DOC_DIFF.replace(',"s"', ', "s"'),
      DOC_DIFF.replace('"E":1672515782136,"s":"BNBBTC"', '"s":"BNBBTC","E":1672515782136'),
      DOC_DIFF.replace('"0.0024"', '"0.002\\u0034"'),
      DOC_DIFF.replace('["0.0024","10"]', '["0.0024","10",1]'),
      DOC_DIFF.replace('"0.0026"', '"0"'),
      DOC_DIFF.replace('"10"', '"-1"'),
      DOC_DIFF.replace('"U":157', '"U":157.0'),
      DOC_DIFF.replace('"u":160', '"u":9007199254740993'),
      `${DOC_DIFF} `,
      `{"stream":"ethusdt@depth@100ms","data":${DOC_DIFF}}`,
      `{"stream":"bnbbtc@depth@500ms","data":${DOC_DIFF}}`,
    ];
    for (const raw of declined) expect(scanDepthFrame(raw, out), raw).toBe(false);
  });
});
