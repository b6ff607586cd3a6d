import type { NatsConnection } from '@nats-io/transport-node';
import { bboSubject, bookSubject, type Bbo, type Book } from '@tickgate/schema';

/**
 * Publishes book messages on `md.book.<venue>.<instrument>` and best bid/offer on `md.bbo.…` as plain
 * core NATS messages: the book stream (`nats.bookStream`) captures the book subjects, bbo is live only.
 * No acknowledgement is awaited — a book message lost while NATS is unreachable shows to consumers as a
 * `seq` jump, which they repair from the next snapshot (published on every resync and periodically).
 * Messages come from `BookSync` (wire-valid by construction), so they are not validated again here.
 */
export class BookPublisher {
  private readonly subjects = new Map<string, string>();
  books = 0;
  bbos = 0;
  failed = 0;

  constructor(private readonly nc: NatsConnection) {}

  book(book: Book): void {
    this.send(`b:${book.venue}:${book.instrument}`, () => bookSubject(book.venue, book.instrument), JSON.stringify(book));
    this.books++;
  }

  bbo(bbo: Bbo): void {
    this.send(`q:${bbo.venue}:${bbo.instrument}`, () => bboSubject(bbo.venue, bbo.instrument), JSON.stringify(bbo));
    this.bbos++;
  }

  private send(key: string, subjectOf: () => string, payload: string): void {
    let subject = this.subjects.get(key);
    if (subject === undefined) {
      subject = subjectOf();
      this.subjects.set(key, subject);
    }
    try {
      this.nc.publish(subject, payload);
    } catch {
      // closed or draining connection: counted; consumers see the seq jump
      this.failed++;
    }
  }
}
