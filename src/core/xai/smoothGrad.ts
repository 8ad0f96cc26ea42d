// Instance SmoothGrad (method.md), signed, one map per input channel, on the prepared crop.
// SmoothGrad is a noise loop over a gradient attribution: M = 1/N sum_n A(x + eps_n), A one of
// mean: A = 1/|L| dS_L/dx (one backward row per sample).
// max:  A(i) = dz_v*/dx_i with v* the lesion voxel of largest |.| at element i (sign kept). Batched:
//       each batch row is one (sample, lesion voxel) pair whose target is that voxel's logit alone, so
//       one backward pass gives `batchSize` per-voxel gradients. Where the model can (linearizeLesion), each
//       sample's forward pass runs once and is kept for all its rows: a batch then costs one backward pass.
// A blended instance (core/xai/windows.ts) takes one gradient per window for each batch (no kept forward passes:
// several windows' would not fit a GPU's memory).
import * as tf from '@tensorflow/tfjs';
import type { LinearizedLesion, SegmentationModel } from '../model/index.ts';
import { Cancelled } from '../segment/segmentVolume.ts';
import type { Crop } from './crop.ts';
import { batchInput, instanceTargetGradient, type PreparedInstance, singleRun } from './instance.ts';
import { type NoiseSource, seededNoise } from './noise.ts';
import { type NoiseAhead, noiseAhead } from './noiseThread.ts';

export interface SmoothGradOptions {
  /** N, default 50 */
  samples?: number;
  /** sigma = noiseFraction x (max - min) of the z-scored FLAIR of the whole volume; default 0.05 */
  noiseFraction?: number;
  /** seed of the counter-based noise (default 0); ignored when `noise` is supplied */
  seed?: number;
  /** supply the noise instead (e.g. the noise a PyTorch reference used) */
  noise?: NoiseSource;
  /** the seeded noise made ahead on a thread of its own (default true; the same values either way) */
  noiseThread?: boolean;
  /** rows per backward pass: noise samples (mean) or (sample, voxel) pairs (max); default: the attribution's (4 / 8) */
  batchSize?: number;
  /** after each batch: work done, work total, running mean of the finished samples (null: none yet, or not read
   * back this time: see partialEveryMs) */
  onProgress?: (done: number, total: number, partialMaps: Float32Array[] | null) => void;
  /** the running mean is read back (on a GPU, a wait for the device) at most this often; default 250 ms, 0 = every
   * batch. The first finished sample is always read back. */
  partialEveryMs?: number;
  signal?: AbortSignal;
}

export interface SaliencyResult {
  /** the method's registry id (core/xai/methods) */
  method: string;
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
  for (let i = 0; i < flairZScored.length; i++) { // an indexed loop: for-of was 0.3 s on a whole brain
    const v = flairZScored[i];
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

/** x + eps_n per channel; the seeded noise comes from the noise thread where there is one (made ahead). */
async function noisyInput(p: PreparedInstance, noise: NoiseSource, ahead: NoiseAhead | null, sample: number): Promise<Float32Array[]> {
  const here = () => p.input.map((_, c) => noise(sample, c, p.crop));
  const eps = ahead ? await ahead.take(sample).catch(here) : here(); // a failed thread: the same values drawn here
  return p.input.map((channel, c) => {
    const out = new Float32Array(channel.length);
    for (let i = 0; i < out.length; i++) out[i] = channel[i] + eps[c][i];
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

/** One backward-pass row of the noise loop: noise sample `sample`, row `row` of that sample's rows. */
export interface NoiseRow {
  sample: number;
  row: number;
}

/** The runs of one noise sample's rows in a batch, as [first, end) indices (the loop's rows are sample-major). */
function sampleRuns(rows: readonly NoiseRow[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let b0 = 0; b0 < rows.length;) {
    let b1 = b0 + 1;
    while (b1 < rows.length && rows[b1].sample === rows[b0].sample) b1++;
    runs.push([b0, b1]);
    b0 = b1;
  }
  return runs;
}

/** A gradient-type attribution as the noise loop runs it, one instance (it may hold tensors). */
export interface GradientAttribution {
  /** backward-pass rows one noise sample needs */
  rowsPerSample: number;
  /** batch rows when the caller gives none */
  defaultBatch: number;
  /** the maps are sum / (finished samples x normaliser) */
  normaliser: number;
  /** which logits each row's gradient is of: [rows or 1, z, y, x]; made inside the loop's tidy */
  targets(rows: readonly NoiseRow[]): tf.Tensor4D;
  /** one batch's input gradients [rows, z, y, x, c] -> per finished sample(s), what to add to the sum
   * (flat [voxels x channels], interleaved) and how many samples it holds; the caller disposes `add` */
  fold(g: tf.Tensor5D, rows: readonly NoiseRow[]): { add: tf.Tensor; samples: number }[];
  /** extra provenance fields for `samples` noise samples */
  provenance?: (samples: number) => Record<string, number>;
  dispose(): void;
}

/** The SmoothGrad noise loop: noisy inputs, batching, progress, cancel; the attribution does the rest. */
export async function smoothGrad(
  model: SegmentationModel, p: PreparedInstance, o: SmoothGradOptions, method: string,
  attribution: (p: PreparedInstance) => GradientAttribution,
): Promise<SaliencyResult> {
  const [nx, ny, nz] = p.crop.dims;
  const channels = p.input.length;
  const samples = o.samples ?? 50;
  const a = attribution(p);
  const batch = Math.max(1, o.batchSize ?? a.defaultBatch);
  const { sigma, seed, noise } = noiseOf(p, o);
  const ahead = seed !== null && (o.noiseThread ?? true) ? await noiseAhead(seed, sigma, p.crop, channels, samples) : null;
  const total = samples * a.rowsPerSample;
  const inputs = new Map<number, Float32Array[]>(); // noisy input of each open sample
  // several rows per sample (max): one forward pass per sample, kept for the backward passes of its rows
  const kept = new Map<number, { x: tf.Tensor5D; lin: LinearizedLesion }>();
  let linearizable = a.rowsPerSample > 1 && model.linearizeLesion !== undefined && singleRun(p);
  const release = (sample: number) => {
    inputs.delete(sample);
    const k = kept.get(sample);
    if (k) { k.lin.dispose(); k.x.dispose(); kept.delete(sample); }
  };
  const linearized = (sample: number): LinearizedLesion | null => {
    if (!linearizable) return null;
    if (!kept.has(sample)) {
      const x = batchInput([inputs.get(sample)!], p.crop);
      let lin: LinearizedLesion | null;
      try {
        lin = model.linearizeLesion!(x);
      } catch (e) {
        x.dispose();
        throw e;
      }
      if (!lin) { x.dispose(); linearizable = false; return null; }
      kept.set(sample, { x, lin });
    }
    return kept.get(sample)!.lin;
  };
  const gradients = (rows: NoiseRow[]): tf.Tensor5D => {
    const runs = sampleRuns(rows);
    const lins = runs.map(([b0]) => linearized(rows[b0].sample));
    if (lins.some((l) => !l)) return tf.tidy(() => instanceTargetGradient(model, p, batchInput(rows.map((r) => inputs.get(r.sample)!), p.crop), a.targets(rows)));
    return tf.tidy(() => {
      const parts = runs.map(([b0, b1], k) => lins[k]!.backward(a.targets(rows.slice(b0, b1))));
      return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as tf.Tensor5D;
    });
  };
  let sum: tf.Tensor = tf.zeros([nz * ny * nx * channels]);
  let finished = 0;
  let lastReadback = -Infinity;
  try {
    for (let start = 0; start < total; start += batch) {
      if (o.signal?.aborted) throw new Cancelled();
      const count = Math.min(batch, total - start);
      const rows = Array.from({ length: count }, (_, b) => ({ sample: Math.floor((start + b) / a.rowsPerSample), row: (start + b) % a.rowsPerSample }));
      for (const r of rows) if (!inputs.has(r.sample)) inputs.set(r.sample, await noisyInput(p, noise, ahead, r.sample));
      const g = gradients(rows);
      try {
        for (const { add, samples: n } of a.fold(g, rows)) {
          const next = tf.add(sum, add);
          sum.dispose();
          add.dispose();
          sum = next;
          finished += n;
        }
      } finally {
        g.dispose();
      }
      for (const r of rows) if (r.row === a.rowsPerSample - 1) release(r.sample);
      if (o.onProgress) {
        const due = finished > 0 && performance.now() - lastReadback >= (o.partialEveryMs ?? 250);
        o.onProgress(start + count, total, due ? await toMaps(sum, channels, 1 / (finished * a.normaliser)) : null);
        if (due) lastReadback = performance.now();
      }
      await yieldToEvents();
    }
    const maps = await toMaps(sum, channels, 1 / (samples * a.normaliser));
    return {
      method, crop: p.crop, exact: p.exact, note: p.note, channels: model.manifest.inputChannels, maps, lesionVoxels: p.lesionCrop.length,
      provenance: {
        model: model.manifest.name, cropMode: p.cropMode, samples, sigma, seed, noise: seed === null ? 'supplied' : 'seeded counter-based normal',
        windows: p.windows.length, ...a.provenance?.(samples),
      },
    };
  } finally {
    sum.dispose();
    a.dispose();
    [...kept.keys()].forEach(release);
    ahead?.close();
  }
}

/** mean: 1/|L| dS_L/dx, one row per sample (target: the lesion mask). */
export function instanceGradient(p: PreparedInstance): GradientAttribution {
  const [nx, ny, nz] = p.crop.dims;
  const target = tf.tensor4d(p.lesionMask, [1, nz, ny, nx]);
  return {
    rowsPerSample: 1,
    defaultBatch: 4,
    normaliser: p.lesionCrop.length,
    targets: () => target,
    fold: (g, rows) => [{ add: tf.tidy(() => tf.reshape(tf.sum(g, 0), [-1])), samples: rows.length }],
    dispose: () => target.dispose(),
  };
}

/** max: per element the signed max-|dz_v/dx| over lesion voxels v; one row per (sample, voxel). */
export function maxVoxelGradient(p: PreparedInstance): GradientAttribution {
  const [nx, ny, nz] = p.crop.dims;
  const voxels = nx * ny * nz;
  const size = voxels * p.input.length;
  const lesion = p.lesionCrop.length;
  const best = new Map<number, tf.Tensor>(); // running signed max-|g| per element, per open sample
  return {
    rowsPerSample: lesion,
    defaultBatch: 8,
    normaliser: 1,
    targets: (rows) => {
      const t = new Float32Array(rows.length * voxels);
      rows.forEach((r, b) => (t[b * voxels + p.lesionCrop[r.row]] = 1));
      return tf.tensor4d(t, [rows.length, nz, ny, nx]);
    },
    fold: (g5, rows) => {
      const count = rows.length;
      const g = tf.reshape(g5, [count, size]);
      const done: { add: tf.Tensor; samples: number }[] = [];
      // per sample, the batch's rows merged into that sample's running signed max-|g|
      for (const [b0, b1] of sampleRuns(rows)) {
        const sample = rows[b0].sample;
        const previous = best.get(sample) ?? tf.zeros([size]);
        const next = tf.tidy(() => {
          // rows in voxel order, a row replacing the running value only where strictly larger: the first
          // voxel of largest |g| wins ties, as torch.argmax (cheaper than argMax + oneHot over the rows)
          let running = previous;
          for (let b = b0; b < b1; b++) {
            const row = tf.reshape(tf.slice(g, [b, 0], [1, size]), [size]);
            running = tf.where(tf.greater(tf.abs(row), tf.abs(running)), row, running);
          }
          return running; // a new tensor: every group has at least one row
        });
        previous.dispose();
        best.set(sample, next);
        if (rows[b1 - 1].row === lesion - 1) {
          best.delete(sample);
          done.push({ add: next, samples: 1 });
        }
      }
      g.dispose();
      return done;
    },
    provenance: (samples) => ({ gradients: samples * lesion }),
    dispose: () => best.forEach((t) => t.dispose()),
  };
}

export const smoothGradMean = (model: SegmentationModel, p: PreparedInstance, o: SmoothGradOptions = {}): Promise<SaliencyResult> =>
  smoothGrad(model, p, o, 'smoothgrad-mean', instanceGradient);

export const smoothGradMax = (model: SegmentationModel, p: PreparedInstance, o: SmoothGradOptions = {}): Promise<SaliencyResult> =>
  smoothGrad(model, p, o, 'smoothgrad-max', maxVoxelGradient);
