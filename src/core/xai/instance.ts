// The one instance target and crop plan that every explanation method shares.
// S_L(x) = sum over v in L of z_v(x), z = lesion-class logit before softmax/sigmoid (method.md). For a
// false-negative lesion the caller passes the ground-truth component's voxels as L.
import * as tf from '@tensorflow/tfjs';
import type { SegmentationModel } from '../model/index.ts';
import { boundingBox, type Crop, extractCrop, planCrop, planWindow, toCropIndices, wholeVolumeCrop, type Xyz } from './crop.ts';
import { padConstant } from '../model/safeOps.ts';
import { receptiveField, type ReceptiveFieldOptions } from './receptiveField.ts';
import { type BlendWindow, lesionWindows } from './windows.ts';

/** What to explain: z-scored input channels of the whole volume (FLAIR, MPRAGE) and one instance. */
export interface InstanceRequest {
  channels: readonly Float32Array[];
  dimsXyz: Xyz;
  spacingMm: Xyz;
  /** volume indices (x fastest) of the instance's voxels */
  lesionVoxels: ArrayLike<number>;
}

/** 'exact': margin = receptive field (equals the whole-volume computation), or for a model that depends on the
 * whole window, the blended prediction of the segmentation's windows that cover the lesion; 'fast': margin =
 * effective receptive field, or one model window centred on the lesion (approximate); 'whole': the whole
 * volume as one window. */
export type CropMode = 'exact' | 'fast' | 'whole';

export interface PreparedInstance {
  request: InstanceRequest;
  crop: Crop;
  cropMode: CropMode;
  /** true when the maps equal the whole-volume computation (exact crop of a local model, or 'whole') */
  exact: boolean;
  note: string;
  /** true: S_L is the blended logit of the segmentation's sliding windows in `windows` (core/xai/windows.ts),
   * not one run of the model over the crop */
  blended: boolean;
  /** the runs of the model whose logits make S_L, on the crop grid: one covering the crop unless `blended` */
  windows: BlendWindow[];
  /** input channels on the crop grid */
  input: Float32Array[];
  /** lesion voxels as crop indices, ascending (the order of a PyTorch nonzero()) */
  lesionCrop: Int32Array;
  /** 1 on lesion voxels, crop grid */
  lesionMask: Float32Array;
}

export interface PrepareOptions extends ReceptiveFieldOptions {
  cropMode?: CropMode;
  /** override the margin (voxels per axis) */
  marginVoxels?: Xyz;
  /** added to the receptive-field margin. SmoothGrad maps of an exact crop are exact everywhere; a
   * Grad-CAM++ map also shows activations that do not influence S_L, which are exact only where their
   * own input lies in the crop: an extra margin of r voxels makes it exact up to about r - 2 voxels
   * from the lesion (2: the trilinear upsampling's reach). */
  extraMarginVoxels?: number;
}

/** Plans the crop (receptive field measured once per model) and cuts the input. */
export async function prepareInstance(model: SegmentationModel, request: InstanceRequest, opts: PrepareOptions = {}): Promise<PreparedInstance> {
  const { dimsXyz } = request;
  const m = model.manifest.sizeMultiple;
  const mode = opts.cropMode ?? 'exact';
  const box = boundingBox(request.lesionVoxels, dimsXyz);
  let crop: Crop;
  let exact: boolean;
  let note: string;
  let windows: BlendWindow[] | null = null;
  if (mode === 'whole') {
    crop = wholeVolumeCrop(dimsXyz, m);
    exact = true;
    note = 'whole volume as one window';
  } else if (opts.marginVoxels) {
    crop = planCrop(box, dimsXyz, opts.marginVoxels, m);
    exact = false;
    note = `crop with a given margin of ${opts.marginVoxels.join(', ')} voxels`;
  } else {
    const rf = await receptiveField(model, opts);
    if (!rf.local && mode === 'exact') {
      // whole-window statistics (instance norm, attention): the windows the segmentation blended
      const b = lesionWindows(request.lesionVoxels, dimsXyz, model.manifest.windowXyz, m);
      crop = b.crop;
      windows = b.windows;
      exact = true;
      const n = windows.length;
      note = `exact: the blended prediction of the ${n} sliding window${n === 1 ? '' : 's'} (${b.windowXyz.join(' x ')}) that cover the lesion, as segmented; the model depends on the whole window (e.g. instance norm)`;
    } else if (!rf.local) {
      crop = planWindow(box, dimsXyz, model.manifest.windowXyz, m);
      exact = false;
      note = 'fast: one model window centred on the lesion, not the blended windows the segmentation used (the model depends on the whole window, e.g. instance norm)';
    } else {
      const extra = opts.extraMarginVoxels ?? 0;
      const margin = [0, 1, 2].map((a) => extra + (mode === 'exact' ? rf.marginVoxels[a] : Math.min(rf.effectiveMarginVoxels, rf.marginVoxels[a]))) as Xyz;
      crop = planCrop(box, dimsXyz, margin, m);
      exact = mode === 'exact';
      note = mode === 'exact'
        ? `exact crop: receptive-field margin ${margin.join(', ')} voxels`
        : `fast crop: effective receptive field (${(100 * rf.effectiveFraction).toFixed(0)}% of gradient mass) margin ${rf.effectiveMarginVoxels} voxels`;
    }
  }
  const lesionCrop = toCropIndices(request.lesionVoxels, dimsXyz, crop).sort();
  const lesionMask = new Float32Array(crop.dims[0] * crop.dims[1] * crop.dims[2]);
  for (const v of lesionCrop) lesionMask[v] = 1;
  const blended = windows !== null;
  windows ??= [{ offset: [0, 0, 0], dims: crop.dims, weights: null }];
  return { request, crop, cropMode: mode, exact, note, blended, windows, input: extractCrop(request.channels, dimsXyz, crop), lesionCrop, lesionMask };
}

/** True when S_L is one run of the model over the whole crop (no blending): tf.grad and kept forward passes apply directly. */
export const singleRun = (p: PreparedInstance): boolean => p.windows.length === 1 && p.windows[0].weights === null;

/** Runs `f` on each window's part of a crop-grid input, its result (crop grid [b, z, y, x, ...] of the window)
 * times the window's weights and pasted back on the crop grid, summed: the blended output. */
export function blendOverWindows(p: PreparedInstance, x: tf.Tensor5D, f: (xw: tf.Tensor5D, w: BlendWindow) => tf.Tensor): tf.Tensor {
  if (singleRun(p)) return f(x, p.windows[0]);
  const [nx, ny, nz] = p.crop.dims;
  let sum: tf.Tensor | null = null;
  for (const w of p.windows) {
    const part = tf.tidy(() => {
      const [ox, oy, oz] = w.offset;
      const [wx, wy, wz] = w.dims;
      const y = f(tf.slice(x, [0, oz, oy, ox, 0], [-1, wz, wy, wx, -1]), w);
      const pads: [number, number][] = [[0, 0], [oz, nz - oz - wz], [oy, ny - oy - wy], [ox, nx - ox - wx]];
      return padConstant(y, y.rank === 5 ? [...pads, [0, 0]] : pads);
    });
    if (sum) {
      const next: tf.Tensor = tf.add(sum, part);
      sum.dispose();
      part.dispose();
      sum = next;
    } else sum = part;
  }
  return sum!;
}

/** A window's part of crop-grid targets [b, z, y, x] times its blending weights. */
function windowTargets(targets: tf.Tensor4D, w: BlendWindow): tf.Tensor4D {
  const [ox, oy, oz] = w.offset;
  const [wx, wy, wz] = w.dims;
  const t = tf.slice(targets, [0, oz, oy, ox], [-1, wz, wy, wx]);
  return (w.weights ? tf.mul(t, tf.tensor4d(w.weights, [1, wz, wy, wx])) : t) as tf.Tensor4D;
}

/** Gradient of sum over batch b of sum over v of targets[b, v] x zbar_v(x_b), zbar the instance's logit (blended
 * over its windows, or the one run over the crop), with respect to the crop input. Returns [b, z, y, x, c]. */
export function instanceTargetGradient(model: SegmentationModel, p: PreparedInstance, x: tf.Tensor5D, targets: tf.Tensor4D): tf.Tensor5D {
  if (singleRun(p)) return targetGradient(model, x, targets);
  // the weights multiply the gradient of each window's logits: dS/dx_w = grad of sum a_w t z_w
  return blendOverWindows(p, x, (xw, w) => targetGradient(model, xw, windowTargets(targets, w))) as tf.Tensor5D;
}

/** Model input [batch, z, y, x, c] from `batch` channel sets on the crop grid (x fastest each). */
export function batchInput(samples: readonly Float32Array[][], crop: Crop): tf.Tensor5D {
  const [nx, ny, nz] = crop.dims;
  const n = nx * ny * nz;
  const c = samples[0].length;
  const data = new Float32Array(samples.length * n * c);
  samples.forEach((channels, b) => {
    const base = b * n * c;
    for (let k = 0; k < c; k++) {
      const src = channels[k];
      for (let v = 0; v < n; v++) data[base + v * c + k] = src[v];
    }
  });
  return tf.tensor5d(data, [samples.length, nz, ny, nx, c]);
}

/** Gradient of sum over batch b of sum over v of targets[b, v] x z_v(x_b) with respect to x.
 * targets: [b or 1, z, y, x]. Returns [b, z, y, x, c]; the caller disposes it. */
export function targetGradient(model: SegmentationModel, x: tf.Tensor5D, targets: tf.Tensor4D): tf.Tensor5D {
  return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.lesionLogits(input as tf.Tensor5D), targets)))(x) as tf.Tensor5D;
}

/** S_L(x) for a prepared instance, no noise (for checks such as finite differences). */
export function instanceScore(model: SegmentationModel, p: PreparedInstance, input: Float32Array[] = p.input): number {
  const [nx, ny, nz] = p.crop.dims;
  return tf.tidy(() => {
    const mask = tf.tensor4d(p.lesionMask, [1, nz, ny, nx]);
    const zbar = blendOverWindows(p, batchInput([input], p.crop), (xw, w) => {
      const z = model.lesionLogits(xw);
      return w.weights ? tf.mul(z, tf.tensor4d(w.weights, [1, w.dims[2], w.dims[1], w.dims[0]])) : z;
    });
    return tf.sum(tf.mul(zbar, mask)).dataSync()[0];
  });
}

/** Interleaved [b, z, y, x, c] values -> per batch item, per channel, x-fastest arrays. */
export function splitChannels(data: Float32Array, batch: number, channels: number, voxels: number): Float32Array[][] {
  const out: Float32Array[][] = [];
  for (let b = 0; b < batch; b++) {
    const item: Float32Array[] = [];
    for (let k = 0; k < channels; k++) {
      const a = new Float32Array(voxels);
      const base = b * voxels * channels + k;
      for (let v = 0; v < voxels; v++) a[v] = data[base + v * channels];
      item.push(a);
    }
    out.push(item);
  }
  return out;
}
