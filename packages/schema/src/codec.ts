import type { z } from 'zod';
import { WireDecodeError } from './errors.js';
import { BboSchema, BboSchemaLoose, BookSchema, BookSchemaLoose, type Bbo, type Book } from './books.js';
import { StatusSchema, StatusSchemaLoose, TradeSchema, TradeSchemaLoose, type MarketEvent, type Status, type Trade } from './events.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Strings that JSON can carry between quotes without escaping. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const PLAIN = /^[^"\\\u0000-\u001f\u2028\u2029]*$/;

function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * JSON text of a trade, keys in contract order. Does **not** validate: it is the publisher's hot
 * path for trades that adapters built through `makeTrade`-style checks. Use `encode` elsewhere.
 */
export function serializeTrade(t: Trade): string {
  return (
    `{"v":1,"type":"trade","venue":"${t.venue}","instrument":"${t.instrument}","symbol":${quote(t.symbol)},` +
    `"id":${quote(t.id)},"price":"${t.price}","quantity":"${t.quantity}","side":"${t.side}",` +
    `"tradeTime":${t.tradeTime},"receiveTime":${t.receiveTime},"source":"${t.source}"}`
  );
}

function firstIssue(error: z.ZodError, root: string): WireDecodeError {
  const issue = error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].join('.');
  return new WireDecodeError(path, issue?.message ?? 'invalid', { cause: error });
}

/**
 * Producer side: validate strictly (unknown keys are errors) and encode to UTF-8 JSON.
 * Throws `WireDecodeError` naming the first bad field.
 */
export function encode(event: MarketEvent): Uint8Array {
  return encoder.encode(encodeToString(event));
}

/** As `encode`, returning the JSON text. */
export function encodeToString(event: MarketEvent): string {
  if (event?.type === 'trade') {
    const r = TradeSchema.safeParse(event);
    if (!r.success) throw firstIssue(r.error, 'trade');
    return serializeTrade(r.data);
  }
  if (event?.type === 'status') {
    const r = StatusSchema.safeParse(event);
    if (!r.success) throw firstIssue(r.error, 'status');
    return JSON.stringify(r.data);
  }
  throw new WireDecodeError('type', `unknown event type ${JSON.stringify((event as { type?: unknown })?.type)}`);
}

/**
 * Consumer side: decode and validate one message payload. Unknown extra keys are tolerated and kept
 * (forward compatibility); a different `v` is rejected. Throws `WireDecodeError` naming the field.
 */
export function decode(payload: Uint8Array | string): MarketEvent {
  const value = parseObject(payload);
  const type = (value as { type?: unknown }).type;
  if (type === 'trade') {
    const r = TradeSchemaLoose.safeParse(value);
    if (!r.success) throw firstIssue(r.error, 'trade');
    return r.data as Trade;
  }
  if (type === 'status') {
    const r = StatusSchemaLoose.safeParse(value);
    if (!r.success) throw firstIssue(r.error, 'status');
    return r.data as Status;
  }
  throw new WireDecodeError('type', `unknown event type ${JSON.stringify(type)}`);
}

function parseObject(payload: Uint8Array | string): unknown {
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : decoder.decode(payload);
  } catch (cause) {
    throw new WireDecodeError('', 'payload is not valid UTF-8', { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new WireDecodeError('', 'payload is not JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireDecodeError('', 'payload is not a JSON object');
  return value;
}

/** Validate `message` against `schema` and encode it, or throw `WireDecodeError` naming the field under `root`. */
function encodeWith<T>(schema: z.ZodType<T>, message: T, root: string): string {
  const r = schema.safeParse(message);
  if (!r.success) throw firstIssue(r.error, root);
  return JSON.stringify(r.data);
}

/** Decode a payload whose `type` must be `type`, validated by `schema`. */
function decodeWith<T>(schema: z.ZodType<T>, payload: Uint8Array | string, type: string): T {
  const value = parseObject(payload);
  const got = (value as { type?: unknown }).type;
  if (got !== type) throw new WireDecodeError('type', `not a ${type} message (type ${JSON.stringify(got)})`);
  const r = schema.safeParse(value);
  if (!r.success) throw firstIssue(r.error, type);
  return r.data;
}

/** Producer side of `md.book.*`: validate strictly (ordered, never-crossed snapshots) and encode. Throws `WireDecodeError`. */
export function encodeBook(book: Book): string {
  return encodeWith(BookSchema, book, 'book');
}

/** Consumer side of `md.book.*`: decode and validate one book message. Throws `WireDecodeError` naming the field. */
export function decodeBook(payload: Uint8Array | string): Book {
  return decodeWith(BookSchemaLoose as z.ZodType<Book>, payload, 'book');
}

/** Producer side of `md.bbo.*`. Throws `WireDecodeError`. */
export function encodeBbo(bbo: Bbo): string {
  return encodeWith(BboSchema, bbo, 'bbo');
}

/** Consumer side of `md.bbo.*`. Throws `WireDecodeError` naming the field. */
export function decodeBbo(payload: Uint8Array | string): Bbo {
  return decodeWith(BboSchemaLoose as z.ZodType<Bbo>, payload, 'bbo');
}
