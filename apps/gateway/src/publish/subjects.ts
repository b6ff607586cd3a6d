import { tradeSubject } from '@tickgate/schema';

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
