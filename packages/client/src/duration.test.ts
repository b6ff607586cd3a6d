import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { ClientError } from './errors.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1m30s500ms', 90_500],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'm', '10 m', '-5m', '1.5h', '10x', '0s', '10M', ' 10m', '1e3s'])('rejects %j with a stable code', (text) => {
    let error: unknown;
    try {
      parseDuration(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('TICKGATE_CLIENT_BAD_OPTION');
    expect((error as ClientError).retryable).toBe(false);
  });
});
