import { describe, expect, it } from 'vitest';
import { parseAck } from './ack.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseAck', () => {
  it('reads a PubAck as stored', () => {
    expect(parseAck({ data: bytes('{"stream":"MD","seq":7}') })).toEqual({ ok: true, duplicate: false });
  });

  it('reads the duplicate flag', () => {
    expect(parseAck({ data: bytes('{"stream":"MD","seq":7,"duplicate":true}') })).toEqual({ ok: true, duplicate: true });
    expect(parseAck({ data: bytes('{"stream":"MD","seq":7,"duplicate":"yes"}') })).toEqual({ ok: true, duplicate: false });
  });

  it('reads a view into a larger buffer by its own bounds', () => {
    const whole = bytes('xx{"stream":"MD","seq":1}yy');
    expect(parseAck({ data: whole.subarray(2, whole.length - 2) })).toEqual({ ok: true, duplicate: false });
  });

  it('names an API error with its codes', () => {
    const out = parseAck({ data: bytes('{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}}') });
    expect(out).toEqual({ ok: false, error: 'JetStream API error 503/10077: maximum messages exceeded' });
  });

  it('treats a 503 status as no responders, whatever the body', () => {
    const out = parseAck({ data: new Uint8Array(0), headers: { code: 503, description: 'No Responders' } });
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error).toMatch(/^no responders/);
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'PUBACK'],
    ['JSON null', 'null'],
    ['a number', '42'],
  ])('says an %s reply is unreadable', (_what, text) => {
    expect(parseAck({ data: bytes(text) })).toEqual({ ok: false, error: 'unreadable JetStream reply' });
  });

  it('mentions a non-503 status on an unreadable reply', () => {
    expect(parseAck({ data: bytes(''), headers: { code: 408, description: 'Request Timeout' } })).toEqual({ ok: false, error: 'unreadable JetStream reply (status 408 Request Timeout)' });
  });

  it.each([
    ['no stream', '{"seq":1}'],
    ['an empty stream name', '{"stream":"","seq":1}'],
    ['a numeric stream', '{"stream":1,"seq":1}'],
  ])('refuses a reply with %s', (_what, text) => {
    expect(parseAck({ data: bytes(text) })).toEqual({ ok: false, error: 'JetStream reply without a stream' });
  });
});
