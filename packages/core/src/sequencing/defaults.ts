/**
 * The sequencer's defaults, in this one place; the gateway's config (`reconcile.holdTimeoutMs`,
 * `reconcile.maxHeld`) takes its defaults from here. The bounds are longer than a typical REST pause
 * or 418 ban, so that a gap open during one is still filled afterwards.
 */
export const SEQUENCER_DEFAULTS = {
  /** Longest a gap holds live trades, ms. */
  holdTimeoutMs: 30_000,
  /** Most live trades held behind gaps. */
  maxHeld: 100_000,
  /** Recent distinct ids remembered for duplicate detection where ids carry no order. */
  dedupWindow: 10_000,
} as const;

/** The hold bounds of a sequencer, defaulted and checked. */
export interface HoldBounds {
  readonly holdTimeoutMs: number;
  readonly maxHeld: number;
}

/** `holdTimeoutMs` and `maxHeld` from the options or the defaults; a `RangeError` for values no bound can have. */
export function resolveBounds(options: { readonly holdTimeoutMs?: number; readonly maxHeld?: number }): HoldBounds {
  const holdTimeoutMs = options.holdTimeoutMs ?? SEQUENCER_DEFAULTS.holdTimeoutMs;
  const maxHeld = options.maxHeld ?? SEQUENCER_DEFAULTS.maxHeld;
  if (!(holdTimeoutMs >= 0)) throw new RangeError(`holdTimeoutMs must be >= 0, got ${holdTimeoutMs}`);
  if (!Number.isInteger(maxHeld) || maxHeld < 0) throw new RangeError(`maxHeld must be a non-negative integer, got ${maxHeld}`);
  return { holdTimeoutMs, maxHeld };
}
