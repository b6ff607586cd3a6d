import { connect, headers } from '@nats-io/transport-node';
import { TE } from '@nats-io/nats-core/internal';
import { NatsServer, waitFor } from '@tickgate/testing';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fastNatsEncoderInstalled, installFastNatsEncoder, restoreNatsEncoder } from './fast-encoder.js';

describe('installFastNatsEncoder', () => {
  let server: NatsServer | undefined;
  afterEach(() => restoreNatsEncoder());
  afterAll(async () => server?.stop());

  it('encodes exactly as TextEncoder does, any text', () => {
    installFastNatsEncoder();
    expect(fastNatsEncoderInstalled()).toBe(true);
    const reference = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('\ud800', 'a\udfffb', '')), (text) => {
        const ours = TE.encode(text);
        expect(ours).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(ours)).toEqual(Buffer.from(reference.encode(text)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is idempotent and can be undone', () => {
    installFastNatsEncoder();
    installFastNatsEncoder();
    expect(fastNatsEncoderInstalled()).toBe(true);
    restoreNatsEncoder();
    expect(fastNatsEncoderInstalled()).toBe(false);
    expect(TE.encode).toBe(TextEncoder.prototype.encode);
  });

  it('leaves publishing through a real server unchanged (subjects, headers, payloads)', async () => {
    installFastNatsEncoder();
    server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    try {
      const got: Array<{ subject: string; id: string | undefined; text: string }> = [];
      const sub = nc.subscribe('md.>', {
        callback: (_e, m) => {
          got.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id'), text: m.string() });
        },
      });
      await nc.flush();
      const h = headers();
      h.set('Nats-Msg-Id', 'x:Ü:1');
      nc.publish('md.trade.binance.BTC-USDT', 'prix 97 000,5 € ✓', { headers: h });
      nc.publish('md.status.binance', '{"state":"connected"}');
      await waitFor(() => got.length === 2);
      expect(got).toEqual([
        { subject: 'md.trade.binance.BTC-USDT', id: 'x:Ü:1', text: 'prix 97 000,5 € ✓' },
        { subject: 'md.status.binance', id: undefined, text: '{"state":"connected"}' },
      ]);
      await sub.drain();
    } finally {
      await nc.close();
    }
  });
});
