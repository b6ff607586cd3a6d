import type { StatusEvent, TradeTick } from '@tickgate/client';
import type { Painter, Style } from './color.js';

/** `2024-01-31T12:34:56.123456Z` from microseconds since the Unix epoch. */
export function isoTimeUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  const iso = new Date(ms).toISOString(); // 2024-01-31T12:34:56.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** `12:34:56.123456` (UTC) from microseconds since the Unix epoch. */
export function clockTimeUs(us: number): string {
  return isoTimeUs(us).slice(11, 26);
}

/** Microseconds as milliseconds with two decimals (`1250` → `1.25`). Latencies only, never prices. */
export function msFromUs(us: number): string {
  return (us / 1000).toFixed(2);
}

const SIDE_STYLE: Record<string, Style> = { buy: 'green', sell: 'red' };

export interface TradeLineOptions {
  /** Full date and time (replay) rather than the time of day (tail). */
  fullTime?: boolean;
  /** Microseconds from the gateway's receive time to now (`tick.latencyUs()`), shown by tail. */
  recvToNowUs?: number;
}

/**
 * One readable line per trade: time (UTC), venue, instrument, side, price, quantity, source, id and
 * latencies (exchange→receive always; receive→now when `recvToNowUs` is given; the stream seq for replays).
 */
export function formatTrade(t: TradeTick, p: Painter, options: TradeLineOptions = {}): string {
  const time = options.fullTime ? isoTimeUs(t.tradeTime) : clockTimeUs(t.tradeTime);
  const side = p.paint(t.side.toUpperCase().padEnd(4), ...(SIDE_STYLE[t.side] ? [SIDE_STYLE[t.side] as Style, 'bold' as Style] : []));
  const parts = [
    p.paint(time, 'dim'),
    t.venue.padEnd(8),
    p.paint(t.instrument.padEnd(10), 'bold'),
    side,
    t.price.padStart(14),
    t.quantity.padStart(12),
    t.source.padEnd(4),
    `id ${t.id}`,
  ];
  const latency = [];
  if (options.recvToNowUs !== undefined) latency.push(`recv→now ${msFromUs(options.recvToNowUs)} ms`);
  latency.push(`exch→recv ${msFromUs(t.receiveTime - t.tradeTime)} ms`);
  parts.push(p.paint(latency.join('  '), 'dim'));
  if (t.seq !== undefined) parts.push(p.paint(`seq ${t.seq}`, 'dim'));
  return parts.join('  ');
}

const STATUS_STYLE: Record<string, Style> = {
  connected: 'green',
  recovered: 'green',
  gap: 'yellow',
  fallback: 'yellow',
  stale: 'yellow',
  divergence: 'magenta',
  disconnected: 'red',
  unrecoverable: 'red',
};

/** One highlighted line per status event: `!` marker, state in capitals, ids, count, reason, message. */
export function formatStatus(s: StatusEvent, p: Painter, options: { fullTime?: boolean } = {}): string {
  const time = options.fullTime ? isoTimeUs(s.time) : clockTimeUs(s.time);
  const style = STATUS_STYLE[s.state] ?? 'cyan';
  const details: string[] = [];
  if (s.fromId !== undefined || s.toId !== undefined) {
    details.push(s.fromId === s.toId ? `id ${s.fromId}` : `ids ${s.fromId ?? '?'}..${s.toId ?? '?'}`);
  }
  if (s.count !== undefined) details.push(`count ${s.count}`);
  if (s.divergence !== undefined) details.push(`divergence ${s.divergence}`);
  if (s.lastPrice !== undefined) details.push(`last ${s.lastPrice}`);
  if (s.referencePrice !== undefined) details.push(`reference ${s.referencePrice}`);
  if (s.reason !== undefined) details.push(`reason ${s.reason}`);
  if (s.message !== undefined) details.push(JSON.stringify(s.message));
  const parts = [
    p.paint(time, 'dim'),
    s.venue.padEnd(8),
    p.paint((s.instrument ?? '*').padEnd(10), 'bold'),
    p.paint(`! ${s.state.toUpperCase()}`, style, 'bold'),
    ...details,
  ];
  if (s.seq !== undefined) parts.push(p.paint(`seq ${s.seq}`, 'dim'));
  return parts.join('  ');
}

/** The wire JSON of a value (what the gateway published), without the client's `subject` and `seq`. */
export function wireJson(value: TradeTick | StatusEvent): string {
  if (value.type === 'trade') return JSON.stringify(value.wire);
  const { subject: _subject, seq: _seq, ...wire } = value;
  return JSON.stringify(wire);
}

/** `1234567` → `1,234,567`. */
export function thousands(n: number): string {
  return Math.trunc(n).toLocaleString('en-US');
}

/** Messages per second over `ms` milliseconds, as a whole number with separators. */
export function rate(count: number, ms: number): string {
  return ms <= 0 ? '-' : thousands((count * 1000) / ms);
}

/** Seconds with one decimal. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
