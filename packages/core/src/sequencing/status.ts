import { WIRE_VERSION, type Status, type StatusState } from '@tickgate/schema';

/** The detail fields a status event may carry besides its identity and time. */
export interface StatusDetail {
  readonly fromId?: string;
  readonly toId?: string;
  readonly count?: number;
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
  if (detail.reason !== undefined) status.reason = detail.reason;
  if (detail.message !== undefined) status.message = detail.message;
  return status;
}
