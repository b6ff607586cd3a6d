import { parseStreamName } from './stream-names.js';

/** Live control state of one connection that requests may read or change. */
export interface RequestState {
  /** Subscribed stream names, in subscription order. */
  readonly streams: readonly string[];
  /** Whether payloads are wrapped as `{"stream","data"}`. */
  readonly combined: boolean;
  readonly maxStreams: number;
}

export interface RequestOutcome {
  /** The JSON text to send back. */
  readonly response: string;
  /** The new state, when the request changed it. */
  readonly streams?: readonly string[];
  readonly combined?: boolean;
}

type RequestId = number | string | null;

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];

/** Error codes of the live control protocol. */
export const ERROR_UNKNOWN_PROPERTY = 0;
export const ERROR_INVALID_VALUE_TYPE = 1;
export const ERROR_INVALID_REQUEST = 2;
export const ERROR_INVALID_JSON = 3;

function error(code: number, msg: string, id?: RequestId): RequestOutcome {
  const body = id === undefined ? { code, msg } : { code, msg, id };
  return { response: JSON.stringify(body) };
}

function result(value: unknown, id: RequestId): string {
  return JSON.stringify({ result: value, id });
}

function validId(id: unknown): id is RequestId {
  if (id === null) return true;
  if (typeof id === 'number') return Number.isInteger(id);
  return typeof id === 'string' && /^[A-Za-z0-9-]{1,36}$/.test(id);
}

/** "line L column C" of a character offset, for JSON error messages. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line} column ${column}`;
}

/**
 * Answer one text frame sent by the client: `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`,
 * `SET_PROPERTY` / `GET_PROPERTY` (`combined`), or an error `{"code":N,"msg":"…"}` (with `"id"` when the
 * request carried a valid one).
 */
export function handleRequest(text: string, state: RequestState): RequestOutcome {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    const where = position(text, at ? Number(at[1]) : text.length);
    return error(ERROR_INVALID_JSON, `Invalid JSON: expected value at ${where}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return error(ERROR_INVALID_REQUEST, 'Invalid request: expected a JSON object');
  }
  const fields = request as Record<string, unknown>;
  const unknownField = Object.keys(fields).find((k) => k !== 'method' && k !== 'params' && k !== 'id');
  const id = fields['id'];
  const hasValidId = 'id' in fields && validId(id);
  const echo = hasValidId ? (id as RequestId) : undefined;
  if (unknownField !== undefined) {
    return error(ERROR_INVALID_REQUEST, `Invalid request: unknown field \`${unknownField}\`, expected one of \`method\`, \`params\`, \`id\``, echo);
  }
  if (!('method' in fields)) return error(ERROR_INVALID_REQUEST, 'Invalid request: missing field `method`', echo);
  const method = fields['method'];
  if (typeof method !== 'string') return error(ERROR_INVALID_VALUE_TYPE, 'Invalid value type: expected a string for `method`', echo);
  if (!METHODS.includes(method)) {
    return error(ERROR_INVALID_REQUEST, `Invalid request: unknown method \`${method}\`, expected one of ${METHODS.join(', ')}`, echo);
  }
  if (!hasValidId) {
    return error(
      ERROR_INVALID_REQUEST,
      'Invalid request: request ID must be a 64-bit integer, an alphanumeric string of up to 36 characters, or null',
    );
  }
  const rid = id as RequestId;
  const params = fields['params'];
  switch (method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
        return error(ERROR_INVALID_VALUE_TYPE, 'Invalid value type: expected an array of stream names for `params`', rid);
      }
      const names = params as string[];
      const invalid = names.find((n) => !parseStreamName(n));
      if (invalid !== undefined) return error(ERROR_INVALID_REQUEST, `Invalid request: invalid stream name \`${invalid}\``, rid);
      if (method === 'UNSUBSCRIBE') {
        const drop = new Set(names);
        return { response: result(null, rid), streams: state.streams.filter((s) => !drop.has(s)) };
      }
      const next = [...state.streams];
      for (const name of names) if (!next.includes(name)) next.push(name);
      if (next.length > state.maxStreams) {
        return error(ERROR_INVALID_REQUEST, `Invalid request: too many streams (at most ${state.maxStreams} per connection)`, rid);
      }
      return { response: result(null, rid), streams: next };
    }
    case 'LIST_SUBSCRIPTIONS':
      return { response: result([...state.streams], rid) };
    case 'SET_PROPERTY': {
      if (!Array.isArray(params) || params.length !== 2) {
        return error(ERROR_INVALID_REQUEST, 'Invalid request: SET_PROPERTY takes [property, value]', rid);
      }
      if (typeof params[0] !== 'string') return error(ERROR_INVALID_REQUEST, 'Invalid request: property name must be a string', rid);
      if (params[0] !== 'combined') return error(ERROR_UNKNOWN_PROPERTY, 'Unknown property', rid);
      if (typeof params[1] !== 'boolean') return error(ERROR_INVALID_VALUE_TYPE, 'Invalid value type: expected Boolean', rid);
      return { response: result(null, rid), combined: params[1] };
    }
    default: {
      // GET_PROPERTY
      if (!Array.isArray(params) || params.length !== 1) {
        return error(ERROR_INVALID_REQUEST, 'Invalid request: GET_PROPERTY takes [property]', rid);
      }
      if (typeof params[0] !== 'string') return error(ERROR_INVALID_REQUEST, 'Invalid request: property name must be a string', rid);
      if (params[0] !== 'combined') return error(ERROR_UNKNOWN_PROPERTY, 'Unknown property', rid);
      return { response: result(state.combined, rid) };
    }
  }
}
