#!/usr/bin/env node
// Smoke check for the container image: trades arrive on NATS and land in the JetStream stream.
//
//   node tools/container/check-trades.mjs <nats url> <subject> <count> <timeout ms> [stream]
//
// Subscribes to <subject>, waits for <count> trades (each a v1 trade JSON whose Nats-Msg-Id header is
// <venue>:<instrument>:<id>), then checks that the stream holds at least that many messages on the
// subject. Prints one summary line; exits 1 with the reason otherwise.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

const [url, subject, countArg, timeoutArg, stream = 'MD'] = process.argv.slice(2);
const want = Number(countArg);
const timeoutMs = Number(timeoutArg);
if (!url || !subject || !(want > 0) || !(timeoutMs > 0)) {
  process.stderr.write('usage: node tools/container/check-trades.mjs <nats url> <subject> <count> <timeout ms> [stream]\n');
  process.exit(2);
}

function fail(message) {
  process.stderr.write(`check-trades: ${message}\n`);
  process.exit(1);
}

const nc = await connect({ servers: url, name: 'tickgate-smoke-check' });
const decoder = new TextDecoder();
const sub = nc.subscribe(subject);
const timer = setTimeout(() => sub.unsubscribe(), timeoutMs);
let received = 0;
let last;
for await (const msg of sub) {
  let trade;
  try {
    trade = JSON.parse(decoder.decode(msg.data));
  } catch {
    fail(`not JSON on ${msg.subject}: ${decoder.decode(msg.data).slice(0, 200)}`);
  }
  if (trade.v !== 1 || trade.type !== 'trade' || typeof trade.price !== 'string' || typeof trade.quantity !== 'string') {
    fail(`not a v1 trade on ${msg.subject}: ${JSON.stringify(trade)}`);
  }
  const msgId = msg.headers?.get('Nats-Msg-Id');
  if (msgId !== `${trade.venue}:${trade.instrument}:${trade.id}`) fail(`Nats-Msg-Id ${JSON.stringify(msgId)} does not match trade ${trade.id}`);
  received += 1;
  last = trade;
  if (received >= want) break;
}
clearTimeout(timer);
if (received < want) fail(`only ${received} of ${want} trades on ${subject} within ${timeoutMs} ms`);

const jsm = await jetstreamManager(nc);
const info = await jsm.streams.info(stream, { subjects_filter: subject });
const stored = info.state.subjects?.[subject] ?? 0;
await nc.close();
if (stored < want) fail(`stream ${stream} holds ${stored} messages on ${subject}, expected at least ${want}`);
process.stdout.write(
  `check-trades: ${received} trades on ${subject} (last id ${last.id} price ${last.price} qty ${last.quantity} ${last.side}); ` +
    `stream ${stream} holds ${stored} on it\n`,
);
