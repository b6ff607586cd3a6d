import { TE } from '@nats-io/nats-core/internal';

const nativeEncode = TextEncoder.prototype.encode;

/** `TextEncoder.encode` with the same bytes, from Node's pooled `Buffer` allocator. */
function pooledEncode(input = ''): Uint8Array {
  return Buffer.from(input, 'utf8');
}

/**
 * Make the NATS client encode its protocol lines with `Buffer.from` instead of `TextEncoder.encode`.
 *
 * Why: the client renders every publish's command line (`HPUB <subject> <hlen> <len>\r\n`) as a
 * string and encodes it with one shared `TextEncoder` (exported as `TE` by
 * `@nats-io/nats-core/internal`). On Node 20, `TextEncoder.encode` allocates a fresh `ArrayBuffer` per
 * call; for these 40-byte strings that cost ~6% of the gateway's CPU per trade in core mode (profile
 * in `docs/benchmarks.md`). `Buffer.from(text, 'utf8')` yields the same UTF-8 bytes (lone surrogates
 * become U+FFFD in both) in a `Uint8Array` subclass carved from a shared pool; the client only copies
 * these bytes into its outbound buffer. The change applies to that one encoder object, is idempotent,
 * and `restoreNatsEncoder` undoes it. `fast-encoder.test.ts` checks the bytes against `TextEncoder`
 * and a publish through a real server.
 */
export function installFastNatsEncoder(): void {
  if (TE.encode === nativeEncode) Object.defineProperty(TE, 'encode', { value: pooledEncode, configurable: true, writable: true });
}

/** Undo `installFastNatsEncoder` (the client's encoder uses `TextEncoder.prototype.encode` again). */
export function restoreNatsEncoder(): void {
  if (Object.prototype.hasOwnProperty.call(TE, 'encode')) delete (TE as { encode?: unknown }).encode;
}

/** Whether the client's encoder is the pooled one. */
export function fastNatsEncoderInstalled(): boolean {
  return TE.encode === pooledEncode;
}
