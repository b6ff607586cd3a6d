import { DedupSequencer } from './dedup-sequencer.js';
import { OrderedSequencer } from './ordered-sequencer.js';
import type { SequencerOptions, TradeSequencer } from './types.js';

/**
 * One instrument's sequencer, of the kind the venue's rule (`options.sequencing`, from
 * `StreamRules.sequencing`) calls for: an `OrderedSequencer` where ids are consecutive integers (gaps
 * detected, held behind and filled from REST), a `DedupSequencer` where ids carry no order (arrival
 * order, duplicates dropped).
 */
export function createSequencer(options: SequencerOptions): TradeSequencer {
  const rule: string = options.sequencing;
  switch (rule) {
    case 'consecutive':
      return new OrderedSequencer(options);
    case 'none':
      return new DedupSequencer(options);
    default:
      throw new RangeError(`sequencing must be 'consecutive' or 'none', got ${JSON.stringify(rule)}`);
  }
}
