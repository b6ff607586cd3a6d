/** The stream kinds this simulator serves (`depth` and `depth@100ms`: diff depth, with books on). */
export type BinanceStreamKind = 'trade' | 'aggTrade' | 'bookTicker' | 'depth' | 'depth@100ms';

export interface BinanceStream {
  /** As written by the client, e.g. `btcusdt@trade`. */
  readonly name: string;
  /** Uppercase venue symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
  readonly kind: BinanceStreamKind;
}

const STREAM_RE = /^([a-z0-9]{2,20})@(trade|aggTrade|bookTicker|depth|depth@100ms)$/;

/** Read a stream name (`<lowercase symbol>@<kind>`); undefined when it is not one this venue serves. */
export function parseStreamName(name: string): BinanceStream | undefined {
  const match = STREAM_RE.exec(name);
  if (!match) return undefined;
  return { name, symbol: (match[1] as string).toUpperCase(), kind: match[2] as BinanceStreamKind };
}

/** The connection kind a URL asks for, with the streams named in it. */
export interface BinanceStreamUrl {
  /** `/stream` connections wrap every payload as `{"stream","data"}`. */
  readonly combined: boolean;
  readonly streams: readonly string[];
  readonly microseconds: boolean;
}

export type UrlParse = { ok: true; value: BinanceStreamUrl } | { ok: false; status: number; msg: string };

/**
 * Read a WebSocket URL: `/ws`, `/ws/<stream>[/<stream>…]`, `/stream`, `/stream?streams=a/b`, each with an
 * optional `timeUnit=MICROSECOND` (or `MILLISECOND`) query parameter.
 */
export function parseStreamUrl(url: string, maxStreams: number): UrlParse {
  const parsed = new URL(url, 'ws://sim.invalid');
  const path = parsed.pathname.replace(/\/+$/, '');
  let combined: boolean;
  let streams: string[];
  if (path === '/ws' || path.startsWith('/ws/')) {
    combined = false;
    streams = path.slice(4).split('/').filter((s) => s !== '');
  } else if (path === '/stream') {
    combined = true;
    streams = (parsed.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
  } else {
    return { ok: false, status: 404, msg: `no such path ${parsed.pathname}` };
  }
  const unit = parsed.searchParams.get('timeUnit');
  if (unit !== null && !/^(MICROSECOND|MILLISECOND)$/i.test(unit)) {
    return { ok: false, status: 400, msg: `invalid timeUnit ${unit}` };
  }
  const invalid = streams.find((s) => !parseStreamName(s));
  if (invalid !== undefined) return { ok: false, status: 400, msg: `invalid stream name ${invalid}` };
  const unique = [...new Set(streams)];
  if (unique.length > maxStreams) return { ok: false, status: 400, msg: `too many streams (at most ${maxStreams})` };
  return { ok: true, value: { combined, streams: unique, microseconds: unit !== null && /^MICROSECOND$/i.test(unit) } };
}
