// The model's receptive field, measured once per model by probing gradients: the input support of
// the gradient of the lesion logits of one stride cell (sizeMultiple^3 voxels, so every phase of the
// stride grid) in a cubic probe window. Outside the support the gradient is exactly zero, so the
// support is the exact receptive field. A first probe puts the cell in the low corner, so a window of
// cell + margin + 1 answers whether the field is local: a support that reaches the opposite border at
// the largest probe means the logits depend on the whole window (instance norm, global attention), so
// no crop is exact (a graph with instance norm or global pooling says so itself, without probes). A
// second probe centres the cell in a window just big enough, for the margins on both sides and the
// effective receptive field (absolute gradient mass by distance from the cell).
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
  /** size of the probe window that gave the answer (cubic, voxels); 0 when the graph declared it */
  probeVoxels: number;
  /** the graph's whole-window ops that made it non-local without a probe (model.wholeWindowOps) */
  declaredBy?: string[];
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
  const effectiveFraction = opts.effectiveFraction ?? 0.99;
  // instance norm and global pooling make the logits depend on the whole window; saying so from the graph
  // spares the probes, which go up to 2x the window before they can tell (minutes on the cpu, GBs on a GPU)
  const declared = model.wholeWindowOps?.() ?? [];
  if (declared.length) {
    const rf: ReceptiveField = { local: false, marginVoxels: [NaN, NaN, NaN], effectiveMarginVoxels: NaN, effectiveFraction, probeVoxels: 0, declaredBy: declared };
    cache.set(model, rf);
    return rf;
  }
  const m = model.manifest.sizeMultiple;
  const maxProbe = opts.maxProbeVoxels ?? 2 * Math.max(...model.manifest.windowSizeVoxels);
  let size = Math.max(opts.firstProbeVoxels ?? Math.max(32, 4 * m), 2 * m);
  size = Math.ceil(size / m) * m;
  for (;;) {
    const rf = await probe(model, size, effectiveFraction);
    if (rf.local || size * 2 > maxProbe) {
      cache.set(model, rf);
      return rf;
    }
    size *= 2;
  }
}

/** Corner probe at a cubic window of `size`, then a centred one (exported for tests). */
export async function probe(model: SegmentationModel, size: number, effectiveFraction: number): Promise<ReceptiveField> {
  const m = model.manifest.sizeMultiple;
  const low = await probeAt(model, size, 0);
  const local = low.reachHigh.every((r) => r < size - m); // the opposite border was not reached
  if (!local) return { local, marginVoxels: low.reachHigh, effectiveMarginVoxels: NaN, effectiveFraction, probeVoxels: size };
  let centred = Math.ceil((m + 2 * Math.max(...low.reachHigh) + 2) / m) * m;
  for (;;) {
    const cell = Math.floor((centred - m) / 2 / m) * m;
    const c = await probeAt(model, centred, cell);
    const inside = c.reachLow.every((r) => r < cell) && c.reachHigh.every((r) => r < centred - cell - m);
    if (inside || centred >= 2 * size) {
      const marginVoxels = [0, 1, 2].map((a) => Math.max(c.reachLow[a], c.reachHigh[a])) as [number, number, number];
      const total = c.massByDistance.reduce((a, b) => a + b, 0);
      let effective = 0;
      for (let acc = c.massByDistance[0]; acc < effectiveFraction * total && effective < centred; ) acc += c.massByDistance[++effective];
      return { local: inside, marginVoxels, effectiveMarginVoxels: effective, effectiveFraction, probeVoxels: centred };
    }
    centred += m;
  }
}

/** Gradient of the lesion logits of the cell [cell, cell + m)^3 on a random input of size^3: how far
 * beyond the cell (below, above) the non-zero gradient reaches per axis, and |g| mass by distance. */
async function probeAt(model: SegmentationModel, size: number, cell: number) {
  const m = model.manifest.sizeMultiple;
  const channels = model.manifest.inputChannels.length;
  const n = size * size * size;
  const data = new Float32Array(n * channels);
  for (let i = 0; i < data.length; i++) data[i] = gaussianAt(7, 0, i % channels, Math.floor(i / channels), 0, 0);
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
  const reachLow: [number, number, number] = [0, 0, 0];
  const reachHigh: [number, number, number] = [0, 0, 0];
  const massByDistance = new Float64Array(size + 1);
  let i = 0;
  for (let z = 0; z < size; z++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++, i++) {
        const v = abs[i];
        if (v === 0) continue;
        let d = 0;
        [x, y, z].forEach((q, a) => {
          const below = Math.max(0, cell - q);
          const above = Math.max(0, q - (cell + m - 1));
          reachLow[a] = Math.max(reachLow[a], below);
          reachHigh[a] = Math.max(reachHigh[a], above);
          d = Math.max(d, below, above);
        });
        massByDistance[d] += v;
      }
  return { reachLow, reachHigh, massByDistance };
}
