import type { ControlEvent, ParseSink, Rejection } from '@tickgate/core';
import type { Trade } from '@tickgate/schema';

/** Everything a parser reported, in order (`spans[i]` belongs to `trades[i]`). */
export interface Collected {
  trades: Trade[];
  spans: number[];
  controls: ControlEvent[];
  rejections: Rejection[];
}

/** A `ParseSink` that keeps what it is given, for adapter tests. */
export function collectingSink(): ParseSink & Collected {
  const trades: Trade[] = [];
  const spans: number[] = [];
  const controls: ControlEvent[] = [];
  const rejections: Rejection[] = [];
  return {
    trades,
    spans,
    controls,
    rejections,
    trade: (t, span) => {
      trades.push(t);
      spans.push(span ?? 1);
    },
    control: (c) => controls.push(c),
    reject: (r) => rejections.push(r),
  };
}
