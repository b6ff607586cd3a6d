import { decode, SUBJECT_ROOT, TickDecimal, WireDecodeError, type Side, type Source, type Status, type Trade } from '@tickgate/schema';

/** Current wall-clock time in microseconds since the Unix epoch (sub-millisecond where the platform has it). */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * One validated trade: every field of the wire `Trade`, the subject it came on, and exact `Decimal`
 * accessors built on first use (a consumer that never calls them never pays for decimal.js).
 * `seq` is the JetStream stream sequence for values from `replay()`, `undefined` for live ones.
 */
export class TradeTick implements Trade {
  readonly v: 1;
  readonly type: 'trade';
  readonly venue: string;
  readonly instrument: string;
  readonly symbol: string;
  readonly id: string;
  /** Canonical decimal string; use `priceDecimal()` for arithmetic. */
  readonly price: string;
  /** Canonical decimal string, base-asset units; use `quantityDecimal()` for arithmetic. */
  readonly quantity: string;
  /** The taker's (aggressor's) side. */
  readonly side: Side;
  /** Exchange trade time, µs since the Unix epoch. */
  readonly tradeTime: number;
  /** Gateway receive time, µs since the Unix epoch. */
  readonly receiveTime: number;
  readonly source: Source;
  /** The NATS subject the trade was published on (`md.trade.<venue>.<instrument>`). */
  readonly subject: string;
  /** JetStream stream sequence (replay only). */
  readonly seq: number | undefined;
  /** The decoded wire object, including any fields a newer producer added that this version does not know. */
  readonly wire: Readonly<Trade & Record<string, unknown>>;
  #price: TickDecimal | undefined;
  #quantity: TickDecimal | undefined;
  #notional: TickDecimal | undefined;

  constructor(trade: Trade, subject: string, seq?: number) {
    this.v = trade.v;
    this.type = 'trade';
    this.venue = trade.venue;
    this.instrument = trade.instrument;
    this.symbol = trade.symbol;
    this.id = trade.id;
    this.price = trade.price;
    this.quantity = trade.quantity;
    this.side = trade.side;
    this.tradeTime = trade.tradeTime;
    this.receiveTime = trade.receiveTime;
    this.source = trade.source;
    this.subject = subject;
    this.seq = seq;
    this.wire = trade;
  }

  /** The price as an exact `Decimal` (cached). */
  priceDecimal(): TickDecimal {
    return (this.#price ??= new TickDecimal(this.price));
  }

  /** The quantity as an exact `Decimal` (cached). */
  quantityDecimal(): TickDecimal {
    return (this.#quantity ??= new TickDecimal(this.quantity));
  }

  /** price × quantity, in quote-asset units (cached; exact up to `TickDecimal`'s 64 significant digits). */
  notional(): TickDecimal {
    return (this.#notional ??= this.priceDecimal().times(this.quantityDecimal()));
  }

  /** Microseconds from the gateway's receive time to `now` (default: the current time). */
  latencyUs(now: number = nowUs()): number {
    return now - this.receiveTime;
  }

  /** The wire object (as JSON) rather than the class instance. */
  toJSON(): Trade & Record<string, unknown> {
    return { ...this.wire };
  }
}

/** One validated status event, with the subject it came on and (replay only) its stream sequence. */
export type StatusEvent = Readonly<Status & Record<string, unknown>> & {
  readonly subject: string;
  readonly seq: number | undefined;
};

/** What a subscription yields when status events are included: switch on `type`. */
export type MarketValue = TradeTick | StatusEvent;

/** A value read from the JetStream stream: its stream sequence is always known. */
export type Replayed<T extends MarketValue> = T & { readonly seq: number };

function statusSubjectOf(status: Status): string {
  return status.instrument === undefined
    ? `${SUBJECT_ROOT}.status.${status.venue}`
    : `${SUBJECT_ROOT}.status.${status.venue}.${status.instrument}`;
}

/**
 * Decode and validate one message. Besides the schema, the payload must belong on the subject it came
 * on (a trade for `binance`/`BTC-USDT` only on `md.trade.binance.BTC-USDT`). Throws `WireDecodeError`.
 */
export function toMarketValue(subject: string, data: Uint8Array, seq?: number): MarketValue {
  const event = decode(data);
  if (event.type === 'trade') {
    const expected = `${SUBJECT_ROOT}.trade.${event.venue}.${event.instrument}`;
    if (subject !== expected) throw new WireDecodeError('subject', `trade for ${event.venue}/${event.instrument} published on ${subject}`);
    return new TradeTick(event, subject, seq);
  }
  const expected = statusSubjectOf(event);
  if (subject !== expected) throw new WireDecodeError('subject', `status for ${expected} published on ${subject}`);
  const value = event as Status & Record<string, unknown> & { subject: string; seq: number | undefined };
  value.subject = subject;
  value.seq = seq;
  return value;
}
