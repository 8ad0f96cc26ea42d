// Instance Grad-CAM++ (method.md), qualitative, a CAM (cam.ts) with these channel weights:
// alpha = g^2 / (2 g^2 + sum over space of A g^3) (zero denominator -> 1); w_c = sum over space of
// alpha ReLU(g). No exp(S_L) factor (only scales, overflows).
import type { SegmentationModel } from '../model/index.ts';
import { type CamOptions, type CamResult, layerCam } from './cam.ts';
import type { PreparedInstance } from './instance.ts';

export { upsampleTrilinear } from './cam.ts';
export type GradCamResult = CamResult;
export type GradCamOptions = CamOptions;

/** Grad-CAM++ channel weights: a and g channels-last [space x channels]. */
export function gradCamPlusPlusWeights(a: Float32Array, g: Float32Array, channels: number): Float64Array {
  const sumAg3 = new Float64Array(channels);
  for (let i = 0; i < a.length; i++) sumAg3[i % channels] += a[i] * g[i] ** 3;
  const w = new Float64Array(channels);
  for (let i = 0; i < a.length; i++) {
    const c = i % channels;
    const g2 = g[i] * g[i];
    const denominator = 2 * g2 + sumAg3[c];
    w[c] += (g2 / (denominator === 0 ? 1 : denominator)) * Math.max(0, g[i]);
  }
  return w;
}

export function gradCamPlusPlus(model: SegmentationModel, prepared: PreparedInstance, layer = model.manifest.gradCamLayer, o: GradCamOptions = {}): Promise<GradCamResult> {
  return layerCam(model, prepared, { id: 'gradcam++', title: 'Grad-CAM++', weights: gradCamPlusPlusWeights }, layer, o);
}
