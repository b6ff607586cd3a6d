import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, tradeSubject, type Trade } from '@tickgate/schema';

/** The last message the stream holds on one subject. */
export interface StoredMessage {
  /** Stream sequence. */
  readonly seq: number;
  /** Its `Nats-Msg-Id` header, when it has one. */
  readonly msgId: string | undefined;
  readonly data: Uint8Array;
}

/** The last trade the stream holds for one instrument. */
export interface StoredTrade {
  readonly seq: number;
  readonly id: string;
  /** Exchange time of that trade, µs. */
  readonly tradeTime: number;
}

/**
 * Reads what a JetStream stream already holds, per subject, through the per-subject last-message
 * lookup (`STREAM.MSG.GET` with `last_by_subj`, available on nats-server 2.9). The gateway uses it to
 * resume each instrument after the last stored trade, and to re-send after a stall only what the
 * stream does not hold.
 */
export class StreamContents {
  private jsm: Promise<JetStreamManager> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    readonly stream: string,
  ) {}

  /** The last message stored on `subject`, or `undefined` when the stream holds none. */
  async last(subject: string): Promise<StoredMessage | undefined> {
    this.jsm ??= jetstreamManager(this.nc);
    const jsm = await this.jsm.catch((error: unknown) => {
      this.jsm = undefined;
      throw error;
    });
    const stored = await jsm.streams.getMessage(this.stream, { last_by_subj: subject });
    if (!stored) return undefined;
    return { seq: stored.seq, msgId: stored.header?.get('Nats-Msg-Id') || undefined, data: stored.data };
  }

  /**
   * The last trade stored for `venue`/`instrument`, or `undefined` when there is none. A stored message
   * that is not a valid trade (written by something else) is an error: resuming from it would guess.
   */
  async lastTrade(venue: string, instrument: string): Promise<StoredTrade | undefined> {
    const subject = tradeSubject(venue, instrument);
    const message = await this.last(subject);
    if (!message) return undefined;
    const event = decode(message.data);
    if (event.type !== 'trade') throw new Error(`the last message on ${subject} (stream ${this.stream}, seq ${message.seq}) is not a trade`);
    return { seq: message.seq, id: (event as Trade).id, tradeTime: (event as Trade).tradeTime };
  }
}
