// What the app needs to know about an explanation method, so that no code outside the method tests
// its name: titles, what its maps mean, how its work is counted and batched, and how to run it.
import type { SegmentationModel } from '../../model/index.ts';
import { type CamResult, type ChannelWeights, layerCam } from '../cam.ts';
import type { PreparedInstance } from '../instance.ts';
import type { SaliencyResult, SmoothGradOptions } from '../smoothGrad.ts';

export interface MethodOptions extends SmoothGradOptions {
  /** CAM methods: the layer; default manifest.gradCamLayer */
  layer?: string;
}

/** The maps as the app shows them, beside the method's own result. */
export interface ShownMaps {
  /** signed methods: `maps` as they are; CAMs: the map scaled to [0, 1] */
  shown: Float32Array[];
  shownChannels: string[];
}

export type MethodResult = (SaliencyResult | CamResult) & ShownMaps;

export interface MethodDescriptor<Id extends string = string> {
  /** stable: it appears in share links, exports and provenance records */
  id: Id;
  /** shown in the UI and in captions */
  title: string;
  /** true: one signed, unscaled map per input channel (its values are the result); false: one map
   * scaled to [0, 1], high = important */
  signed: boolean;
  /** noise samples N and seed apply */
  usesNoise: boolean;
  /** what progress counts, and how many of them one explanation takes */
  progressUnit: string;
  progressTotal: (samples: number, lesionVoxels: number) => number;
  /** rows per backward pass to start with, and what a row is (said when a GPU fault halves them) */
  defaultBatch: number;
  batchUnit: string;
  /** one gradient per lesion voxel per noise sample (rows are (sample, voxel) pairs) */
  gradientPerVoxel: boolean;
  /** names of the shown maps, given the model's input channels */
  channelNames: (inputChannels: readonly string[]) => string[];
  /** peak saliency, channel shares and shells (lesionSaliency) apply: signed per-channel maps */
  quantities: boolean;
  run: (model: SegmentationModel, prepared: PreparedInstance, options: MethodOptions) => Promise<MethodResult>;
}

/** A gradient method's result as shown: its signed maps. */
export const showSigned = (r: SaliencyResult): MethodResult => ({ ...r, shown: r.maps, shownChannels: r.channels });

/** A CAM's result as shown: the scaled map. */
export const showScaled = (r: CamResult): MethodResult => ({ ...r, shown: [r.scaled], shownChannels: r.channels });

/** A CAM method: only its channel weights differ (cam.ts); one scaled map, named by the method. */
export function camMethod<Id extends string>(id: Id, title: string, weights: ChannelWeights): MethodDescriptor<Id> {
  return {
    id,
    title,
    signed: false,
    usesNoise: false,
    progressUnit: title,
    progressTotal: () => 1,
    defaultBatch: 1,
    batchUnit: 'passes',
    gradientPerVoxel: false,
    channelNames: () => [title],
    quantities: false,
    run: async (model, p, o) => showScaled(await layerCam(model, p, { id, title, weights }, o.layer)),
  };
}
