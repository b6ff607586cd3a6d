import { instrumentMap, ParseError, type InstrumentInfo, type RestRequest } from '@tickgate/core';
import { isCanonicalDecimal, isInstrumentId, type Trade } from '@tickgate/schema';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { fieldMutations, genericBadFrames, getAt, leafPaths, nodePaths, setAt } from './bad-frames.js';
import { checkAdapterObject, checkParsed, checkRestRequest, checkTrade, collect, listProblems, RECEIVE_TIME_US, show, type TradeContext } from './checks.js';
import { compareWithSim, coveredIds, runSimScenario, type SimReport } from './sim-check.js';
import type { ConformanceOptions, ExpectedTrade } from './types.js';

/** Fail a test with a list of what to fix. */
function assertNone(title: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(listProblems(title, problems));
}

const FIXTURE_HELP = 'see docs/adding-a-venue.md, "Record fixtures"';

function compareExpected(trade: Trade, span: number, expect: ExpectedTrade): string[] {
  const problems: string[] = [];
  for (const key of ['instrument', 'symbol', 'id', 'price', 'quantity', 'side', 'tradeTime'] as const) {
    const wanted = expect[key];
    if (wanted !== undefined && trade[key] !== wanted) problems.push(`${key}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(trade[key])}`);
  }
  if (expect.span !== undefined && span !== expect.span) problems.push(`span: expected ${expect.span}, got ${span}`);
  return problems;
}

/**
 * The shared conformance suite of a venue adapter. Call it at the top level of the adapter's
 * `src/conformance.test.ts`; every failure says what to fix.
 *
 * ```ts
 * describeAdapterConformance({
 *   adapter: binance,
 *   instruments: INSTRUMENTS,
 *   backfill: 'by-id',
 *   fixtures: { trades: readTradeFixtures(fixture('ws-generated-trades.json')), rejections: … },
 *   sim: async () => fromVenueSim(await startBinanceSim(), { instrument: BTC }),
 * });
 * ```
 */
export function describeAdapterConformance(options: ConformanceOptions): void {
  const { adapter, instruments, fixtures } = options;
  const map = instrumentMap(instruments);
  const numRuns = options.numRuns ?? 300;
  const seed = options.seed ?? 42;
  const ctx: TradeContext = { venue: adapter.venue, instruments: map, receiveTimeUs: RECEIVE_TIME_US, source: 'ws' };
  const parse = (raw: string) => collect(adapter.createParser(map), raw);
  const sequencing = adapter.stream?.sequencing === 'none' ? 'none' : 'consecutive';

  describe(`${String(adapter.venue)} adapter conformance`, () => {
    describe('the adapter object', () => {
      it('is complete: venue id, default URLs, stream rules (heartbeat, sequencing, limits), connect plan, REST limits', () => {
        assertNone('the adapter object is incomplete', [
          ...(instruments.length === 0 ? ['instruments: give the kit at least one instrument the fixtures trade'] : []),
          ...checkAdapterObject(adapter, instruments),
        ]);
      });

      it(`says plainly whether it can backfill by id (declared: ${options.backfill})`, () => {
        const tradesFrom = adapter.rest?.tradesFrom;
        if (options.backfill === 'by-id') {
          assertNone('backfill "by-id" was declared', [
            ...(typeof tradesFrom !== 'function' ? ['rest.tradesFrom is undefined: implement it, or declare backfill: "none" if the venue cannot page trades by id'] : []),
            ...(adapter.stream?.sequencing !== 'consecutive' ? ['stream.sequencing is not "consecutive": without ordered ids there is no gap to fill by id'] : []),
          ]);
        } else {
          assertNone('backfill "none" was declared', tradesFrom !== undefined ? ['rest.tradesFrom is defined: leave it undefined where the venue cannot return trades by id (say so in the adapter README), or declare backfill: "by-id"'] : []);
        }
      });
    });

    describe('fixtures', () => {
      it('has trade and rejection fixtures', () => {
        assertNone('the fixtures are not filled in', [
          ...(fixtures.trades.length === 0 ? [`fixtures.trades is empty: add recorded trade frames and their expected trades (${FIXTURE_HELP})`] : []),
          ...(fixtures.rejections.length === 0 ? [`fixtures.rejections is empty: add bad frames of this venue with the reason each must be rejected for (${FIXTURE_HELP})`] : []),
        ]);
      });

      it('every trade fixture parses to its expected trades, strictly schema-valid (canonical decimals, taker side, µs times)', () => {
        const problems: string[] = [];
        for (const fixture of fixtures.trades) {
          const parsed = parse(fixture.frame);
          const found: string[] = [...checkParsed(parsed, fixture.frame, ctx)];
          if (parsed.rejections.length > 0) found.push(...parsed.rejections.map((r) => `rejected (${r.reason}): ${r.message}`));
          if (parsed.trades.length !== fixture.expect.length) found.push(`expected ${fixture.expect.length} trade(s), the parser emitted ${parsed.trades.length}`);
          parsed.trades.forEach(({ trade, span }, i) => {
            const expect = fixture.expect[i];
            if (expect) found.push(...compareExpected(trade, span, expect).map((p) => `trade ${i}: ${p}`));
          });
          problems.push(...found.map((p) => `"${fixture.name}": ${p}`));
        }
        assertNone('trade fixtures do not parse as expected', problems);
      });

      it('every rejection fixture is rejected with its reason, names its field, carries its instrument and trade id', () => {
        const problems: string[] = [];
        for (const fixture of fixtures.rejections) {
          const parsed = parse(fixture.frame);
          const found: string[] = [...checkParsed(parsed, fixture.frame, ctx)];
          if (parsed.trades.length > 0) found.push(`emitted ${parsed.trades.length} trade(s) for a bad frame`);
          const r = parsed.rejections[0];
          if (r === undefined) found.push(`not rejected (expected reason ${fixture.reason})`);
          else {
            if (r.reason !== fixture.reason) found.push(`reason: expected ${fixture.reason}, got ${r.reason} (${r.message})`);
            if (fixture.field !== undefined && !r.message.includes(fixture.field)) found.push(`message must name the field ${JSON.stringify(fixture.field)} (got ${JSON.stringify(r.message)})`);
            if (fixture.instrument !== undefined && r.instrument !== fixture.instrument) found.push(`instrument: expected ${fixture.instrument}, got ${String(r.instrument)}`);
            if (fixture.tradeId !== undefined && r.tradeId !== fixture.tradeId) found.push(`tradeId: expected ${fixture.tradeId}, got ${String(r.tradeId)} (the sequencer needs it to treat the frame as a gap)`);
          }
          problems.push(...found.map((p) => `"${fixture.name}": ${p}`));
        }
        assertNone('rejection fixtures are not rejected as expected', problems);
      });

      it('every control fixture produces its control event', () => {
        const problems: string[] = [];
        for (const fixture of fixtures.controls ?? []) {
          const parsed = parse(fixture.frame);
          const found: string[] = [...checkParsed(parsed, fixture.frame, ctx)];
          if (parsed.trades.length > 0 || parsed.rejections.length > 0) found.push(`expected only control events, got ${parsed.trades.length} trade(s) and ${parsed.rejections.length} rejection(s)`);
          const event = parsed.controls.find((c) => c.type === fixture.expect.type);
          if (event === undefined) found.push(`no ${fixture.expect.type} control event (got ${parsed.controls.map((c) => c.type).join(', ') || 'none'})`);
          else {
            for (const [key, value] of Object.entries(fixture.expect)) {
              const got = (event as Record<string, unknown>)[key];
              if (got !== value) found.push(`${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
            }
          }
          problems.push(...found.map((p) => `"${fixture.name}": ${p}`));
        }
        assertNone('control fixtures do not produce their events', problems);
      });

      it('other recorded frames parse without throwing into valid events, each frame reported', () => {
        const problems: string[] = [];
        (fixtures.frames ?? []).forEach((frame, i) => {
          const parsed = parse(frame);
          const found = checkParsed(parsed, frame, ctx);
          if (parsed.trades.length + parsed.controls.length + parsed.rejections.length === 0) found.push('the parser reported nothing: every frame must end as trades, a control event or a rejection');
          problems.push(...found.map((p) => `frame ${i} ${show(frame, 60)}: ${p}`));
        });
        assertNone('recorded frames', problems);
      });
    });

    describe('bad frames', () => {
      it('text that is not JSON, and JSON that is no message, is rejected with a stable reason, never emitted as a trade', () => {
        const problems: string[] = [];
        for (const bad of genericBadFrames()) {
          const first = parse(bad.frame);
          const again = parse(bad.frame);
          const found = checkParsed(first, bad.frame, ctx);
          if (first.trades.length > 0) found.push('emitted a trade');
          const r = first.rejections[0];
          if (r === undefined) found.push(`not rejected (expected ${bad.reasons.join(' or ')}; got ${first.controls.map((c) => c.type).join(', ') || 'nothing'})`);
          else if (!bad.reasons.includes(r.reason)) found.push(`reason ${r.reason}, expected ${bad.reasons.join(' or ')}`);
          else if (again.rejections[0]?.reason !== r.reason) found.push('the reason changes between two parses of the same frame');
          problems.push(...found.map((p) => `${bad.name}: ${p}`));
        }
        assertNone('generic bad frames', problems);
      });

      it('absurd values in the id, price, quantity or time of a valid frame are rejected (invalid-field), never emitted', () => {
        const problems: string[] = [];
        for (const m of fieldMutations(fixtures.trades, sequencing)) {
          const parsed = parse(m.frame);
          const found = checkParsed(parsed, m.frame, ctx);
          if (parsed.trades.length >= m.originalTrades) found.push(`still emitted ${parsed.trades.length} trade(s): ${parsed.trades.map(({ trade }) => `${trade.id} ${trade.price}×${trade.quantity} @${trade.tradeTime}`).join(', ')}`);
          if (!parsed.rejections.some((r) => r.reason === 'invalid-field')) {
            found.push(`no invalid-field rejection (got ${parsed.rejections.map((r) => r.reason).join(', ') || 'none'})`);
          }
          problems.push(...found.map((p) => `${m.name}: ${p}`));
        }
        assertNone('frames with absurd field values', problems);
      });

      it('never throws on arbitrary text, and reports every frame (fast-check)', () => {
        fc.assert(
          fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.json({ maxDepth: 2 })), (raw) => {
            const parsed = parse(raw);
            const found = checkParsed(parsed, raw, ctx);
            if (parsed.trades.length + parsed.controls.length + parsed.rejections.length === 0) found.push('the parser reported nothing');
            assertNone(`frame ${show(raw)}`, found);
          }),
          { numRuns, seed },
        );
      });

      it('never throws on mutations of valid frames and emits only valid events (fast-check)', () => {
        const frames = [...fixtures.trades.map((f) => f.frame), ...(fixtures.controls ?? []).map((f) => f.frame)];
        if (frames.length === 0) throw new Error(`no valid frames to mutate: fixtures.trades is empty (${FIXTURE_HELP})`);
        const mutation = fc.oneof(
          fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
          fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.nat({ max: 4 }), text: fc.string({ maxLength: 6 }) }),
          fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
          fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
        );
        fc.assert(
          fc.property(fc.constantFrom(...frames), mutation, (frame, m) => {
            let raw = frame;
            if (m.kind === 'truncate') raw = frame.slice(0, m.at % (frame.length + 1));
            else if (m.kind === 'splice') {
              const at = m.at % (frame.length + 1);
              raw = frame.slice(0, at) + m.text + frame.slice(at + m.remove);
            } else {
              let json: Parameters<typeof leafPaths>[0];
              try {
                json = JSON.parse(frame) as typeof json;
              } catch {
                return;
              }
              const paths = m.kind === 'replace' ? [...leafPaths(json), ...nodePaths(json)] : nodePaths(json);
              const path = paths[m.at % Math.max(1, paths.length)];
              if (path === undefined || getAt(json, path) === undefined) return;
              raw = JSON.stringify(setAt(json, path, m.kind === 'replace' ? (m.value as typeof json) : undefined));
            }
            assertNone(`mutated frame ${show(raw)}`, checkParsed(parse(raw), raw, ctx));
          }),
          { numRuns, seed },
        );
      });
    });

    describe('REST', () => {
      it('request builders give relative paths and weights > 0 for every endpoint', () => {
        const problems: string[] = [];
        const limits = adapter.rest.limits;
        const tryBuild = (what: string, build: () => RestRequest<unknown>) => {
          try {
            problems.push(...checkRestRequest(build(), what));
          } catch (error) {
            problems.push(`${what} threw ${error instanceof Error ? error.message : String(error)}`);
          }
        };
        tryBuild(`instruments(${JSON.stringify(instruments.map((i) => i.symbol))})`, () => adapter.rest.instruments(instruments.map((i) => i.symbol)));
        for (const info of instruments) {
          tryBuild(`instruments(["${info.symbol}"])`, () => adapter.rest.instruments([info.symbol]));
          tryBuild(`recentTrades(${info.instrument}, 1)`, () => adapter.rest.recentTrades(info, 1));
          tryBuild(`recentTrades(${info.instrument}, ${limits.maxTradesPerPage})`, () => adapter.rest.recentTrades(info, limits.maxTradesPerPage));
          tryBuild(`lastPrice(${info.instrument})`, () => adapter.rest.lastPrice(info));
          const tradesFrom = adapter.rest.tradesFrom;
          if (tradesFrom) {
            tryBuild(`tradesFrom(${info.instrument}, "1", 1)`, () => tradesFrom(info, '1', 1));
            tryBuild(`tradesFrom(${info.instrument}, "1000", ${limits.maxTradesPerPage})`, () => tradesFrom(info, '1000', limits.maxTradesPerPage));
          }
        }
        assertNone('REST request builders', problems);
      });

      it('response parsers read the REST fixtures into valid results', () => {
        const rest = fixtures.rest ?? {};
        const problems: string[] = [];
        const restCtx: TradeContext = { ...ctx, source: 'rest' };
        const infoOf = (instrument: string, name: string): InstrumentInfo | undefined => {
          const info = map.byInstrument(instrument);
          if (!info) problems.push(`"${name}": instrument ${instrument} is not one of the kit's instruments`);
          return info;
        };
        for (const f of rest.trades ?? []) {
          const info = infoOf(f.instrument, f.name);
          if (!info) continue;
          let trades: Trade[];
          try {
            const req = f.fromId !== undefined && adapter.rest.tradesFrom ? adapter.rest.tradesFrom(info, f.fromId, f.limit ?? adapter.rest.limits.maxTradesPerPage) : adapter.rest.recentTrades(info, f.limit ?? adapter.rest.limits.maxTradesPerPage);
            trades = req.parse(f.body, RECEIVE_TIME_US);
          } catch (error) {
            problems.push(`"${f.name}": the parser threw ${error instanceof Error ? error.message : String(error)}`);
            continue;
          }
          if (!Array.isArray(trades)) {
            problems.push(`"${f.name}": the parser must return an array of trades`);
            continue;
          }
          trades.forEach((t, i) => problems.push(...checkTrade(t, 1, restCtx).map((p) => `"${f.name}" trade ${i}: ${p}`)));
          if (sequencing === 'consecutive') {
            for (let i = 1; i < trades.length; i++) {
              if (BigInt(trades[i]!.id) <= BigInt(trades[i - 1]!.id)) problems.push(`"${f.name}": trades must be ascending by id (${trades[i - 1]!.id} then ${trades[i]!.id})`);
            }
          }
          if (f.expectIds && JSON.stringify(trades.map((t) => t.id)) !== JSON.stringify(f.expectIds)) {
            problems.push(`"${f.name}": expected ids [${f.expectIds.join(', ')}], got [${trades.map((t) => t.id).join(', ')}]`);
          }
        }
        for (const f of rest.instruments ?? []) {
          try {
            const list = adapter.rest.instruments(f.symbols).parse(f.body, RECEIVE_TIME_US);
            list.forEach((info, i) => {
              if (!isInstrumentId(info.instrument)) problems.push(`"${f.name}" [${i}]: instrument ${JSON.stringify(info.instrument)} is not BASE-QUOTE`);
              if (!info.symbol) problems.push(`"${f.name}" [${i}]: symbol is empty`);
              for (const k of ['tickSize', 'stepSize'] as const) {
                if (info[k] !== undefined && !isCanonicalDecimal(info[k])) problems.push(`"${f.name}" [${i}]: ${k} ${JSON.stringify(info[k])} is not a canonical decimal`);
              }
            });
            for (const want of f.expect ?? []) {
              const got = list.find((i) => i.symbol === want.symbol || i.instrument === want.instrument);
              if (!got) problems.push(`"${f.name}": no instrument ${JSON.stringify(want.instrument ?? want.symbol)} in the result`);
              else for (const [k, v] of Object.entries(want)) if ((got as unknown as Record<string, unknown>)[k] !== v) problems.push(`"${f.name}" ${got.symbol}.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify((got as unknown as Record<string, unknown>)[k])}`);
            }
          } catch (error) {
            problems.push(`"${f.name}": the parser threw ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        for (const f of rest.lastPrice ?? []) {
          const info = infoOf(f.instrument, f.name);
          if (!info) continue;
          try {
            const price = adapter.rest.lastPrice(info).parse(f.body, RECEIVE_TIME_US);
            if (!isCanonicalDecimal(price)) problems.push(`"${f.name}": ${JSON.stringify(price)} is not a canonical decimal`);
            if (f.expect !== undefined && price !== f.expect) problems.push(`"${f.name}": expected ${f.expect}, got ${price}`);
          } catch (error) {
            problems.push(`"${f.name}": the parser threw ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        assertNone('REST response parsers', problems);
      });

      it('response parsers throw ParseError (and only ParseError) on error and garbage bodies', () => {
        const info = instruments[0];
        if (!info) throw new Error('instruments: give the kit at least one instrument');
        const bodies = [...(fixtures.rest?.errors ?? []), { name: 'not JSON', body: '<html>502 Bad Gateway</html>' }, { name: 'empty body', body: '' }];
        const parsers: [string, (body: string) => unknown][] = [
          ['instruments', (b) => adapter.rest.instruments([info.symbol]).parse(b, RECEIVE_TIME_US)],
          ['recentTrades', (b) => adapter.rest.recentTrades(info, 1).parse(b, RECEIVE_TIME_US)],
          ['lastPrice', (b) => adapter.rest.lastPrice(info).parse(b, RECEIVE_TIME_US)],
        ];
        if (adapter.rest.tradesFrom) parsers.push(['tradesFrom', (b) => adapter.rest.tradesFrom!(info, '1', 1).parse(b, RECEIVE_TIME_US)]);
        const problems: string[] = [];
        for (const { name, body } of bodies) {
          for (const [what, parseBody] of parsers) {
            try {
              const result = parseBody(body);
              problems.push(`${what} on "${name}": returned ${show(JSON.stringify(result) ?? String(result), 60)} instead of throwing ParseError`);
            } catch (error) {
              if (!(error instanceof ParseError)) problems.push(`${what} on "${name}": threw ${error instanceof Error ? error.name : typeof error}, not ParseError (the REST client retries or reports by that type)`);
            }
          }
        }
        assertNone('REST parsers on error bodies', problems);
      });
    });

    const simFactory = options.sim;
    if (simFactory === undefined) {
      it.skip('against a simulator of the venue (none given: pass `sim` to run reconnect and backfill checks)', () => undefined);
      return;
    }

    describe('against the simulator', () => {
      const stepTimeoutMs = options.simStepTimeoutMs ?? 10_000;
      let report: SimReport | undefined;
      let startError: unknown;
      beforeAll(async () => {
        try {
          const sim = await simFactory();
          report = await runSimScenario({ adapter, sim, backfill: options.backfill === 'by-id' && adapter.rest.tradesFrom !== undefined, stepTimeoutMs });
        } catch (error) {
          startError = error;
        }
      }, stepTimeoutMs * 5 + 10_000);

      const need = (): SimReport => {
        if (startError !== undefined) throw new Error(`the simulator did not start: ${startError instanceof Error ? startError.message : String(startError)}`);
        if (report === undefined) throw new Error('the simulator scenario did not run');
        return report;
      };

      it("a FeedRunner connects and receives the simulator's trades in order, with their prices, quantities and taker sides", () => {
        const r = need();
        const problems: string[] = [];
        if (r.failedStep === 'live') problems.push(r.failure ?? 'the live phase failed');
        const byId = new Map([...r.phase1, ...r.missed, ...r.phase3].map((t) => [t.id, t]));
        const seen = new Set<string>();
        const order: string[] = [];
        for (const { trade, span } of r.before) {
          problems.push(...checkTrade(trade, span, { ...ctx, receiveTimeUs: trade.receiveTime }).map((p) => `live trade ${trade.id}: ${p}`));
          problems.push(...compareWithSim(trade, span, byId));
          for (const id of coveredIds(trade, span)) {
            if (!seen.has(id)) {
              seen.add(id);
              order.push(id);
            }
          }
        }
        const want = r.phase1.map((t) => t.id);
        if (r.phase1.length > 0 && JSON.stringify(order) !== JSON.stringify(want)) {
          problems.push(`received ids in this order: [${order.join(', ')}]; the simulator made [${want.join(', ')}]`);
        }
        assertNone('live trades from the simulator', problems);
      });

      it('reconnects after the simulator drops the connection and receives the trades made since', () => {
        const r = need();
        const problems: string[] = [];
        if (r.failedStep === 'live') problems.push('not reached: the live phase failed (see the test above)');
        if (r.failedStep === 'reconnect') problems.push(r.failure ?? 'the reconnect failed');
        const byId = new Map([...r.phase1, ...r.missed, ...r.phase3].map((t) => [t.id, t]));
        const wanted = new Set(r.phase3.map((t) => t.id));
        const order: string[] = [];
        for (const { trade, span } of r.after) {
          problems.push(...compareWithSim(trade, span, byId));
          for (const id of coveredIds(trade, span)) if (wanted.has(id) && !order.includes(id)) order.push(id);
        }
        const want = r.phase3.map((t) => t.id);
        if (r.phase3.length > 0 && JSON.stringify(order) !== JSON.stringify(want)) problems.push(`after the reconnect received [${order.join(', ')}]; the simulator made [${want.join(', ')}]`);
        assertNone('reconnect', problems);
      });

      if (options.backfill === 'by-id') {
        it('fills the gap left by the drop through RestClient and rest.tradesFrom with exactly the missed trades', () => {
          const r = need();
          const problems: string[] = [];
          if (r.failedStep === 'live' || r.failedStep === 'reconnect') problems.push('not reached: an earlier step failed (see the tests above)');
          if (r.failedStep === 'backfill') problems.push(r.failure ?? 'the backfill failed');
          const all = [...r.phase1, ...r.missed, ...r.phase3];
          const byId = new Map(all.map((t) => [t.id, t]));
          const liveIds = new Set(r.after.flatMap(({ trade, span }) => coveredIds(trade, span)));
          const missedNotLive = r.missed.filter((t) => !liveIds.has(t.id)).map((t) => t.id);
          const restIds = r.released.filter((t) => t.source === 'rest').map((t) => t.id);
          if (missedNotLive.length > 0 && r.backfills.length === 0) problems.push(`no tradesFrom call was made for the missed ids [${missedNotLive.join(', ')}] (gap requests: ${r.gaps.length})`);
          for (const call of r.backfills) {
            if (call.error) problems.push(`tradesFrom(${call.fromId}, ${call.limit}) failed: ${call.error}`);
            const ids = call.ids ?? [];
            const from = BigInt(call.fromId);
            ids.forEach((id, i) => {
              if (BigInt(id) !== from + BigInt(i)) problems.push(`tradesFrom(${call.fromId}, ${call.limit}) returned [${ids.join(', ')}]: expected consecutive ids from ${call.fromId}, ascending`);
            });
            if (ids.length > call.limit) problems.push(`tradesFrom(${call.fromId}, ${call.limit}) returned ${ids.length} trades, more than the limit`);
          }
          for (const t of r.released.filter((x) => x.source === 'rest')) problems.push(...compareWithSim(t, 1, byId).map((p) => `REST ${p}`));
          const unexpected = restIds.filter((id) => !missedNotLive.includes(id));
          const notFilled = missedNotLive.filter((id) => !restIds.includes(id));
          if (unexpected.length > 0) problems.push(`REST released ids that were not missed: [${unexpected.join(', ')}]`);
          if (notFilled.length > 0) problems.push(`missed ids never filled from REST: [${notFilled.join(', ')}]`);
          const released = r.released.map((t) => t.id);
          const releasedOrder = r.released.flatMap((t) => (t.source === 'ws' ? coveredIds(t, [...r.before, ...r.after].find((x) => x.trade.id === t.id)?.span ?? 1) : [t.id]));
          if (JSON.stringify(releasedOrder) !== JSON.stringify(all.map((t) => t.id))) {
            problems.push(`the sequencer released [${released.join(', ')}]; expected every simulator id once, in order: [${all.map((t) => t.id).join(', ')}]`);
          }
          assertNone('REST backfill', problems);
        });
      } else {
        it('has no id backfill, and says so (rest.tradesFrom is undefined)', () => {
          need();
          assertNone('backfill "none"', adapter.rest.tradesFrom !== undefined ? ['rest.tradesFrom is defined although backfill "none" was declared'] : []);
        });
      }
    });
  });
}
