import { WIRE_VERSION, type Status, type StatusState } from '@tickgate/schema';

/** The detail fields a status event may carry besides its identity and time. */
export interface StatusDetail {
  readonly fromId?: string;
  readonly toId?: string;
  readonly count?: number;
  /** Time bounds of the range, µs (where ids alone cannot bound it). */
  readonly fromTime?: number;
  readonly toTime?: number;
  /** The last id published (`gap` at shutdown), and the venue's own latest id (`reset`). */
  readonly lastId?: string;
  readonly venueLastId?: string;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * A wire-valid `Status` event (`@tickgate/schema`): `time` is taken from `nowMs` (milliseconds since
 * the Unix epoch) and written in whole microseconds. Detail fields that are `undefined` are left out,
 * so the result passes the strict `StatusSchema` as is and can be published directly.
 */
export function buildStatus(venue: string, instrument: string | undefined, state: StatusState, nowMs: number, detail: StatusDetail = {}): Status {
  const status: Status = { v: WIRE_VERSION, type: 'status', venue, state, time: Math.round(nowMs * 1000) };
  if (instrument !== undefined) status.instrument = instrument;
  if (detail.fromId !== undefined) status.fromId = detail.fromId;
  if (detail.toId !== undefined) status.toId = detail.toId;
  if (detail.count !== undefined) status.count = detail.count;
  if (detail.fromTime !== undefined) status.fromTime = detail.fromTime;
  if (detail.toTime !== undefined) status.toTime = detail.toTime;
  if (detail.lastId !== undefined) status.lastId = detail.lastId;
  if (detail.venueLastId !== undefined) status.venueLastId = detail.venueLastId;
  if (detail.reason !== undefined) status.reason = detail.reason;
  if (detail.message !== undefined) status.message = detail.message;
  return status;
}
