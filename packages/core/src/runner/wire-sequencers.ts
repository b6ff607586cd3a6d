import type { EventEmitter } from 'node:events';
import type { Trade } from '@tickgate/schema';
import type { ControlEvent, Rejection } from '../adapter.js';
import type { FeedRunnerEvents, FeedStateChange } from './feed-runner.js';

/**
 * What the runner's events are turned into for one instrument: the inputs of that instrument's
 * sequencer, named as the sequencer names them (any object with these methods will do).
 */
export interface SequencerInputs {
  /** A live trade; `span` consecutive venue ids end at `trade.id`. */
  trade(trade: Trade, span: number): void;
  /** A frame the parser rejected that named this instrument. */
  rejected(rejection: Rejection): void;
  /** The venue's word on this instrument's last trade id. */
  heartbeat(lastTradeId: string): void;
  /** The connection carrying this instrument is live. */
  connected(): void;
  /** The connection carrying this instrument was lost. */
  disconnected(): void;
}

/** The part of a `FeedRunner` the wiring listens to. */
export type FeedRunnerEmitter = Pick<EventEmitter<FeedRunnerEvents>, 'on' | 'off'>;

/**
 * The heartbeat rule: a heartbeat reaches a sequencer only when it names both the instrument and a
 * last trade id. One without an instrument (a connection-level heartbeat) or without an id keeps the
 * connection alive and nothing more.
 */
export function heartbeatTarget(event: ControlEvent): { readonly instrument: string; readonly lastTradeId: string } | undefined {
  if (event.type !== 'heartbeat' || !event.instrument || !event.lastTradeId) return undefined;
  return { instrument: event.instrument, lastTradeId: event.lastTradeId };
}

/**
 * Route one runner's events to per-instrument sequencers, found by instrument through `sequencerFor`:
 * - a trade goes to the sequencer of `trade.instrument`;
 * - a rejection that names an instrument goes to that instrument's sequencer (one carrying a trade id
 *   opens a gap there);
 * - a heartbeat goes by {@link heartbeatTarget};
 * - when the runner goes `live`, every instrument it carries (`instruments`) is `connected()`; when it
 *   goes `reconnecting`, every one is `disconnected()`.
 * Instruments without a sequencer are skipped. Listeners added before this call run before the
 * sequencers see an event. Returns a function that removes the listeners.
 */
export function wireSequencers(runner: FeedRunnerEmitter, instruments: readonly string[], sequencerFor: (instrument: string) => SequencerInputs | undefined): () => void {
  const onTrade = (trade: Trade, span: number): void => {
    sequencerFor(trade.instrument)?.trade(trade, span);
  };
  const onRejection = (rejection: Rejection): void => {
    // book and bbo frames are not trades: their loss is the book rule's to find
    if (rejection.instrument && (rejection.channel === undefined || rejection.channel === 'trades')) sequencerFor(rejection.instrument)?.rejected(rejection);
  };
  const onControl = (event: ControlEvent): void => {
    const target = heartbeatTarget(event);
    if (target) sequencerFor(target.instrument)?.heartbeat(target.lastTradeId);
  };
  const onState = (change: FeedStateChange): void => {
    if (change.state === 'live') for (const i of instruments) sequencerFor(i)?.connected();
    else if (change.state === 'reconnecting') for (const i of instruments) sequencerFor(i)?.disconnected();
  };
  runner.on('trade', onTrade);
  runner.on('rejection', onRejection);
  runner.on('control', onControl);
  runner.on('state', onState);
  return () => {
    runner.off('trade', onTrade);
    runner.off('rejection', onRejection);
    runner.off('control', onControl);
    runner.off('state', onState);
  };
}
