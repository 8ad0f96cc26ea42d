// The prediction the app showed is blended from sliding windows (core/segment): for a model whose logits depend
// on the whole window (instance norm, attention) that blend is what an explanation must differentiate.
// Target (our choice, method.md is silent on windows): the blended lesion logit
//   zbar_v = sum over windows w holding v of g_w(v) z_w(v) / sum over the same windows of g_w(v),
// with the segmentation's own windows and Gaussian weights g. It is linear in the window logits, so
// dS_L/dx = sum_w (gradient through window w of sum_v a_w(v) z_w(v)), a_w = g_w / sum g; with one window, or
// where all windows agree (a local model), it is the logit itself: method.md's target. The app blends
// probabilities, sum_w a_w p_w; that equals sigmoid(zbar) exactly where the windows agree, and is a
// monotone blend of the same window outputs elsewhere (logits are blended, as MONAI does with raw outputs,
// so that the target stays a logit for softmax models too).
import { effectiveWindowSize, gaussianWeights, planWindows, WINDOW_OVERLAP } from '../segment/index.ts';
import type { Crop, Xyz } from './crop.ts';

/** One sliding window of the segmentation, on an explanation's crop grid. */
export interface BlendWindow {
  /** first voxel, crop coordinates */
  offset: Xyz;
  dims: Xyz;
  /** a_w = g_w / (sum of g over the windows holding the voxel), window grid, x fastest; null: 1 everywhere */
  weights: Float32Array | null;
}

/** The segmentation's windows that hold at least one lesion voxel, the crop they span, and their blending
 * weights. Exact for every lesion voxel (all windows holding it hold a lesion voxel); for voxels away from the
 * lesion, windows that hold no lesion voxel are left out of the sums. */
export function lesionWindows(lesionVoxels: ArrayLike<number>, dimsXyz: Xyz, windowXyz: Xyz, sizeMultiple: number): { crop: Crop; windows: BlendWindow[]; windowXyz: Xyz } {
  const [nx, ny] = dimsXyz;
  const size = effectiveWindowSize(dimsXyz, windowXyz, sizeMultiple);
  const holds = (start: readonly number[]) => {
    for (let i = 0; i < lesionVoxels.length; i++) {
      const v = lesionVoxels[i];
      const p = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      if (p.every((q, a) => q >= start[a] && q < start[a] + size[a])) return true;
    }
    return false;
  };
  const starts = planWindows(dimsXyz, size, WINDOW_OVERLAP).map((w) => w.start).filter(holds);
  if (!starts.length) throw new Error('empty lesion: no voxels');
  const origin = [0, 1, 2].map((a) => Math.min(...starts.map((s) => s[a]))) as Xyz;
  const dims = [0, 1, 2].map((a) => Math.max(...starts.map((s) => s[a] + size[a])) - origin[a]) as Xyz;
  const crop: Crop = { origin, dims };
  const offsets = starts.map((s) => [0, 1, 2].map((a) => s[a] - origin[a]) as Xyz);
  if (offsets.length === 1) return { crop, windows: [{ offset: offsets[0], dims: size, weights: null }], windowXyz: size };
  const g = gaussianWeights(size);
  const total = new Float32Array(dims[0] * dims[1] * dims[2]);
  const each = (offset: Xyz, f: (crop: number, window: number) => void) => {
    for (let k = 0, o = 0; k < size[2]; k++)
      for (let j = 0; j < size[1]; j++) {
        const row = offset[0] + dims[0] * (offset[1] + j + dims[1] * (offset[2] + k));
        for (let i = 0; i < size[0]; i++, o++) f(row + i, o);
      }
  };
  // float32 sums in window order, as the segmentation's Blender adds them
  for (const offset of offsets) each(offset, (c, w) => (total[c] += g[w]));
  const windows = offsets.map((offset) => {
    const weights = new Float32Array(g.length);
    each(offset, (c, w) => (weights[w] = g[w] / total[c]));
    return { offset, dims: size, weights };
  });
  return { crop, windows, windowXyz: size };
}
