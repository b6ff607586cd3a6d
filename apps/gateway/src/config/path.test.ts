import { describe, expect, it } from 'vitest';
import { configPath } from './path.js';

describe('configPath', () => {
  it('joins keys and indexes with dots', () => {
    expect(configPath('feeds', 0, 'instruments')).toBe('feeds.0.instruments');
    expect(configPath(configPath('feeds', 2), 'instruments', 1)).toBe('feeds.2.instruments.1');
    expect(configPath('http', 'port')).toBe('http.port');
  });

  it('leaves out undefined parts', () => {
    expect(configPath('nats', undefined, 'servers')).toBe('nats.servers');
    expect(configPath()).toBe('');
  });
});
