import { afterEach } from 'vitest';
import { TestClient } from './ws-client.js';

/** What a test file needs of a started simulator: a way to stop it. */
interface Closable {
  close(): Promise<void>;
}

/** The simulator a test started and the clients it opened; `simSession` closes them after each test. */
export interface SimSession<S extends Closable> {
  /** The simulator of the running test (throws when the test started none). */
  readonly sim: S;
  /** Keep `sim` to be closed after the test (in place of any kept before); returns it. */
  keep<T extends S>(sim: T): T;
  /** Keep clients to be closed after the test. */
  keepClients(...clients: TestClient[]): void;
  /** Open a client at `url` and keep it. */
  open(url: string, options?: { autoPong?: boolean }): Promise<TestClient>;
}

/**
 * One simulator and its clients per test: registers an `afterEach` (in the enclosing `describe`, or the
 * file) that closes the clients, then the simulator.
 */
export function simSession<S extends Closable>(): SimSession<S> {
  let sim: S | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim?.close();
    sim = undefined;
  });
  return {
    get sim(): S {
      if (sim === undefined) throw new Error('no simulator started in this test');
      return sim;
    },
    keep: (started) => {
      sim = started;
      return started;
    },
    keepClients: (...opened) => {
      clients.push(...opened);
    },
    open: async (url, options = {}) => {
      const client = await TestClient.open(url, options);
      clients.push(client);
      return client;
    },
  };
}
