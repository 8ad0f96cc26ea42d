// The model's receptive field, measured once per model by probing gradients: the input support of
// the gradient of the lesion logits of one stride cell (sizeMultiple^3 voxels, every phase of the
// stride grid) in a cubic probe window. Outside the support the gradient is exactly zero, so the
// support is the exact receptive field; a support that reaches the probe's border at every probe size
// means the logits depend on the whole window (instance norm, global attention): no exact crop.
import * as tf from '@tensorflow/tfjs';
import type { SegmentationModel } from '../model/index.ts';
import { gaussianAt } from './noise.ts';

export interface ReceptiveField {
  /** false: the logits depend on the whole window (e.g. instance norm), so crops are never exact */
  local: boolean;
  /** voxels beyond a stride cell that its logits depend on, per axis (x, y, z), max of both sides */
  marginVoxels: [number, number, number];
  /** smallest margin (same on all axes) whose box holds `effectiveFraction` of the absolute gradient */
  effectiveMarginVoxels: number;
  effectiveFraction: number;
  /** size of the probe window that gave the answer (cubic, voxels) */
  probeVoxels: number;
}

export interface ReceptiveFieldOptions {
  /** largest probe window tried (voxels); default 2 x the model's window size */
  maxProbeVoxels?: number;
  /** first probe window; default 4 x sizeMultiple, at least 32 */
  firstProbeVoxels?: number;
  effectiveFraction?: number;
}

const cache = new WeakMap<SegmentationModel, ReceptiveField>();

/** Measured once per model and cached (options only matter on the first call). */
export async function receptiveField(model: SegmentationModel, opts: ReceptiveFieldOptions = {}): Promise<ReceptiveField> {
  const known = cache.get(model);
  if (known) return known;
  const m = model.manifest.sizeMultiple;
  const maxProbe = opts.maxProbeVoxels ?? 2 * Math.max(...model.manifest.windowSizeVoxels);
  let size = Math.max(opts.firstProbeVoxels ?? Math.max(32, 4 * m), 2 * m);
  size = Math.ceil(size / m) * m;
  for (;;) {
    const rf = await probe(model, size, opts.effectiveFraction ?? 0.99);
    if (rf.local || size * 2 > maxProbe) {
      cache.set(model, rf);
      return rf;
    }
    size *= 2;
  }
}

/** One probe at a cubic window of `size` voxels (exported for tests). */
export async function probe(model: SegmentationModel, size: number, effectiveFraction: number): Promise<ReceptiveField> {
  const m = model.manifest.sizeMultiple;
  const channels = model.manifest.inputChannels.length;
  const n = size * size * size;
  const data = new Float32Array(n * channels);
  for (let i = 0; i < data.length; i++) data[i] = gaussianAt(7, 0, i % channels, Math.floor(i / channels), 0, 0);
  const cell = Math.floor(size / 2 / m) * m;
  const mask = new Float32Array(n);
  for (let z = cell; z < cell + m; z++) for (let y = cell; y < cell + m; y++) for (let x = cell; x < cell + m; x++) mask[x + size * (y + size * z)] = 1;
  const g = tf.tidy(() => {
    const x = tf.tensor5d(data, [1, size, size, size, channels]);
    const maskT = tf.tensor4d(mask, [1, size, size, size]);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.lesionLogits(input as tf.Tensor5D), maskT)))(x);
    return tf.sum(tf.abs(grad), -1); // |g| summed over channels, [1, z, y, x]
  });
  const abs = (await g.data()) as Float32Array;
  g.dispose();
  // support bounds per axis, and mass by Chebyshev distance from the cell
  const lo = [size, size, size];
  const hi = [-1, -1, -1];
  const massByDistance = new Float64Array(size + 1);
  let total = 0;
  let i = 0;
  for (let z = 0; z < size; z++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++, i++) {
        const v = abs[i];
        if (v === 0) continue;
        const p = [x, y, z];
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a], p[a]);
          hi[a] = Math.max(hi[a], p[a]);
        }
        const d = Math.max(...p.map((q) => (q < cell ? cell - q : q >= cell + m ? q - (cell + m - 1) : 0)));
        massByDistance[d] += v;
        total += v;
      }
  const touches = lo.some((l) => l === 0) || hi.some((h) => h === size - 1);
  const marginVoxels = [0, 1, 2].map((a) => Math.max(cell - lo[a], hi[a] - (cell + m - 1), 0)) as [number, number, number];
  let effective = 0;
  for (let acc = massByDistance[0]; acc < effectiveFraction * total && effective < size; ) acc += massByDistance[++effective];
  return { local: !touches, marginVoxels, effectiveMarginVoxels: Math.min(effective, Math.max(...marginVoxels)), effectiveFraction, probeVoxels: size };
}
