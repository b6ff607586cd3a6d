import { nowUs } from '../core/clock.js';
import type { DeliveryMode } from '../core/frame-sequencer.js';
import { VenueConnection, type VenueConnectionContext } from '../core/kit/connection.js';
import type { TradeGroup } from '../core/kit/fan-out.js';
import { malformJson, parseObject, rfc3339Micros } from '../core/kit/render.js';
import { HEARTBEAT, methodAnswer, statusMessage, tradeMessage } from './messages.js';

export interface KrakenWsLimits {
  /** `{"channel":"heartbeat"}` when nothing else was sent for this long (while subscribed). Venue: about 1 s. */
  readonly heartbeatIntervalMs: number;
  /** Trades in the snapshot sent on subscribe. Venue: 50. */
  readonly snapshotSize: number;
}

/** One client of the Kraken v2 WebSocket: `trade` subscriptions, heartbeats, app-level ping. */
export class KrakenConnection extends VenueConnection {
  private readonly symbols: string[] = [];
  private lastSentAt = Date.now();
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    ctx: VenueConnectionContext,
    private readonly limits: KrakenWsLimits,
  ) {
    super(ctx);
    this.send(statusMessage('online', ctx.id));
  }

  subscriptions(): string[] {
    return this.symbols.map((s) => `trade:${s}`);
  }

  deliver(group: TradeGroup, mode: DeliveryMode): void {
    if (!this.symbols.includes(group.symbol)) return;
    this.sendWithMode(tradeMessage('update', group.trades), mode, (frame, kind) => malformJson(frame, kind, { ids: ['trade_id'], decimals: ['price', 'qty'] }));
  }

  override notifyShutdown(): void {
    this.send(statusMessage('maintenance', this.id));
  }

  protected override send(frame: string): void {
    this.lastSentAt = Date.now();
    super.send(frame);
  }

  protected onText(text: string): void {
    const timeIn = rfc3339Micros(nowUs());
    const answer = (fields: Omit<Parameters<typeof methodAnswer>[0], 'time_in' | 'time_out'>) =>
      this.send(methodAnswer({ ...fields, time_in: timeIn, time_out: rfc3339Micros(nowUs()) }));
    const msg = parseObject(text);
    if (!msg) {
      answer({ error: 'Malformed request', success: false });
      return;
    }
    const method = msg['method'];
    const reqId = msg['req_id'];
    if (reqId !== undefined && (typeof reqId !== 'number' || !Number.isInteger(reqId))) {
      answer({ error: 'req_id must be an integer', ...(typeof method === 'string' ? { method } : {}), success: false });
      return;
    }
    const req = reqId !== undefined ? { req_id: reqId } : {};
    if (method === 'ping') {
      answer({ method: 'pong', ...req });
      return;
    }
    if (method !== 'subscribe' && method !== 'unsubscribe') {
      answer({ error: `Method not supported: ${typeof method === 'string' ? method : JSON.stringify(method ?? null)}`, ...(typeof method === 'string' ? { method } : {}), ...req, success: false });
      return;
    }
    const params = msg['params'];
    const p = typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
    if (!p) {
      answer({ error: 'Missing params', method, ...req, success: false });
      return;
    }
    if (p['channel'] !== 'trade') {
      answer({ error: `Channel not supported: ${String(p['channel'])}`, method, ...req, success: false });
      return;
    }
    const list = p['symbol'];
    if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string')) {
      answer({ error: 'symbol must be a non-empty list of symbols', method, ...req, success: false });
      return;
    }
    const snapshotParam = p['snapshot'];
    if (snapshotParam !== undefined && typeof snapshotParam !== 'boolean') {
      answer({ error: 'snapshot must be a boolean', method, ...req, success: false });
      return;
    }
    const snapshot = snapshotParam ?? true;
    for (const symbol of list as string[]) {
      if (!this.market.has(symbol)) {
        answer({ error: `Currency pair not supported ${symbol}`, method, ...req, success: false, symbol });
        continue;
      }
      if (method === 'subscribe') {
        if (this.symbols.includes(symbol)) {
          answer({ error: 'Already subscribed', method, ...req, success: false, symbol });
          continue;
        }
        this.symbols.push(symbol);
        answer({ method, ...req, result: { channel: 'trade', symbol, snapshot }, success: true });
        if (snapshot) this.send(tradeMessage('snapshot', this.market.latest(symbol, this.limits.snapshotSize)));
      } else {
        const at = this.symbols.indexOf(symbol);
        if (at < 0) {
          answer({ error: 'Subscription Not Found', method, ...req, success: false, symbol });
          continue;
        }
        this.symbols.splice(at, 1);
        answer({ method, ...req, result: { channel: 'trade', symbol }, success: true });
      }
    }
    if (this.symbols.length > 0 && !this.heartbeatTimer) {
      this.heartbeatTimer = this.every(Math.max(5, Math.floor(this.limits.heartbeatIntervalMs / 4)), () => {
        if (this.symbols.length > 0 && Date.now() - this.lastSentAt >= this.limits.heartbeatIntervalMs) this.send(HEARTBEAT);
      });
    }
  }
}
