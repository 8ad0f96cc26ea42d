// Instance SmoothGrad (method.md), signed, one map per input channel, on the prepared crop.
// mean: M = 1/(N |L|) sum_n dS_L/dx at x + eps_n.
// max:  M = 1/N sum_n g_n, g_n(i) = dz_v*/dx_i at x + eps_n with v* the lesion voxel of largest |.| at
//       element i (sign kept). Batched: each batch row is one (sample, lesion voxel) pair whose target
//       is that voxel's logit alone, so one backward pass gives `batchSize` per-voxel gradients.
import * as tf from '@tensorflow/tfjs';
import type { SegmentationModel } from '../model/index.ts';
import { Cancelled } from '../segment/segmentVolume.ts';
import type { Crop } from './crop.ts';
import { batchInput, type PreparedInstance, targetGradient } from './instance.ts';
import { type NoiseSource, seededNoise } from './noise.ts';

export interface SmoothGradOptions {
  /** N, default 50 */
  samples?: number;
  /** sigma = noiseFraction x (max - min) of the z-scored FLAIR of the whole volume; default 0.05 */
  noiseFraction?: number;
  /** seed of the counter-based noise (default 0); ignored when `noise` is supplied */
  seed?: number;
  /** supply the noise instead (e.g. the noise a PyTorch reference used) */
  noise?: NoiseSource;
  /** rows per backward pass: noise samples (mean) or (sample, voxel) pairs (max); default 4 / 8 */
  batchSize?: number;
  /** after each batch: work done, work total, running mean of the finished samples (null: none yet) */
  onProgress?: (done: number, total: number, partialMaps: Float32Array[] | null) => void;
  signal?: AbortSignal;
}

export interface SaliencyResult {
  method: 'smoothgrad-mean' | 'smoothgrad-max' | 'gradcam++';
  crop: Crop;
  exact: boolean;
  note: string;
  /** channel names, in the order of `maps` */
  channels: string[];
  /** per channel, on the crop grid, x fastest; signed and not normalised (SmoothGrad) */
  maps: Float32Array[];
  lesionVoxels: number;
  provenance: Record<string, number | string | null>;
}

export function noiseSigma(flairZScored: Float32Array, fraction = 0.05): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of flairZScored) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return fraction * (hi - lo);
}

function noiseOf(p: PreparedInstance, o: SmoothGradOptions) {
  const sigma = noiseSigma(p.request.channels[0], o.noiseFraction ?? 0.05);
  const seed = o.noise ? null : (o.seed ?? 0);
  return { sigma, seed, noise: o.noise ?? seededNoise(seed!, sigma) };
}

function noisyInput(p: PreparedInstance, noise: NoiseSource, sample: number): Float32Array[] {
  return p.input.map((channel, c) => {
    const eps = noise(sample, c, p.crop);
    const out = new Float32Array(channel.length);
    for (let i = 0; i < out.length; i++) out[i] = channel[i] + eps[i];
    return out;
  });
}

/** [voxels x channels] interleaved tensor -> per-channel maps times `scale`. */
async function toMaps(t: tf.Tensor, channels: number, scale: number): Promise<Float32Array[]> {
  const data = (await t.data()) as Float32Array;
  const voxels = data.length / channels;
  return Array.from({ length: channels }, (_, k) => {
    const a = new Float32Array(voxels);
    for (let v = 0; v < voxels; v++) a[v] = data[v * channels + k] * scale;
    return a;
  });
}

const yieldToEvents = () => new Promise((r) => setTimeout(r, 0));

function result(model: SegmentationModel, p: PreparedInstance, method: SaliencyResult['method'], maps: Float32Array[], prov: SaliencyResult['provenance']): SaliencyResult {
  return {
    method, crop: p.crop, exact: p.exact, note: p.note, channels: model.manifest.inputChannels, maps,
    lesionVoxels: p.lesionCrop.length, provenance: { model: model.manifest.name, cropMode: p.cropMode, ...prov },
  };
}

export async function smoothGradMean(model: SegmentationModel, p: PreparedInstance, o: SmoothGradOptions = {}): Promise<SaliencyResult> {
  const [nx, ny, nz] = p.crop.dims;
  const channels = p.input.length;
  const samples = o.samples ?? 50;
  const batch = Math.max(1, o.batchSize ?? 4);
  const { sigma, seed, noise } = noiseOf(p, o);
  const lesion = p.lesionCrop.length;
  const target = tf.tensor4d(p.lesionMask, [1, nz, ny, nx]);
  let sum: tf.Tensor = tf.zeros([nz * ny * nx, channels]);
  try {
    for (let start = 0; start < samples; start += batch) {
      if (o.signal?.aborted) throw new Cancelled();
      const count = Math.min(batch, samples - start);
      const inputs = Array.from({ length: count }, (_, b) => noisyInput(p, noise, start + b));
      const next = tf.tidy(() => {
        const g = targetGradient(model, batchInput(inputs, p.crop), target);
        return tf.add(sum, tf.reshape(tf.sum(g, 0), [nz * ny * nx, channels]));
      });
      sum.dispose();
      sum = next;
      if (o.onProgress) o.onProgress(start + count, samples, await toMaps(sum, channels, 1 / ((start + count) * lesion)));
      await yieldToEvents();
    }
    const maps = await toMaps(sum, channels, 1 / (samples * lesion));
    return result(model, p, 'smoothgrad-mean', maps, { samples, sigma, seed, noise: seed === null ? 'supplied' : 'seeded counter-based normal' });
  } finally {
    sum.dispose();
    target.dispose();
  }
}

export async function smoothGradMax(model: SegmentationModel, p: PreparedInstance, o: SmoothGradOptions = {}): Promise<SaliencyResult> {
  const [nx, ny, nz] = p.crop.dims;
  const voxels = nx * ny * nz;
  const channels = p.input.length;
  const samples = o.samples ?? 50;
  const batch = Math.max(1, o.batchSize ?? 8);
  const { sigma, seed, noise } = noiseOf(p, o);
  const lesion = p.lesionCrop.length;
  const total = samples * lesion;
  const inputs = new Map<number, Float32Array[]>();
  const best = new Map<number, tf.Tensor>(); // running signed max-|g| per element, per open sample
  let sum: tf.Tensor = tf.zeros([voxels * channels]);
  let finished = 0;
  try {
    for (let start = 0; start < total; start += batch) {
      if (o.signal?.aborted) throw new Cancelled();
      const count = Math.min(batch, total - start);
      const rows = Array.from({ length: count }, (_, b) => ({ sample: Math.floor((start + b) / lesion), voxel: p.lesionCrop[(start + b) % lesion] }));
      const targets = new Float32Array(count * voxels);
      rows.forEach((r, b) => {
        if (!inputs.has(r.sample)) inputs.set(r.sample, noisyInput(p, noise, r.sample));
        targets[b * voxels + r.voxel] = 1;
      });
      const g = tf.tidy(() => {
        const x = batchInput(rows.map((r) => inputs.get(r.sample)!), p.crop);
        return tf.reshape(targetGradient(model, x, tf.tensor4d(targets, [count, nz, ny, nx])), [count, voxels * channels]);
      });
      // rows are sample-major: per sample, the batch's signed max-|g| row in one argMax, then merged
      for (let b0 = 0; b0 < count; ) {
        const sample = rows[b0].sample;
        let b1 = b0;
        while (b1 < count && rows[b1].sample === sample) b1++;
        const previous = best.get(sample) ?? tf.zeros([voxels * channels]);
        const next = tf.tidy(() => {
          const group = tf.slice(g, [b0, 0], [b1 - b0, voxels * channels]);
          // first max wins, as torch.argmax (oneHot needs depth >= 2)
          const picked = b1 - b0 === 1 ? tf.reshape(group, [voxels * channels])
            : tf.sum(tf.mul(group, tf.transpose(tf.oneHot(tf.argMax(tf.abs(group), 0), b1 - b0))), 0);
          return tf.where(tf.greater(tf.abs(picked), tf.abs(previous)), picked, previous);
        });
        previous.dispose();
        best.set(sample, next);
        if ((start + b1) % lesion === 0) {
          const s = tf.add(sum, next);
          sum.dispose();
          sum = s;
          next.dispose();
          best.delete(sample);
          inputs.delete(sample);
          finished++;
        }
        b0 = b1;
      }
      g.dispose();
      if (o.onProgress) o.onProgress(start + count, total, finished ? await toMaps(sum, channels, 1 / finished) : null);
      await yieldToEvents();
    }
    const maps = await toMaps(sum, channels, 1 / samples);
    return result(model, p, 'smoothgrad-max', maps, { samples, sigma, seed, noise: seed === null ? 'supplied' : 'seeded counter-based normal', gradients: total });
  } finally {
    sum.dispose();
    best.forEach((t) => t.dispose());
  }
}
