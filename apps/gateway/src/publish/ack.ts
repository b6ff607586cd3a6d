/** What a JetStream publish's reply says: stored (perhaps as a duplicate of a message it already held), or why not. */
export type AckOutcome = { readonly ok: true; readonly duplicate: boolean } | { readonly ok: false; readonly error: string };

/** The parts of a reply message the parser reads (a `Msg` fits). */
export interface AckReply {
  readonly data: Uint8Array;
  readonly headers?: { readonly code: number; readonly description: string } | undefined;
}

/**
 * Reads the stream's reply to a publish: its `PubAck` JSON (`{"stream":…,"seq":…,"duplicate"?:true}`),
 * an API error (`{"error":{"code","err_code","description"}}`), or a 503 "no responders" status when no
 * stream captures the subject. Pure: no I/O, never throws.
 */
export function parseAck(reply: AckReply): AckOutcome {
  const code = reply.headers?.code ?? 0;
  if (code === 503) return { ok: false, error: 'no responders: no JetStream stream captures the subject (or JetStream is unavailable)' };
  let body: { stream?: unknown; duplicate?: unknown; error?: { code?: unknown; err_code?: unknown; description?: unknown } };
  try {
    const parsed: unknown = JSON.parse(Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object') throw new TypeError('not an object');
    body = parsed as typeof body;
  } catch {
    return { ok: false, error: `unreadable JetStream reply${code ? ` (status ${code} ${reply.headers?.description ?? ''})` : ''}` };
  }
  if (body.error !== undefined) {
    const e = body.error;
    return { ok: false, error: `JetStream API error ${String(e?.code)}/${String(e?.err_code)}: ${String(e?.description)}` };
  }
  if (typeof body.stream !== 'string' || body.stream === '') return { ok: false, error: 'JetStream reply without a stream' };
  return { ok: true, duplicate: body.duplicate === true };
}
