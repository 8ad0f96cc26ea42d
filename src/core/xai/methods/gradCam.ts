// Instance Grad-CAM (Selvaraju et al. 2017), not used by the paper: a CAM (cam.ts) whose channel
// weights are the spatial mean of the target's gradient, w_c = 1/|space| sum over space of g_c,
// g = dS_L/dA. Same layer, upsampling and [0, 1] display as Grad-CAM++.
import { camMethod } from './types.ts';

/** a and g channels-last [space x channels]; a is unused (the weights only average g). */
export function gradCamWeights(_a: Float32Array, g: Float32Array, channels: number): Float64Array {
  const w = new Float64Array(channels);
  for (let i = 0; i < g.length; i++) w[i % channels] += g[i];
  const space = g.length / channels;
  return w.map((s) => s / space);
}

export const gradCamMethod = camMethod('gradcam', 'Grad-CAM', gradCamWeights);
