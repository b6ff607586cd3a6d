import type { DeliveryMode } from '../core/frame-sequencer.js';
import { Rng } from '../core/rng.js';
import { VenueConnection, type VenueConnectionContext } from '../core/kit/connection.js';
import type { TradeGroup } from '../core/kit/fan-out.js';
import { malformJson, parseObject } from '../core/kit/render.js';
import { eventMessage, tradesPush } from './messages.js';

export interface OkxWsLimits {
  /** The server closes a connection that sent nothing for this long. Venue: 30 s. */
  readonly idleTimeoutMs: number;
}

/** Close code and reason for an idle connection (the simulator's choice). */
export const OKX_IDLE_CLOSE = { code: 4004, reason: 'No data received in 30s.' } as const;

/** One client of the OKX v5 public WebSocket: `trades` subscriptions, text ping/pong, idle close. */
export class OkxConnection extends VenueConnection {
  private readonly instIds: string[] = [];
  readonly connId: string;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    ctx: VenueConnectionContext,
    private readonly limits: OkxWsLimits,
    seed: number | string,
  ) {
    super(ctx);
    this.connId = Math.floor(new Rng(`okx-conn:${String(seed)}:${ctx.id}`).next() * 0x100000000).toString(16).padStart(8, '0');
    this.armIdle();
  }

  subscriptions(): string[] {
    return this.instIds.map((i) => `trades:${i}`);
  }

  deliver(group: TradeGroup, mode: DeliveryMode): void {
    if (!this.instIds.includes(group.symbol)) return;
    this.sendWithMode(tradesPush(group.trades), mode, (frame, kind) => malformJson(frame, kind, { ids: ['tradeId', 'count'], decimals: ['px', 'sz'] }));
  }

  override notifyShutdown(): void {
    this.send(eventMessage({ event: 'notice', code: '64008', msg: 'The connection will soon be closed for a service upgrade. Please reconnect.', connId: this.connId }));
  }

  private armIdle(): void {
    this.cancel(this.idleTimer);
    this.idleTimer = this.after(this.limits.idleTimeoutMs, () => this.close(OKX_IDLE_CLOSE.code, OKX_IDLE_CLOSE.reason));
  }

  protected onText(text: string): void {
    this.armIdle();
    if (text === 'ping') {
      this.send('pong');
      return;
    }
    const connId = this.connId;
    const msg = parseObject(text);
    const fail = (code: string, message: string, id?: string) => this.send(eventMessage({ ...(id !== undefined ? { id } : {}), event: 'error', code, msg: message, connId }));
    if (!msg) {
      fail('60012', `Invalid request: ${text}`);
      return;
    }
    const rawId = msg['id'];
    if (rawId !== undefined && (typeof rawId !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(rawId))) {
      fail('60012', `Invalid request: ${text}`);
      return;
    }
    const id = rawId as string | undefined;
    const op = msg['op'];
    const args = msg['args'];
    if ((op !== 'subscribe' && op !== 'unsubscribe') || !Array.isArray(args) || args.length === 0) {
      fail('60012', `Invalid request: ${text}`, id);
      return;
    }
    for (const arg of args) {
      const a = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
      const channel = a['channel'];
      const instId = a['instId'];
      if (typeof channel !== 'string' || typeof instId !== 'string') {
        fail('60012', `Invalid request: ${text}`, id);
        continue;
      }
      if (channel !== 'trades' || !this.market.has(instId)) {
        fail('60018', `Wrong URL or channel:${channel},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`, id);
        continue;
      }
      const at = this.instIds.indexOf(instId);
      if (op === 'subscribe' && at < 0) this.instIds.push(instId);
      if (op === 'unsubscribe' && at >= 0) this.instIds.splice(at, 1);
      this.send(eventMessage({ ...(id !== undefined ? { id } : {}), event: op, arg: { channel, instId }, connId }));
    }
  }
}
