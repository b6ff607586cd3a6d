import type { ControlEvent, FrameParser, InstrumentInfo, InstrumentMap, Rejection, RejectionReason, RestRequest, VenueAdapter } from '@tickgate/core';
import { isVenueId, TradeSchema, type Trade } from '@tickgate/schema';

/** The receive time the kit passes to parsers (2026-01-01T00:00:01Z, µs). */
export const RECEIVE_TIME_US = 1_767_225_601_000_000;

export const REJECTION_REASONS: readonly RejectionReason[] = ['malformed-json', 'unknown-message', 'invalid-field', 'unknown-instrument'];

const CONTROL_TYPES: readonly ControlEvent['type'][] = ['subscribed', 'error', 'shutdown-notice', 'pong', 'heartbeat', 'ignored'];

/** Everything one frame produced. */
export interface Parsed {
  readonly trades: { trade: Trade; span: number }[];
  readonly controls: ControlEvent[];
  readonly rejections: Rejection[];
  /** What the parser threw, if it did (it must not). */
  thrown?: unknown;
}

/** Run `parser` on one frame and collect what it reports; a throw is caught and recorded. */
export function collect(parser: FrameParser, raw: string, receiveTimeUs = RECEIVE_TIME_US): Parsed {
  const parsed: Parsed = { trades: [], controls: [], rejections: [] };
  try {
    parser(raw, receiveTimeUs, {
      trade: (trade, span) => parsed.trades.push({ trade, span: span ?? 1 }),
      control: (event) => parsed.controls.push(event),
      reject: (rejection) => parsed.rejections.push(rejection),
    });
  } catch (error) {
    parsed.thrown = error;
  }
  return parsed;
}

/** A short view of a frame for messages. */
export function show(raw: string, max = 120): string {
  const text = JSON.stringify(raw);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Problems with what a frame produced beyond validity: a throw. */
export function thrownProblem(parsed: Parsed, raw: string): string[] {
  return parsed.thrown === undefined
    ? []
    : [`the parser threw ${errorText(parsed.thrown)} on ${show(raw)}: a FrameParser must never throw; send anything unreadable to sink.reject`];
}

export interface TradeContext {
  readonly venue: string;
  readonly instruments: InstrumentMap;
  readonly receiveTimeUs: number;
  readonly source: 'ws' | 'rest';
}

/** Problems with one emitted trade: strict schema, venue, instrument/symbol pair, receive time, source, span. */
export function checkTrade(trade: Trade, span: number, ctx: TradeContext): string[] {
  const problems: string[] = [];
  const result = TradeSchema.safeParse(trade);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(trade)';
      const value = issue.path.length === 1 ? (trade as Record<string, unknown>)[String(issue.path[0])] : undefined;
      problems.push(`${path}: ${issue.message}${value !== undefined ? ` (got ${JSON.stringify(value)})` : ''}`);
    }
  }
  if (trade.venue !== ctx.venue) problems.push(`venue: must be the adapter's venue ${JSON.stringify(ctx.venue)} (got ${JSON.stringify(trade.venue)})`);
  const info = ctx.instruments.byInstrument(trade.instrument);
  if (info === undefined) {
    problems.push(`instrument: ${JSON.stringify(trade.instrument)} is not one of the parser's instruments (map the venue symbol through InstrumentMap.bySymbol)`);
  } else if (trade.symbol !== info.symbol) {
    problems.push(`symbol: must be the venue symbol of ${info.instrument}, ${JSON.stringify(info.symbol)} (got ${JSON.stringify(trade.symbol)})`);
  }
  if (trade.receiveTime !== ctx.receiveTimeUs) {
    problems.push(`receiveTime: must be the receiveTimeUs passed in (${ctx.receiveTimeUs}), not a clock reading (got ${JSON.stringify(trade.receiveTime)})`);
  }
  if (trade.source !== ctx.source) problems.push(`source: must be ${JSON.stringify(ctx.source)} (got ${JSON.stringify(trade.source)})`);
  if (trade.side === 'unknown') problems.push(`side: "unknown" — the venue says who the taker was; map it to "buy" or "sell" (the taker's side)`);
  if (!Number.isSafeInteger(span) || span < 1) problems.push(`span: must be a positive integer (got ${JSON.stringify(span)})`);
  return problems;
}

/** Problems with one rejection: stable reason, one-line message, raw prefix, instrument. */
export function checkRejection(rejection: Rejection, raw: string, instruments: InstrumentMap): string[] {
  const problems: string[] = [];
  if (!REJECTION_REASONS.includes(rejection.reason)) {
    problems.push(`reason: must be one of ${REJECTION_REASONS.join(', ')} (got ${JSON.stringify(rejection.reason)})`);
  }
  if (typeof rejection.message !== 'string' || rejection.message.trim().length === 0) {
    problems.push('message: must say what was wrong, naming the field');
  } else if (/[\r\n]/.test(rejection.message)) {
    problems.push('message: must be one line (it goes to logs)');
  }
  if (typeof rejection.raw !== 'string' || rejection.raw.length > 200 || !raw.startsWith(rejection.raw)) {
    problems.push('raw: must be the start of the frame, at most 200 characters');
  }
  if (rejection.instrument !== undefined && instruments.byInstrument(rejection.instrument) === undefined) {
    problems.push(`instrument: ${JSON.stringify(rejection.instrument)} is not one of the parser's instruments`);
  }
  if (rejection.tradeId !== undefined && (typeof rejection.tradeId !== 'string' || rejection.tradeId.length === 0)) {
    problems.push('tradeId: must be a non-empty string when set');
  }
  return problems;
}

/** Problems with one control event's shape. */
export function checkControl(event: ControlEvent): string[] {
  if (!CONTROL_TYPES.includes(event.type)) return [`control type ${JSON.stringify(event.type)} is not one of ${CONTROL_TYPES.join(', ')}`];
  if (event.type === 'error' && (typeof event.message !== 'string' || event.message.length === 0)) return ['an error control event needs a message'];
  if (event.type === 'ignored' && (typeof event.what !== 'string' || event.what.length === 0)) return ['an ignored control event must say what it ignored'];
  return [];
}

/** Every validity problem of what one frame produced (throw, trades, rejections, controls). */
export function checkParsed(parsed: Parsed, raw: string, ctx: TradeContext): string[] {
  const problems = thrownProblem(parsed, raw);
  parsed.trades.forEach(({ trade, span }, i) => problems.push(...checkTrade(trade, span, ctx).map((p) => `trade ${i}: ${p}`)));
  parsed.rejections.forEach((r, i) => problems.push(...checkRejection(r, raw, ctx.instruments).map((p) => `rejection ${i}: ${p}`)));
  parsed.controls.forEach((c, i) => problems.push(...checkControl(c).map((p) => `control ${i}: ${p}`)));
  return problems;
}

function positive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function urlProblem(value: unknown, protocols: readonly string[], what: string): string | undefined {
  if (typeof value !== 'string') return `${what}: must be a URL string (got ${JSON.stringify(value)})`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what}: ${JSON.stringify(value)} is not a URL`;
  }
  return protocols.includes(url.protocol) ? undefined : `${what}: must use ${protocols.join(' or ')} (got ${JSON.stringify(value)})`;
}

/** Problems with the adapter object itself: venue id, defaults, stream rules, connect plan, REST limits. */
export function checkAdapterObject(adapter: VenueAdapter, instruments: readonly InstrumentInfo[]): string[] {
  const problems: string[] = [];
  if (!isVenueId(adapter.venue)) problems.push(`venue: ${JSON.stringify(adapter.venue)} is not a venue id (lowercase letters and digits, used in NATS subjects)`);
  if (adapter.defaults === undefined) problems.push('defaults: missing { wsUrl, restUrl }');
  else {
    const ws = urlProblem(adapter.defaults.wsUrl, ['ws:', 'wss:'], 'defaults.wsUrl');
    if (ws) problems.push(ws);
    const rest = urlProblem(adapter.defaults.restUrl, ['http:', 'https:'], 'defaults.restUrl');
    if (rest) problems.push(rest);
  }
  if (typeof adapter.createParser !== 'function') problems.push('createParser: must be a function (instruments) => FrameParser');
  if (adapter.symbolFor !== undefined) {
    for (const info of instruments) {
      const symbol = adapter.symbolFor(info.instrument);
      if (typeof symbol !== 'string' || symbol.length === 0) problems.push(`symbolFor(${JSON.stringify(info.instrument)}): must return a non-empty venue symbol`);
    }
  }
  const stream = adapter.stream;
  if (stream === undefined) return [...problems, 'stream: missing StreamRules'];
  if (!Number.isSafeInteger(stream.maxStreamsPerConnection) || stream.maxStreamsPerConnection < 1) {
    problems.push(`stream.maxStreamsPerConnection: must be a positive integer (got ${JSON.stringify(stream.maxStreamsPerConnection)})`);
  }
  if (stream.connectionLifetimeMs !== undefined && !positive(stream.connectionLifetimeMs)) problems.push('stream.connectionLifetimeMs: must be > 0 when set');
  if (stream.maxClientMessagesPerSecond !== undefined && !positive(stream.maxClientMessagesPerSecond)) problems.push('stream.maxClientMessagesPerSecond: must be > 0 when set');
  if (stream.connectAttempts !== undefined && (!Number.isSafeInteger(stream.connectAttempts.max) || stream.connectAttempts.max < 1 || !positive(stream.connectAttempts.windowMs))) {
    problems.push('stream.connectAttempts: max must be a positive integer and windowMs > 0');
  }
  if (stream.sequencing !== 'consecutive' && stream.sequencing !== 'none') {
    problems.push(`stream.sequencing: must be "consecutive" (integer ids, next = last + 1) or "none" (got ${JSON.stringify(stream.sequencing)})`);
  }
  const hb = stream.heartbeat;
  if (hb === undefined) problems.push('stream.heartbeat: missing (how the connection is kept alive and a stall noticed)');
  else if (hb.kind === 'server-ping') {
    if (!positive(hb.intervalMs) || !positive(hb.pongDeadlineMs)) problems.push('stream.heartbeat (server-ping): intervalMs and pongDeadlineMs must be > 0');
  } else if (hb.kind === 'client-ping') {
    if (!positive(hb.intervalMs) || !positive(hb.timeoutMs)) problems.push('stream.heartbeat (client-ping): intervalMs and timeoutMs must be > 0');
    if (typeof hb.message !== 'string' || hb.message.length === 0) problems.push('stream.heartbeat (client-ping): message must be the text to send, or "ws-ping"');
  } else if (hb.kind === 'server-message') {
    if (!positive(hb.intervalMs)) problems.push('stream.heartbeat (server-message): intervalMs must be > 0');
  } else {
    problems.push(`stream.heartbeat.kind: must be server-ping, client-ping or server-message (got ${JSON.stringify((hb as { kind: unknown }).kind)})`);
  }
  if (typeof stream.connect !== 'function') return [...problems, 'stream.connect: must be a function (baseUrl, instruments) => ConnectPlan'];
  if (adapter.defaults !== undefined && instruments.length > 0) {
    let plan;
    try {
      plan = stream.connect(adapter.defaults.wsUrl, instruments);
    } catch (error) {
      problems.push(`stream.connect(defaults.wsUrl, instruments) threw ${errorText(error)}`);
    }
    if (plan !== undefined) problems.push(...checkConnectPlan(plan, instruments));
  }
  const limits = adapter.rest?.limits;
  if (limits === undefined) problems.push('rest.limits: missing');
  else {
    if (!positive(limits.weightPerMinute)) problems.push(`rest.limits.weightPerMinute: must be > 0 (got ${JSON.stringify(limits.weightPerMinute)})`);
    if (!Number.isSafeInteger(limits.maxTradesPerPage) || limits.maxTradesPerPage < 1) problems.push(`rest.limits.maxTradesPerPage: must be a positive integer (got ${JSON.stringify(limits.maxTradesPerPage)})`);
    if (limits.usedWeightHeader !== undefined && limits.usedWeightHeader !== limits.usedWeightHeader.toLowerCase()) {
      problems.push(`rest.limits.usedWeightHeader: must be lowercase (got ${JSON.stringify(limits.usedWeightHeader)})`);
    }
  }
  return problems;
}

/** Problems with a connect plan: a ws(s) URL, well-formed subscribe messages naming every instrument. */
export function checkConnectPlan(plan: { url: string; subscribe: readonly string[] }, instruments: readonly InstrumentInfo[]): string[] {
  const problems: string[] = [];
  const url = urlProblem(plan.url, ['ws:', 'wss:'], 'stream.connect(…).url');
  if (url) problems.push(url);
  if (!Array.isArray(plan.subscribe)) return [...problems, 'stream.connect(…).subscribe: must be an array of text messages (empty when the URL names the streams)'];
  plan.subscribe.forEach((message: unknown, i) => {
    if (typeof message !== 'string' || message.length === 0) {
      problems.push(`stream.connect(…).subscribe[${i}]: must be a non-empty text message`);
      return;
    }
    if (/^\s*[[{]/.test(message)) {
      try {
        JSON.parse(message);
      } catch {
        problems.push(`stream.connect(…).subscribe[${i}]: looks like JSON but does not parse: ${show(message)}`);
      }
    }
  });
  const everything = `${plan.url}\n${plan.subscribe.join('\n')}`.toLowerCase();
  for (const info of instruments) {
    if (!everything.includes(info.symbol.toLowerCase())) {
      problems.push(`stream.connect(…): neither the URL nor a subscribe message names ${JSON.stringify(info.symbol)}, so its trades would never arrive`);
    }
  }
  return problems;
}

/** Problems with a built REST request: a relative path and a positive weight. */
export function checkRestRequest(req: RestRequest<unknown>, what: string): string[] {
  const problems: string[] = [];
  if (typeof req.path !== 'string' || !req.path.startsWith('/') || req.path.startsWith('//')) {
    problems.push(`${what}.path: must be a path relative to the REST base URL, starting with one "/" (got ${JSON.stringify(req.path)})`);
  } else if (/\s/.test(req.path)) {
    problems.push(`${what}.path: must be URL-encoded, no whitespace (got ${JSON.stringify(req.path)})`);
  }
  if (!positive(req.weight)) problems.push(`${what}.weight: must be > 0, its cost against the venue's budget (got ${JSON.stringify(req.weight)})`);
  if (typeof req.parse !== 'function') problems.push(`${what}.parse: must be a function (body, receiveTimeUs) => result`);
  if (req.headers !== undefined) {
    for (const [k, v] of Object.entries(req.headers)) if (typeof v !== 'string') problems.push(`${what}.headers.${k}: must be a string`);
  }
  return problems;
}

/** Numbered list for an assertion message. */
export function listProblems(title: string, problems: readonly string[]): string {
  return `${title}:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}
