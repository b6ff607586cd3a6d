import { tradeMsgId, tradeSubject, type Status, type Trade } from '@tickgate/schema';

/** The trade subject of each (venue, instrument), built once: the hot path must not build strings per trade. */
export class TradeSubjects {
  private readonly subjects = new Map<string, Map<string, string>>();

  of(venue: string, instrument: string): string {
    let byInstrument = this.subjects.get(venue);
    if (!byInstrument) {
      byInstrument = new Map();
      this.subjects.set(venue, byInstrument);
    }
    let subject = byInstrument.get(instrument);
    if (subject === undefined) {
      subject = tradeSubject(venue, instrument);
      byInstrument.set(instrument, subject);
    }
    return subject;
  }
}

/**
 * The `Nats-Msg-Id` of each trade: `<venue>:<instrument>:<id>`, and after the venue started its ids
 * over (a `reset` status with `fromTime`), `<venue>:<instrument>:<id>:<fromTime>` for that instrument,
 * so that the stream's duplicate window does not take the new sequence for copies of the old one.
 * Replicas that saw the same reset compute the same ids.
 */
export class TradeMsgIds {
  private readonly epochs = new Map<string, string>();

  of(trade: Trade): string {
    const base = tradeMsgId(trade.venue, trade.instrument, trade.id);
    if (this.epochs.size === 0) return base;
    const epoch = this.epochs.get(`${trade.venue} ${trade.instrument}`);
    return epoch === undefined ? base : `${base}:${epoch}`;
  }

  /** A status event passing through: a `reset` starts a new sequence of msg ids for its instrument. */
  observe(status: Status): void {
    if (status.state === 'reset' && status.instrument !== undefined && status.fromTime !== undefined) {
      this.epochs.set(`${status.venue} ${status.instrument}`, String(status.fromTime));
    }
  }
}
