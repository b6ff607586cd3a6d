import { describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { bboSubjects, statusSubjects, subjectMatches, tradeSubjects } from './selection.js';

describe('subject selection', () => {
  it('maps selections to trade filters', () => {
    expect(tradeSubjects({})).toEqual(['md.trade.>']);
    expect(tradeSubjects({ venue: '*', instrument: '*' })).toEqual(['md.trade.>']);
    expect(tradeSubjects({ venue: 'binance' })).toEqual(['md.trade.binance.*']);
    expect(tradeSubjects({ instrument: 'BTC-USDT' })).toEqual(['md.trade.*.BTC-USDT']);
    expect(tradeSubjects({ venue: 'binance', instrument: 'BTC-USDT' })).toEqual(['md.trade.binance.BTC-USDT']);
  });

  it('maps selections to status filters, connection-wide events included', () => {
    expect(statusSubjects({})).toEqual(['md.status.>']);
    expect(statusSubjects({ venue: 'binance' })).toEqual(['md.status.binance', 'md.status.binance.>']);
    expect(statusSubjects({ instrument: 'BTC-USDT' })).toEqual(['md.status.*', 'md.status.*.BTC-USDT']);
    expect(statusSubjects({ venue: 'binance', instrument: 'BTC-USDT' })).toEqual(['md.status.binance', 'md.status.binance.BTC-USDT']);
  });

  it('maps selections to bbo filters', () => {
    expect(bboSubjects({})).toEqual(['md.bbo.>']);
    expect(bboSubjects({ venue: 'binance' })).toEqual(['md.bbo.binance.*']);
    expect(bboSubjects({ instrument: 'BTC-USDT' })).toEqual(['md.bbo.*.BTC-USDT']);
    expect(bboSubjects({ venue: 'binance', instrument: 'BTC-USDT' })).toEqual(['md.bbo.binance.BTC-USDT']);
    expect(() => bboSubjects({ instrument: 'btc' })).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
  });

  it.each([{ venue: 'Binance' }, { venue: 'bin.ance' }, { venue: '>' }, { instrument: 'btc-usdt' }, { instrument: 'BTCUSDT' }, { instrument: 'BTC-USDT.>' }])(
    'rejects %j as a bad option',
    (selection) => {
      expect(() => tradeSubjects(selection)).toThrow(ClientError);
      expect(() => tradeSubjects(selection)).toThrow(expect.objectContaining({ code: 'TICKGATE_CLIENT_BAD_OPTION' }));
    },
  );

  it('matches subjects like the server does', () => {
    expect(subjectMatches('md.trade.>', 'md.trade.binance.BTC-USDT')).toBe(true);
    expect(subjectMatches('md.trade.>', 'md.trade')).toBe(false);
    expect(subjectMatches('md.status.binance', 'md.status.binance')).toBe(true);
    expect(subjectMatches('md.status.binance', 'md.status.binance.BTC-USDT')).toBe(false);
    expect(subjectMatches('md.status.*', 'md.status.okx')).toBe(true);
    expect(subjectMatches('md.status.*.BTC-USDT', 'md.status.okx.BTC-USDT')).toBe(true);
    expect(subjectMatches('md.status.*.BTC-USDT', 'md.status.okx.ETH-USDT')).toBe(false);
    expect(subjectMatches('md.trade.*.BTC-USDT', 'md.trade.okx')).toBe(false);
  });
});
