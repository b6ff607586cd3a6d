import type { DeliveryMode } from '../core/frame-sequencer.js';
import { Rng } from '../core/rng.js';
import { VenueConnection, type VenueConnectionContext } from '../core/kit/connection.js';
import type { TradeGroup } from '../core/kit/fan-out.js';
import { malformJson, parseObject } from '../core/kit/render.js';
import type { BookBatch } from '../core/order-book.js';
import { bboPush, booksPush, booksUpdatePush, eventMessage, tradesPush } from './messages.js';

export interface OkxWsLimits {
  /** The server closes a connection that sent nothing for this long. Venue: 30 s. */
  readonly idleTimeoutMs: number;
  /**
   * Whether a `books` subscription starts with a `snapshot` push (`prevSeqId` -1). Default true; the venue
   * announced its removal (then the first push is an update and the book comes from REST).
   */
  readonly booksSnapshot?: boolean;
  /** A `books` subscription that got no push for this long gets an empty update with `prevSeqId == seqId`. Venue: about 60 s. */
  readonly booksKeepAliveMs?: number;
}

/** Levels per side of the `books` channel. */
export const OKX_BOOKS_DEPTH = 400;

/** Close code and reason for an idle connection (the simulator's choice). */
export const OKX_IDLE_CLOSE = { code: 4004, reason: 'No data received in 30s.' } as const;

/** One client of the OKX v5 public WebSocket: `trades` subscriptions, text ping/pong, idle close. */
export class OkxConnection extends VenueConnection {
  private readonly instIds: string[] = [];
  private readonly bookInstIds: string[] = [];
  private readonly bboInstIds: string[] = [];
  private readonly keepAlive = new Map<string, NodeJS.Timeout>();
  private readonly lastBbo = new Map<string, string>();
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
    return [...this.instIds.map((i) => `trades:${i}`), ...this.bookInstIds.map((i) => `books:${i}`), ...this.bboInstIds.map((i) => `bbo-tbt:${i}`)];
  }

  /** A `books` update push of one batch (book faults applied), if this connection subscribes to its instrument. */
  deliverBookDelta(batch: BookBatch, mode: DeliveryMode): void {
    if (!this.bookInstIds.includes(batch.symbol)) return;
    const frame = booksUpdatePush(batch);
    const copies = mode.kind === 'normal' ? (mode.copies ?? 1) : 1;
    for (let copy = 0; copy < copies; copy++) this.send(frame);
    this.armKeepAlive(batch.symbol);
  }

  /** Every book batch: a `bbo-tbt` push when the best bid or ask changed. */
  deliverBookChange(batch: BookBatch): void {
    if (this.bboInstIds.includes(batch.symbol)) this.sendBbo(batch.symbol, false);
  }

  deliver(group: TradeGroup, mode: DeliveryMode): void {
    if (!this.instIds.includes(group.symbol)) return;
    this.sendWithMode(tradesPush(group.trades), mode, (frame, kind) => malformJson(frame, kind, { ids: ['tradeId', 'count'], decimals: ['px', 'sz'] }));
  }

  override notifyShutdown(): void {
    this.send(eventMessage({ event: 'notice', code: '64008', msg: 'The connection will soon be closed for a service upgrade. Please reconnect.', connId: this.connId }));
  }

  private sendBbo(instId: string, always: boolean): void {
    const book = this.market.orderBook(instId);
    const ask = book.asks[0];
    const bid = book.bids[0];
    const key = `${ask?.price}/${ask?.qty}/${ask?.orders}/${bid?.price}/${bid?.qty}/${bid?.orders}`;
    if (!always && this.lastBbo.get(instId) === key) return;
    this.lastBbo.set(instId, key);
    this.send(bboPush(instId, ask, bid, Date.now(), book.updateId));
  }

  private sendBookSnapshot(instId: string): void {
    const book = this.market.orderBook(instId);
    this.send(booksPush(instId, 'snapshot', book.asks.slice(0, OKX_BOOKS_DEPTH), book.bids.slice(0, OKX_BOOKS_DEPTH), Date.now(), -1, book.updateId));
    this.armKeepAlive(instId);
  }

  /** After `booksKeepAliveMs` without a push: an empty update whose `prevSeqId` and `seqId` both are the last id. */
  private armKeepAlive(instId: string): void {
    this.cancel(this.keepAlive.get(instId));
    const ms = this.limits.booksKeepAliveMs ?? 60_000;
    this.keepAlive.set(
      instId,
      this.after(ms, () => {
        if (!this.bookInstIds.includes(instId)) return;
        const id = this.market.bookUpdateId(instId);
        this.send(booksPush(instId, 'update', [], [], Date.now(), id, id));
        this.armKeepAlive(instId);
      }),
    );
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
      const bookChannel = channel === 'books' || channel === 'bbo-tbt';
      if ((channel !== 'trades' && !(bookChannel && this.market.booksEnabled)) || !this.market.has(instId)) {
        fail('60018', `Wrong URL or channel:${channel},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`, id);
        continue;
      }
      const list = channel === 'trades' ? this.instIds : channel === 'books' ? this.bookInstIds : this.bboInstIds;
      const at = list.indexOf(instId);
      const added = op === 'subscribe' && at < 0;
      if (added) list.push(instId);
      if (op === 'unsubscribe' && at >= 0) {
        list.splice(at, 1);
        if (channel === 'books') this.cancel(this.keepAlive.get(instId));
        if (channel === 'bbo-tbt') this.lastBbo.delete(instId);
      }
      this.send(eventMessage({ ...(id !== undefined ? { id } : {}), event: op, arg: { channel, instId }, connId }));
      if (added && channel === 'books') {
        if (this.limits.booksSnapshot ?? true) this.sendBookSnapshot(instId);
        else this.armKeepAlive(instId);
      }
      if (added && channel === 'bbo-tbt') this.sendBbo(instId, true);
    }
  }
}
