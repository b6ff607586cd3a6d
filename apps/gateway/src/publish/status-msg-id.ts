import { createHash } from 'node:crypto';
import type { Status } from '@tickgate/schema';

/** States whose events describe an id range of the venue: every replica reports them alike. */
const RANGE_STATES = new Set<Status['state']>(['gap', 'recovered', 'unrecoverable']);

/**
 * The `Nats-Msg-Id` of a status event: `status:<venue>:<instrument or ->:<state>:<hash>`. The hash
 * covers the whole event, except that for `gap`, `recovered` and `unrecoverable` events naming an id
 * range (`fromId`/`toId`) it leaves out `time` and `message`, so that two replicas reporting the same
 * range at slightly different times dedupe; other states (connection events) differ by time.
 */
export function statusMsgId(status: Status): string {
  const basis: Record<string, unknown> = { ...status };
  if (RANGE_STATES.has(status.state) && (status.fromId !== undefined || status.toId !== undefined)) {
    delete basis['time'];
    delete basis['message'];
  }
  const keys = Object.keys(basis)
    .filter((k) => basis[k] !== undefined)
    .sort();
  const canonical = JSON.stringify(keys.map((k) => [k, basis[k]]));
  const hash = createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
  return `status:${status.venue}:${status.instrument ?? '-'}:${status.state}:${hash}`;
}
