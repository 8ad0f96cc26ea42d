// Hand-worked and brute-force checks of the pieces: noise, crop plan, distances, shells, upsampling,
// quantities, the context experiment, progress and cancel. Box model: boxModel.testing.ts.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelComponents } from '../lesions/components.ts';
import { Cancelled } from '../segment/segmentVolume.ts';
import { BoxModel } from './boxModel.testing.ts';
import { contextExperiment } from './context.ts';
import { explainInstance, mapsAsVolumes } from './explain.ts';
import { boundingBox, extractCrop, pasteCrop, planCrop, type Xyz } from './crop.ts';
import { signedDistanceMm } from '../volume/distance.ts';
import { gradCamPlusPlus, upsampleTrilinear } from './gradCamPlusPlus.ts';
import { prepareInstance } from './instance.ts';
import { gaussianAt, seededNoise } from './noise.ts';
import { lesionSaliency, shellOf } from './quantities.ts';
import { receptiveField } from './receptiveField.ts';
import { smoothGradMax, smoothGradMean } from './smoothGrad.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const idx = (d: readonly number[], x: number, y: number, z: number) => x + d[0] * (y + d[1] * z);

describe('noise', () => {
  it('is reproducible, standard normal, and the same on a crop as on the volume', () => {
    const values = Array.from({ length: 20000 }, (_, i) => gaussianAt(3, 1, 0, i, 0, 0));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(gaussianAt(3, 1, 0, 5, 6, 7)).toBe(gaussianAt(3, 1, 0, 5, 6, 7));
    expect(gaussianAt(3, 1, 0, 5, 6, 7)).not.toBe(gaussianAt(4, 1, 0, 5, 6, 7));
    const noise = seededNoise(9, 0.5);
    const whole = noise(2, 1, { origin: [0, 0, 0], dims: [8, 8, 8] });
    const part = noise(2, 1, { origin: [4, 2, 3], dims: [4, 4, 4] });
    expect(part[idx([4, 4, 4], 1, 2, 0)]).toBe(whole[idx([8, 8, 8], 5, 4, 3)]);
  });
});

describe('crop plan', () => {
  it('aligns to the stride, clips at 0 and at the padded end, and pastes back', () => {
    const dims: Xyz = [30, 40, 20];
    const box = { min: [10, 2, 15] as Xyz, max: [12, 4, 17] as Xyz };
    const c = planCrop(box, dims, [5, 5, 5], 8);
    expect(c.origin).toEqual([0, 0, 8]);
    expect(c.dims).toEqual([24, 16, 16]); // x: [0, 24), y: [0, 16), z: [8, 24) = padded end of 20
    const vol = Float32Array.from({ length: 30 * 40 * 20 }, (_, i) => i + 1);
    const [cut] = extractCrop([vol], dims, c);
    expect(cut[idx(c.dims, 3, 4, 12)]).toBe(0); // z = 8 + 12 = 20: beyond the volume, zero
    expect(cut[idx(c.dims, 3, 4, 2)]).toBe(vol[idx(dims, 3, 4, 10)]);
    const back = pasteCrop(cut, c, dims);
    expect(back[idx(dims, 3, 4, 10)]).toBe(vol[idx(dims, 3, 4, 10)]);
    expect(back[idx(dims, 25, 4, 10)]).toBe(0);
    expect(boundingBox([idx(dims, 1, 2, 3), idx(dims, 4, 0, 1)], dims)).toEqual({ min: [1, 0, 1], max: [4, 2, 3] });
  });
});

describe('signed distance and shells', () => {
  it('matches brute force on a random mask with anisotropic spacing', () => {
    const dims = [9, 7, 6];
    const spacing = [0.9, 1.3, 2];
    const mask = Float32Array.from({ length: 9 * 7 * 6 }, (_, i) => (gaussianAt(1, 0, 0, i, 0, 0) > 1 ? 1 : 0));
    const d = signedDistanceMm(mask, dims, spacing);
    const pos = (i: number) => [i % 9, Math.floor(i / 9) % 7, Math.floor(i / 63)].map((q, a) => q * spacing[a]);
    for (let i = 0; i < mask.length; i++) {
      let best = Infinity;
      for (let j = 0; j < mask.length; j++) if ((mask[j] !== 0) !== (mask[i] !== 0)) best = Math.min(best, Math.hypot(...pos(i).map((p, a) => p - pos(j)[a])));
      expect(Math.abs(d[i] - (mask[i] ? -best : best))).toBeLessThan(1e-5);
    }
    expect([shellOf(-0.9), shellOf(-1), shellOf(-1.01), shellOf(1), shellOf(1.0000001), shellOf(9.5)]).toEqual([-1, -1, -2, 1, 1, 10]);
  });
});

describe('trilinear upsampling', () => {
  it('follows half-pixel centres (PyTorch align_corners=False)', () => {
    // 1D along x: [0, 1] -> 4 samples at src = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped to 1)
    expect(Array.from(upsampleTrilinear(Float32Array.from([0, 1]), [2, 1, 1], [4, 1, 1]))).toEqual([0, 0.25, 0.75, 1]);
    const c = upsampleTrilinear(new Float32Array(8).fill(3), [2, 2, 2], [4, 6, 2]);
    expect(c.every((v) => Math.abs(v - 3) < 1e-6)).toBe(true);
  });
});

describe('box model: exact receptive field, quantities, context, progress, cancel', () => {
  const dims: Xyz = [20, 20, 20];
  const bright = (r: number) => Float32Array.from({ length: 8000 }, (_, i) => {
    const p = [i % 20, Math.floor(i / 20) % 20, Math.floor(i / 400)];
    return p.every((q) => Math.abs(q - 10) <= r) ? 1 : 0;
  });
  const lesionVoxels: number[] = [];
  for (let z = 9; z <= 11; z++) for (let y = 9; y <= 11; y++) for (let x = 9; x <= 11; x++) lesionVoxels.push(idx(dims, x, y, z));
  const request = { channels: [bright(4), new Float32Array(8000)], dimsXyz: dims, spacingMm: [1, 1, 1] as Xyz, lesionVoxels };

  it('measures the box radius as the receptive field', async () => {
    const model = new BoxModel(2);
    const rf = await receptiveField(model);
    expect(rf.local).toBe(true);
    expect(rf.marginVoxels).toEqual([2, 2, 2]);
    model.dispose();
  });

  it('peak, shares and shells of a hand-known map', async () => {
    const model = new BoxModel(1);
    const p = await prepareInstance(model, request, { cropMode: 'whole' });
    // mean SmoothGrad without noise: dS/dx = gain/27 x (number of lesion voxels whose box holds x), FLAIR only
    const r = await smoothGradMean(model, p, { samples: 1, noiseFraction: 0 });
    const q = lesionSaliency(r, p);
    expect(q.flairPeak).toBeCloseTo(20 / 27, 5); // the lesion centre is in all 27 boxes: 27 x gain/27 / |L|=27
    expect(q.mpragePeak).toBe(0);
    expect(q.shareLesion).toEqual([1, 0]);
    const shell1 = q.shells.find((s) => s.shellMm === 1)!;
    expect(shell1.voxels).toBe(6 * 9); // face neighbours of the 3^3 cube at 1 mm
    expect(q.shells.find((s) => s.shellMm === 4)!.means[0]).toBe(0); // beyond the box reach
    expect([q.flairShareLesion, q.flairShareNeighbourhood]).toEqual([1, 1]);
    // the same maps from a model that takes the T1 first: FLAIR is found by its name, not its place
    const swapped = lesionSaliency({ ...r, channels: ['T1', 'FLAIR'], maps: [r.maps[1], r.maps[0]] }, p);
    expect([swapped.flairPeak, swapped.mpragePeak, swapped.flairShareLesion]).toEqual([q.flairPeak, 0, 1]);
    expect(swapped.shareLesion).toEqual([0, 1]);
    // and from a FLAIR-only model: no T1 peak, FLAIR all of the (one-channel) share
    const one = lesionSaliency({ ...r, channels: ['FLAIR'], maps: [r.maps[0]] }, p);
    expect([one.flairPeak, one.mpragePeak, one.flairShareLesion, one.shareLesion.length]).toEqual([q.flairPeak, NaN, 1, 1]);
  });

  it('explainInstance: one call, maps pasted back into the volume', async () => {
    const model = new BoxModel(1);
    const e = await explainInstance(model, request, { method: 'smoothgrad-mean', samples: 2, seed: 4 });
    expect(e.result.exact).toBe(true);
    expect(e.result.crop.dims).toEqual([5, 5, 5]); // 3^3 lesion + receptive field 1 on each side
    expect(e.result.provenance.seed).toBe(4);
    const [flair] = mapsAsVolumes(e.result, dims);
    expect(flair.length).toBe(8000);
    expect(Math.max(...flair)).toBeCloseTo(e.quantities!.flairPeak, 6);
    model.dispose();
  });

  it('Grad-CAM++ by hand on the box layer, and a zero denominator', async () => {
    // A = box mean, g = gain on lesion voxels: alpha = 1 / (2 + gain sum_L A) there, 0 elsewhere,
    // w = |L| gain / (2 + gain sum_L A), map = ReLU(w A)
    const model = new BoxModel(1);
    const p = await prepareInstance(model, request, { cropMode: 'whole' });
    const r = await gradCamPlusPlus(model, p);
    const mean = (v: number) => {
      const [x, y, z] = [v % 20, Math.floor(v / 20) % 20, Math.floor(v / 400)];
      let s = 0;
      for (let c = -1; c <= 1; c++) for (let b = -1; b <= 1; b++) for (let a = -1; a <= 1; a++) s += request.channels[0][idx(dims, x + a, y + b, z + c)] ?? 0;
      return s / 27;
    };
    const sumA = lesionVoxels.reduce((s, v) => s + mean(v), 0);
    const w = (27 * 20) / (2 + 20 * sumA);
    for (const v of [idx(dims, 10, 10, 10), idx(dims, 13, 10, 10), idx(dims, 2, 2, 2)]) expect(r.maps[0][v]).toBeCloseTo(w * mean(v), 5);
    // zero input: A = 0, the denominator is 0 off the lesion (replaced by 1), the map is 0, no NaN
    const zero = await prepareInstance(model, { ...request, channels: [new Float32Array(8000), new Float32Array(8000)] }, { cropMode: 'whole' });
    const z = await gradCamPlusPlus(model, zero);
    expect(z.maps[0].every((v) => v === 0) && z.scaled.every((v) => v === 0)).toBe(true);
    model.dispose();
  });

  it('context experiment: smallest radius at which the lesion is still an instance', async () => {
    const model = new BoxModel(3);
    const p = await prepareInstance(model, request, { cropMode: 'whole' });
    const radii = [0, 1, 2, 3, 4, 5];
    const r = await contextExperiment(model, p, radii);
    // brute force: box mean of the masked FLAIR, p = sigmoid(gain (mean - level)) >= 0.4, instances > 5 voxels
    const dist = signedDistanceMm(p.lesionMask, dims, [1, 1, 1]);
    const expected = radii.map((k) => {
      const flair = request.channels[0].map((v, i) => (dist[i] <= k ? v : 0));
      const prob = new Float32Array(8000);
      for (let z = 0; z < 20; z++) for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) {
        let s = 0;
        for (let c = -3; c <= 3; c++) for (let b = -3; b <= 3; b++) for (let a = -3; a <= 3; a++) {
          const [xx, yy, zz] = [x + a, y + b, z + c];
          if (xx >= 0 && yy >= 0 && zz >= 0 && xx < 20 && yy < 20 && zz < 20) s += flair[idx(dims, xx, yy, zz)];
        }
        prob[idx(dims, x, y, z)] = 1 / (1 + Math.exp(-20 * (s / 343 - 0.9)));
      }
      const l = labelComponents({ dims }, (i) => prob[i] >= 0.4, 18);
      return lesionVoxels.some((v) => l.labels[v] && l.sizes[l.labels[v]] > 5);
    });
    console.log(`[xai context] box model r=3: ${JSON.stringify(r)}`);
    expect(r.steps.map((s) => s.detected)).toEqual(expected);
    expect(expected[0]).toBe(false);
    expect(expected[5]).toBe(true);
    expect(r.minimalContextMm).toBe(radii[expected.lastIndexOf(false) + 1]);
  });

  it('the noise made ahead on its own thread is the noise drawn in the loop, bit for bit', async () => {
    const model = new BoxModel(1);
    const p = await prepareInstance(model, request, { cropMode: 'whole' });
    const ahead = new Float32Array(seededNoise(4, 0.3)(5, 1, p.crop)); // the reference: the function itself
    const { noiseAhead } = await import('./noiseThread.ts');
    const thread = await noiseAhead(4, 0.3, p.crop, 2, 8);
    expect(thread).not.toBeNull();
    for (let s = 0; s < 5; s++) await thread!.take(s);
    expect(Array.from((await thread!.take(5))[1])).toEqual(Array.from(ahead));
    thread!.close();
    const a = await smoothGradMean(model, p, { samples: 6, batchSize: 4, seed: 2, noiseThread: true });
    const b = await smoothGradMean(model, p, { samples: 6, batchSize: 4, seed: 2, noiseThread: false });
    expect(a.maps.map((m) => Array.from(m))).toEqual(b.maps.map((m) => Array.from(m)));
  });

  it('max variant reports progress with running means and stops on abort', async () => {
    const model = new BoxModel(1);
    const p = await prepareInstance(model, request, { cropMode: 'whole' });
    const seen: [number, number, boolean][] = [];
    await smoothGradMax(model, p, { samples: 2, batchSize: 20, seed: 1, partialEveryMs: 0, onProgress: (d, t, m) => seen.push([d, t, m !== null]) });
    expect(seen).toEqual([[20, 54, false], [40, 54, true], [54, 54, true]]);
    // read back at most every so often: the first finished sample, then not again within the interval
    seen.length = 0;
    await smoothGradMax(model, p, { samples: 3, batchSize: 10, seed: 1, partialEveryMs: 1e9, onProgress: (d, t, m) => seen.push([d, t, m !== null]) });
    expect(seen.map((s) => s[2])).toEqual([false, false, true, false, false, false, false, false, false]);
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    await expect(smoothGradMax(model, p, { samples: 3, batchSize: 10, signal: controller.signal, onProgress: (d) => d >= 20 && controller.abort() })).rejects.toBeInstanceOf(Cancelled);
    expect(tf.memory().numTensors).toBe(before);
    // max variant of a linear model: each element keeps the largest single-voxel gradient, gain/27
    const r = await smoothGradMax(model, p, { samples: 1, noiseFraction: 0 });
    expect(Math.max(...r.maps[0])).toBeCloseTo(20 / 27, 5);
  });
});
