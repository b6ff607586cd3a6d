import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { startBinanceSim, type BinanceSim, type BinanceSimOptions, type SimTrade } from '@tickgate/exchange-sim/binance';
import { decode, type Status, type Trade } from '@tickgate/schema';
import { freePort, NatsServer, waitFor } from '@tickgate/testing';
import { expect } from 'vitest';
import { expectedTrade, readStream, spawnGateway, startSwitchableProxy, type GatewayProcess, type SwitchableProxy } from './harness.js';

export const SYMBOL = 'BTCUSDT';
export const INSTRUMENT = 'BTC-USDT';
export const TRADE_SUBJECT = 'md.trade.binance.BTC-USDT';
export const STATUS_SUBJECT = 'md.status.binance.BTC-USDT';

/** What a plain core-NATS subscriber on `md.>` received, in arrival order. */
export class CoreRecorder {
  readonly events: Array<Trade | Status> = [];
  private constructor(private readonly sub: Subscription) {}

  static async start(nc: NatsConnection, subject = 'md.>'): Promise<CoreRecorder> {
    const sub = nc.subscribe(subject);
    const recorder = new CoreRecorder(sub);
    void (async () => {
      for await (const m of sub) {
        // books and bbo have their own recorders
        if (m.subject.startsWith('md.book.') || m.subject.startsWith('md.bbo.')) continue;
        recorder.events.push(decode(m.data));
      }
    })();
    await nc.flush();
    return recorder;
  }

  trades(instrument = INSTRUMENT): Trade[] {
    return this.events.filter((e): e is Trade => e.type === 'trade' && e.instrument === instrument);
  }

  statuses(): Status[] {
    return this.events.filter((e): e is Status => e.type === 'status');
  }

  stop(): void {
    this.sub.unsubscribe();
  }
}

export interface LossRigOptions {
  readonly sim?: BinanceSimOptions;
  /** Extra keys of the feed config (`connection`, `reconcile`, …). */
  readonly feed?: Record<string, unknown>;
  /** Extra `nats` keys. */
  readonly nats?: Record<string, unknown>;
  /** Extra `http` keys (`unreadyAfterMs`; the port is the harness's). */
  readonly http?: Record<string, unknown>;
  readonly env?: NodeJS.ProcessEnv;
  /** Put a switchable TCP proxy between the gateway and the simulator's WebSocket. */
  readonly wsProxy?: boolean;
}

/**
 * One Binance simulator on a fixed port, one nats-server with file-backed JetStream, a core subscriber
 * on `md.>`, and gateways started, stopped and restarted against them as operators do.
 */
export class LossRig {
  readonly made: SimTrade[] = [];
  gateway: GatewayProcess | undefined;
  private constructor(
    readonly nats: NatsServer,
    public sim: BinanceSim,
    readonly simPort: number,
    readonly nc: NatsConnection,
    readonly core: CoreRecorder,
    readonly proxy: SwitchableProxy | undefined,
    private readonly options: LossRigOptions,
  ) {
    this.follow(sim);
  }

  static async start(options: LossRigOptions = {}): Promise<LossRig> {
    const nats = await NatsServer.start();
    const simPort = await freePort();
    const sim = await startBinanceSim({ seed: 5, port: simPort, ...options.sim });
    const nc = await connect({ servers: nats.url, noAsyncTraces: true });
    const core = await CoreRecorder.start(nc);
    const proxy = options.wsProxy ? await startSwitchableProxy(sim.wsUrl) : undefined;
    return new LossRig(nats, sim, simPort, nc, core, proxy, options);
  }

  private follow(sim: BinanceSim): void {
    sim.market.onTrades((_symbol, trades) => this.made.push(...trades));
  }

  /**
   * Start a gateway on the rig's feeds and wait until its feed is live. `feed` adds to (and overrides)
   * the rig's feed keys for this start only (`reconcile` and `connection` merged key by key).
   */
  async startGateway(options: { waitLive?: boolean; feed?: Record<string, unknown> } = {}): Promise<GatewayProcess> {
    const { nats, http, env } = this.options;
    const own = options.feed ?? {};
    const feed = {
      ...this.options.feed,
      ...own,
      connection: { ...(this.options.feed?.['connection'] as object | undefined), ...(own['connection'] as object | undefined) },
      reconcile: { ...(this.options.feed?.['reconcile'] as object | undefined), ...(own['reconcile'] as object | undefined) },
    };
    this.gateway = await spawnGateway(
      {
        nats: { servers: [this.nats.url], stream: 'MD', ...nats },
        ...(http ? { http } : {}),
        feeds: [
          {
            venue: 'binance',
            instruments: [INSTRUMENT],
            wsUrl: this.proxy?.url ?? this.sim.wsUrl,
            restUrl: this.sim.restUrl,
            ...feed,
            connection: { backoffBaseMs: 20, backoffCapMs: 100, ...feed.connection },
            reconcile: { priceCheckIntervalMs: 0, ...feed.reconcile },
          },
        ],
      },
      env ? { env } : {},
    );
    if (options.waitLive ?? true) await this.gateway.waitForLog((l) => l['msg'] === 'feed live');
    return this.gateway;
  }

  /** Stop the simulator and start a new one on the same port (its ids start over unless told otherwise). */
  async restartSim(options: BinanceSimOptions = {}): Promise<void> {
    await this.sim.close();
    this.sim = await startBinanceSim({ seed: 5, port: this.simPort, ...options });
    this.follow(this.sim);
  }

  /** Every message the stream holds on `md.>` for the instrument, in stream order. */
  async stored(): Promise<Array<Trade | Status>> {
    const trades = await readStream(this.nc, 'MD', TRADE_SUBJECT);
    const statuses = await readStream(this.nc, 'MD', STATUS_SUBJECT);
    return [...trades, ...statuses].sort((a, b) => a.seq - b.seq).map((p) => p.event);
  }

  /** Wait until the stream holds a trade with `id` (or beyond). */
  async waitStored(id: number, timeoutMs = 40_000): Promise<void> {
    await waitFor(
      async () => {
        const last = await lastStoredId(this.nc);
        return last !== undefined && last >= id;
      },
      { timeoutMs, intervalMs: 100, message: `the stream to hold trade ${id}` },
    );
  }

  async close(): Promise<void> {
    await this.gateway?.stop('SIGKILL');
    this.core.stop();
    await this.proxy?.close();
    await this.nc.close().catch(() => undefined);
    await this.sim.close();
    await this.nats.stop();
  }
}

async function lastStoredId(nc: NatsConnection): Promise<number | undefined> {
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc);
  const m = await jsm.streams.getMessage('MD', { last_by_subj: TRADE_SUBJECT }).catch(() => null);
  return m ? Number((decode(m.data) as Trade).id) : undefined;
}

/**
 * `trades` are exactly the simulator's trades `fromId..toId`: each once, in id order, every field right.
 * Returns how many came from REST.
 */
export function expectExactRun(trades: readonly Trade[], made: readonly SimTrade[], fromId: number, toId: number, label: string, instrument = INSTRUMENT): { rest: number } {
  const ids = trades.map((t) => Number(t.id));
  const expected = made.filter((t) => t.id >= fromId && t.id <= toId);
  const seen = new Set<number>();
  const repeats = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  const missing = expected.filter((t) => !seen.has(t.id)).map((t) => t.id);
  const outOfOrder = ids.filter((id, i) => i > 0 && id <= ids[i - 1]!);
  expect({ label, missing: missing.slice(0, 10), missingCount: missing.length, repeats: repeats.slice(0, 10), repeatCount: repeats.length, outOfOrder: outOfOrder.slice(0, 10) }).toEqual({
    label,
    missing: [],
    missingCount: 0,
    repeats: [],
    repeatCount: 0,
    outOfOrder: [],
  });
  const inRange = trades.filter((t) => Number(t.id) >= fromId && Number(t.id) <= toId);
  let rest = 0;
  for (let i = 0; i < expected.length; i++) {
    const { receiveTime: _r, source, ...fields } = inRange[i]!;
    expect(fields).toEqual(expectedTrade(expected[i]!, instrument));
    if (source === 'rest') rest++;
  }
  return { rest };
}

/**
 * Status follows data: every `recovered` event comes after each trade of its range, in the order given
 * (stream order, or a subscriber's arrival order).
 */
export function expectStatusAfterData(events: ReadonlyArray<Trade | Status>): number {
  let checked = 0;
  const position = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.type === 'trade') position.set(e.id, i);
  });
  events.forEach((e, i) => {
    if (e.type !== 'status' || e.state !== 'recovered' || e.fromId === undefined || e.toId === undefined) return;
    for (let id = BigInt(e.fromId); id <= BigInt(e.toId); id++) {
      const at = position.get(id.toString());
      expect(at, `trade ${id} of recovered ${e.fromId}..${e.toId}`).toBeDefined();
      expect(at!, `trade ${id} before its recovered event`).toBeLessThan(i);
    }
    checked++;
  });
  return checked;
}
