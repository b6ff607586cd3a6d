import type { Logger, Rejection } from '@tickgate/core';
import { describe, expect, it } from 'vitest';
import { RejectionLog } from './rejection-log.js';

function recorder() {
  const lines: Array<{ fields: Record<string, unknown>; msg: string }> = [];
  const logger = { warn: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }) } as unknown as Logger;
  return { lines, logger };
}

const rejection = (reason: Rejection['reason'], tradeId: string): Rejection => ({ reason, message: 'p: price is not a string', raw: '{"t":1}', instrument: 'BTC-USDT', tradeId });

describe('RejectionLog', () => {
  it('logs the first few of a window one by one, then one line with what it did not log once the window is over', () => {
    const { lines, logger } = recorder();
    const log = new RejectionLog(logger, 3, 1_000);
    for (let i = 0; i < 50; i++) log.rejected(rejection(i % 2 ? 'invalid-field' : 'unknown-message', String(i)), 100 + i);
    const oneByOne = lines.filter((l) => l.msg.startsWith('frame rejected: '));
    expect(oneByOne.map((l) => l.fields['tradeId'])).toEqual(['0', '1', '2']);
    expect(lines).toHaveLength(4); // and a line saying it stops logging one by one
    log.flush(500);
    expect(lines).toHaveLength(4);
    log.flush(1_100);
    expect(lines.at(-1)).toEqual({ msg: 'frames rejected and not logged one by one', fields: { notLogged: 47, byReason: { 'invalid-field': 24, 'unknown-message': 23 }, windowMs: 1_000 } });
    log.flush(5_000);
    expect(lines).toHaveLength(5);
    // a new window logs again
    log.rejected(rejection('invalid-field', '99'), 6_000);
    expect(lines.at(-1)!.fields['tradeId']).toBe('99');
  });
});
