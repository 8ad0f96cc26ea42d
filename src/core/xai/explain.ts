// One call for the worker: plan the crop, run one method, measure the lesion. Everything it returns
// is plain data (typed arrays and numbers), ready to post from a worker.
import type { SegmentationModel } from '../model/index.ts';
import { pasteCrop } from './crop.ts';
import { gradCamPlusPlus, type GradCamResult } from './gradCamPlusPlus.ts';
import { type InstanceRequest, type PreparedInstance, type PrepareOptions, prepareInstance } from './instance.ts';
import { type LesionSaliency, lesionSaliency } from './quantities.ts';
import { type SaliencyResult, smoothGradMax, smoothGradMean, type SmoothGradOptions } from './smoothGrad.ts';

export type ExplainMethod = 'smoothgrad-mean' | 'smoothgrad-max' | 'gradcam++';

export interface ExplainOptions extends PrepareOptions, SmoothGradOptions {
  method: ExplainMethod;
  /** Grad-CAM++ layer; default manifest.gradCamLayer */
  layer?: string;
  /** ring for the FLAIR/MPRAGE share, mm; default 5 */
  neighbourhoodMm?: number;
  /** called once the crop is planned, before the method runs (e.g. to place progressive maps) */
  onPrepared?: (p: PreparedInstance) => void;
}

export interface Explanation {
  result: SaliencyResult | GradCamResult;
  /** SmoothGrad only: peak, shares, shells */
  quantities: LesionSaliency | null;
}

export async function explainInstance(model: SegmentationModel, request: InstanceRequest, o: ExplainOptions): Promise<Explanation> {
  const p = await prepareInstance(model, request, o);
  o.onPrepared?.(p);
  if (o.method === 'gradcam++') return { result: await gradCamPlusPlus(model, p, o.layer), quantities: null };
  const result = o.method === 'smoothgrad-max' ? await smoothGradMax(model, p, o) : await smoothGradMean(model, p, o);
  return { result, quantities: lesionSaliency(result, p, o.neighbourhoodMm) };
}

/** The result's maps as full-size volumes (0 outside the crop), e.g. for the viewer. */
export function mapsAsVolumes(result: SaliencyResult, dimsXyz: readonly number[]): Float32Array[] {
  return result.maps.map((m) => pasteCrop(m, result.crop, dimsXyz));
}
