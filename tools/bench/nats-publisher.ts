/**
 * Benchmark child: the NATS ceiling's publisher. Publishes trade payloads shaped like the gateway's
 * (~210 bytes, the same subject) as fast as core NATS takes them, yielding to the event loop every
 * 1,000 messages.
 *
 *   nats-publisher.ts <nats-url> <first-id> <count>
 *
 * Prints one JSON line `{ "published": n, "elapsedMs": t }` and exits.
 */
import { connect } from '@nats-io/transport-node';

const [url, firstText, countText] = process.argv.slice(2);
if (!url || !firstText || !countText) throw new Error('usage: nats-publisher.ts <nats-url> <first-id> <count>');
const first = Number(firstText);
const count = Number(countText);

const nc = await connect({ servers: url, name: 'tickgate-bench-publisher', noAsyncTraces: true });
const encoder = new TextEncoder();
const subject = 'md.trade.binance.BTC-USDT';
const started = performance.now();
for (let i = 0; i < count; i++) {
  const id = first + i;
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const payload =
    `{"v":1,"type":"trade","venue":"binance","instrument":"BTC-USDT","symbol":"BTCUSDT","id":"${id}",` +
    `"price":"97123.45","quantity":"0.00123","side":"sell","tradeTime":${us - 900},"receiveTime":${us},"source":"ws"}`;
  nc.publish(subject, encoder.encode(payload));
  if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
}
await nc.flush();
const elapsedMs = performance.now() - started;
await nc.close();
process.stdout.write(`${JSON.stringify({ published: count, elapsedMs })}\n`);
