// One call for the worker: plan the crop, run one method (through the registry), measure the lesion.
// Everything it returns is plain data (typed arrays and numbers), ready to post from a worker.
import type { SegmentationModel } from '../model/index.ts';
import { pasteCrop } from './crop.ts';
import { type InstanceRequest, type PreparedInstance, type PrepareOptions, prepareInstance } from './instance.ts';
import { type ExplainMethod, methodById, type MethodOptions, type MethodResult } from './methods/index.ts';
import { type LesionSaliency, lesionSaliency } from './quantities.ts';
import type { SaliencyResult } from './smoothGrad.ts';

export type { ExplainMethod } from './methods/index.ts';

export interface ExplainOptions extends PrepareOptions, MethodOptions {
  method: ExplainMethod;
  /** ring for the FLAIR/MPRAGE share, mm; default 5 */
  neighbourhoodMm?: number;
  /** called once the crop is planned, before the method runs (e.g. to place progressive maps) */
  onPrepared?: (p: PreparedInstance) => void;
}

export interface Explanation {
  /** the method's result plus `shown` / `shownChannels`, the maps as the app shows them */
  result: MethodResult;
  /** methods with signed per-channel maps only (trait `quantities`): peak, shares, shells */
  quantities: LesionSaliency | null;
}

export async function explainInstance(model: SegmentationModel, request: InstanceRequest, o: ExplainOptions): Promise<Explanation> {
  const method = methodById(o.method);
  const p = await prepareInstance(model, request, o);
  o.onPrepared?.(p);
  const result = await method.run(model, p, o);
  return { result, quantities: method.quantities ? lesionSaliency(result, p, o.neighbourhoodMm) : null };
}

/** The result's maps as full-size volumes (0 outside the crop), e.g. for the viewer. */
export function mapsAsVolumes(result: SaliencyResult, dimsXyz: readonly number[]): Float32Array[] {
  return result.maps.map((m) => pasteCrop(m, result.crop, dimsXyz));
}
