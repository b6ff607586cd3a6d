import { nowUs } from '../core/clock.js';
import type { DeliveryMode } from '../core/frame-sequencer.js';
import { VenueConnection, type VenueConnectionContext } from '../core/kit/connection.js';
import type { TradeGroup } from '../core/kit/fan-out.js';
import { malformJson, parseObject } from '../core/kit/render.js';
import { errorMessage, heartbeatMessage, matchMessage, sequenceOf, subscriptionsMessage } from './messages.js';

/** Channels the simulator serves. */
export const COINBASE_CHANNELS = ['matches', 'heartbeat'] as const;
export type CoinbaseChannel = (typeof COINBASE_CHANNELS)[number];

export interface CoinbaseWsLimits {
  /** A subscribe must arrive this soon after connecting, else the server closes. Venue: 5 s. */
  readonly subscribeTimeoutMs: number;
  /** Period of `heartbeat` messages per subscribed product. Venue: about 1 s. */
  readonly heartbeatIntervalMs: number;
}

const isChannel = (name: unknown): name is CoinbaseChannel => typeof name === 'string' && (COINBASE_CHANNELS as readonly string[]).includes(name);

/** One client of the Coinbase feed: subscribe / unsubscribe, matches, heartbeats. */
export class CoinbaseConnection extends VenueConnection {
  private readonly subs = new Map<CoinbaseChannel, string[]>();
  private subscribeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    ctx: VenueConnectionContext,
    private readonly limits: CoinbaseWsLimits,
  ) {
    super(ctx);
    this.subscribeTimer = this.after(limits.subscribeTimeoutMs, () => {
      this.send(errorMessage('Failed to subscribe', `no subscribe message within ${limits.subscribeTimeoutMs} ms`));
      this.close(1000, 'subscribe timeout');
    });
  }

  subscriptions(): string[] {
    return [...this.subs].flatMap(([channel, products]) => products.map((p) => `${channel}:${p}`));
  }

  deliver(group: TradeGroup, mode: DeliveryMode): void {
    if (!this.subs.get('matches')?.includes(group.symbol)) return;
    for (const trade of group.trades) {
      this.sendWithMode(matchMessage(trade), mode, (frame, kind) => malformJson(frame, kind, { ids: ['trade_id', 'sequence'], decimals: ['size', 'price'] }));
    }
  }

  protected onText(text: string): void {
    const msg = parseObject(text);
    if (!msg) {
      this.send(errorMessage('Malformed JSON', 'the message is not a JSON object'));
      return;
    }
    if (msg['type'] !== 'subscribe' && msg['type'] !== 'unsubscribe') {
      this.send(errorMessage('Failed to subscribe', `${JSON.stringify(msg['type'] ?? null)} is not a valid message type; use subscribe or unsubscribe`));
      return;
    }
    const request = this.readRequest(msg);
    if (typeof request === 'string') {
      this.send(errorMessage(msg['type'] === 'subscribe' ? 'Failed to subscribe' : 'Failed to unsubscribe', request));
      return;
    }
    if (msg['type'] === 'subscribe') this.subscribe(request);
    else this.unsubscribe(request);
  }

  /** `[channel, products][]`, or an error reason. Channels may be names (with top-level `product_ids`) or objects. */
  private readRequest(msg: Record<string, unknown>): [CoinbaseChannel, string[]][] | string {
    const topProducts = msg['product_ids'];
    if (topProducts !== undefined && (!Array.isArray(topProducts) || topProducts.some((p) => typeof p !== 'string'))) return 'product_ids must be a list of product ids';
    const channels = msg['channels'];
    if (!Array.isArray(channels) || channels.length === 0) return 'channels must be a non-empty list';
    const out: [CoinbaseChannel, string[]][] = [];
    for (const entry of channels) {
      let name: unknown = entry;
      let products = (topProducts ?? []) as string[];
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        name = e['name'];
        const own = e['product_ids'];
        if (own !== undefined) {
          if (!Array.isArray(own) || own.some((p) => typeof p !== 'string')) return 'product_ids must be a list of product ids';
          products = own as string[];
        }
      }
      if (!isChannel(name)) return `${typeof name === 'string' ? name : JSON.stringify(name)} is not a valid channel`;
      if (products.length === 0) return `no product ids given for channel ${name}`;
      const unknown = products.find((p) => !this.market.has(p));
      if (unknown !== undefined) return `${unknown} is not a valid product`;
      out.push([name, products]);
    }
    return out;
  }

  private subscribe(request: [CoinbaseChannel, string[]][]): void {
    this.cancel(this.subscribeTimer);
    this.subscribeTimer = undefined;
    const newMatches: string[] = [];
    for (const [channel, products] of request) {
      const list = this.subs.get(channel) ?? [];
      for (const p of products) {
        if (list.includes(p)) continue;
        list.push(p);
        if (channel === 'matches') newMatches.push(p);
      }
      this.subs.set(channel, list);
    }
    this.send(this.subscriptionsFrame());
    for (const product of newMatches) {
      const last = this.market.latest(product, 1)[0];
      if (last) this.send(matchMessage(last, 'last_match'));
    }
    if (this.subs.get('heartbeat')?.length && !this.heartbeatTimer) {
      this.heartbeatTimer = this.every(this.limits.heartbeatIntervalMs, () => this.heartbeat());
    }
  }

  private unsubscribe(request: [CoinbaseChannel, string[]][]): void {
    for (const [channel, products] of request) {
      const left = (this.subs.get(channel) ?? []).filter((p) => !products.includes(p));
      if (left.length > 0) this.subs.set(channel, left);
      else this.subs.delete(channel);
    }
    if (!this.subs.get('heartbeat')?.length) {
      this.cancel(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
    this.send(this.subscriptionsFrame());
  }

  private subscriptionsFrame(): string {
    return subscriptionsMessage([...this.subs].map(([name, products]) => ({ name, product_ids: products })));
  }

  private heartbeat(): void {
    const now = nowUs();
    for (const product of this.subs.get('heartbeat') ?? []) {
      const last = this.market.latest(product, 1)[0];
      const lastId = last?.id ?? 0;
      const sequence = last ? sequenceOf(last) + 1 : 1_000;
      this.send(heartbeatMessage(product, sequence, lastId, now));
    }
  }
}
