import type { DeliveryMode } from '../core/frame-sequencer.js';
import { Rng } from '../core/rng.js';
import { VenueConnection, type VenueConnectionContext } from '../core/kit/connection.js';
import type { TradeGroup } from '../core/kit/fan-out.js';
import { decimalsOf, malformJson, parseObject } from '../core/kit/render.js';
import { opAnswer, publicTradePush, tickDirection, tradeEntry } from './messages.js';

export interface BybitWsLimits {
  /** The server closes a connection that sent nothing (no ping) for this long. Venue: about 10 minutes. */
  readonly idleTimeoutMs: number;
}

const TOPIC = /^publicTrade\.([A-Z0-9]{2,30})$/;

/** One client of the Bybit v5 spot public WebSocket: `publicTrade` topics, op ping, idle close. */
export class BybitConnection extends VenueConnection {
  private readonly topics: string[] = [];
  readonly connId: string;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    ctx: VenueConnectionContext,
    private readonly limits: BybitWsLimits,
    seed: number | string,
  ) {
    super(ctx);
    const rng = new Rng(`bybit-conn:${String(seed)}:${ctx.id}`);
    const alphabet = 'abcdefghijklmnopqrstuv0123456789';
    let id = '';
    for (let i = 0; i < 20; i++) id += alphabet[Math.floor(rng.next() * alphabet.length)];
    this.connId = `${id}-${ctx.id.toString(36)}`;
    this.armIdle();
  }

  subscriptions(): string[] {
    return [...this.topics];
  }

  deliver(group: TradeGroup, mode: DeliveryMode): void {
    if (!this.topics.includes(`publicTrade.${group.symbol}`)) return;
    const spec = this.market.spec(group.symbol);
    const decimals = spec ? decimalsOf(spec.tickSize) : 2;
    const entries = group.trades.map((t) => tradeEntry(t, decimals, tickDirection(this.market, t)));
    this.sendWithMode(publicTradePush(group.symbol, Date.now(), entries), mode, (frame, kind) =>
      malformJson(frame, kind, { ids: ['T', 'seq'], decimals: ['p', 'v'] }),
    );
  }

  private armIdle(): void {
    this.cancel(this.idleTimer);
    this.idleTimer = this.after(this.limits.idleTimeoutMs, () => this.close(1000, 'idle timeout'));
  }

  protected onText(text: string): void {
    this.armIdle();
    const msg = parseObject(text);
    const rawReq = msg?.['req_id'];
    const reqId = typeof rawReq === 'string' ? rawReq : undefined;
    const op = msg?.['op'];
    if (!msg || typeof op !== 'string') {
      this.send(opAnswer(false, 'Invalid request', this.connId, typeof op === 'string' ? op : '', reqId));
      return;
    }
    if (op === 'ping') {
      this.send(opAnswer(true, 'pong', this.connId, 'ping'));
      return;
    }
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.send(opAnswer(false, `Invalid op: ${op}`, this.connId, op, reqId));
      return;
    }
    const args = msg['args'];
    if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string')) {
      this.send(opAnswer(false, 'args must be a non-empty list of topics', this.connId, op, reqId));
      return;
    }
    const bad = (args as string[]).filter((topic) => {
      const m = TOPIC.exec(topic);
      return !m || !this.market.has(m[1] as string);
    });
    if (bad.length > 0) {
      this.send(opAnswer(false, `Invalid symbol :[${bad.join(',')}]`, this.connId, op, reqId));
      return;
    }
    for (const topic of args as string[]) {
      const at = this.topics.indexOf(topic);
      if (op === 'subscribe' && at < 0) this.topics.push(topic);
      if (op === 'unsubscribe' && at >= 0) this.topics.splice(at, 1);
    }
    this.send(opAnswer(true, '', this.connId, op, reqId));
  }
}
