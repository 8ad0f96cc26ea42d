// The explanation methods: the app reads every method's traits from here, never its name.
// Adding a method: one file with its descriptor, one line in EXPLAIN_METHODS.
import { gradCamMethod } from './gradCam.ts';
import { gradCamPlusPlusMethod, smoothGradMaxMethod, smoothGradMeanMethod } from './paper.ts';
import type { MethodDescriptor } from './types.ts';

/** In the order the method picker lists them. */
export const EXPLAIN_METHODS = [smoothGradMeanMethod, smoothGradMaxMethod, gradCamPlusPlusMethod, gradCamMethod] as const;

export type ExplainMethod = (typeof EXPLAIN_METHODS)[number]['id'];

export const EXPLAIN_METHOD_IDS: readonly ExplainMethod[] = EXPLAIN_METHODS.map((m) => m.id);

export function isExplainMethod(id: unknown): id is ExplainMethod {
  return EXPLAIN_METHODS.some((m) => m.id === id);
}

/** The method's descriptor; throws on an unknown id (ids from outside are checked with isExplainMethod). */
export function methodById(id: string): MethodDescriptor<ExplainMethod> {
  const m = EXPLAIN_METHODS.find((d) => d.id === id);
  if (!m) throw new Error(`unknown explanation method '${id}' (known: ${EXPLAIN_METHOD_IDS.join(', ')})`);
  return m;
}

export type { MethodDescriptor, MethodOptions, MethodResult, ShownMaps } from './types.ts';

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
