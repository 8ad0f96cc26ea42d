import type { ExplainMethod } from './index.ts';

/** What the user chose for an explanation; part of cache keys, share links and provenance records. */
export interface ExplainSettings {
  method: ExplainMethod;
  /** SmoothGrad noise samples N */
  samples: number;
  /** noise seed: part of the result's provenance */
  seed: number;
  /** 'exact': lesion box + receptive field (equals the whole-window result); 'fast': effective receptive field */
  cropMode: 'exact' | 'fast';
}
