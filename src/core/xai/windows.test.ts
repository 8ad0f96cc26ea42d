// Explanations of the blended sliding-window prediction (core/xai/windows.ts) against PyTorch: the instance-norm
// fixture model on a volume that takes 8 windows of 16^3 (starts 0/9, 0/6, 0/4: not on the stride grid), every
// window holding the lesion. The reference (training/export_xai_fixtures.py windows) writes the window plan, the
// Gaussian weights and the blend out from their definitions, and differentiates the blend by autograd (float64).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../model/backend.ts';
import { loadSegmentationModel, type SegmentationModel } from '../model/index.ts';
import { relativeError } from '../model/testing/parity.ts';
import { windowPredictor } from '../pipeline/windowPredictor.ts';
import { planWindows, segmentVolume } from '../segment/index.ts';
import { gradCamPlusPlus } from './gradCamPlusPlus.ts';
import { type PreparedInstance, prepareInstance, instanceScore } from './instance.ts';
import { suppliedNoise } from './noise.ts';
import { smoothGradMax, smoothGradMean } from './smoothGrad.ts';
import { contextExperiment } from './context.ts';
import { loadXaiFixture, type XaiFixture } from './testing.ts';
import { lesionWindows } from './windows.ts';

const root = resolve(import.meta.dirname, '../../../public/test-fixtures');
const concat = (maps: Float32Array[]) => Float32Array.from(maps.flatMap((m) => Array.from(m)));

describe('explanations of the blended sliding-window prediction match PyTorch (dynunet, instance norm, cpu as the app runs it)', () => {
  let model: SegmentationModel;
  let fx: XaiFixture;
  let p: PreparedInstance;
  beforeAll(async () => {
    await initBackend(['cpu']);
    fx = await loadXaiFixture('dynunet-windows');
    const edge = fx.meta.window_edge!;
    model = await loadSegmentationModel(async (path) => {
      const bytes = new Uint8Array(await readFile(resolve(root, 'model', 'dynunet', path)));
      if (path !== 'manifest.json') return bytes;
      const m = JSON.parse(new TextDecoder().decode(bytes));
      return new TextEncoder().encode(JSON.stringify({ ...m, windowSizeVoxels: [edge, edge, edge] }));
    });
    p = await prepareInstance(model, fx.request, { cropMode: 'exact' });
  });
  afterAll(() => model.dispose());

  it('plans the segmentation\'s own windows: the blended probability equals the reference', async () => {
    const windows = planWindows(fx.request.dimsXyz, [16, 16, 16]).map((w) => [...w.start].reverse());
    expect(windows).toEqual(fx.meta.window_starts_zyx);
    const prob = await segmentVolume(fx.request.channels as Float32Array[], fx.request.dimsXyz, windowPredictor(model), { windowSize: model.manifest.windowXyz, sizeMultiple: 4 });
    const err = relativeError(prob, fx.probability!);
    console.log(`[xai windows] blended probability rel err ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  it('prepares the blended instance: every covering window, weights summing to 1 on the lesion', () => {
    expect(p.blended).toBe(true);
    expect(p.exact).toBe(true);
    expect(p.windows.length).toBe(fx.meta.windows_covering_lesion);
    expect(p.crop).toEqual({ origin: [0, 0, 0], dims: fx.request.dimsXyz });
    const [cx, cy] = p.crop.dims;
    for (const v of p.lesionCrop) {
      const q = [v % cx, Math.floor(v / cx) % cy, Math.floor(v / (cx * cy))];
      let sum = 0;
      for (const w of p.windows) {
        const r = q.map((c, a) => c - w.offset[a]);
        if (r.some((c, a) => c < 0 || c >= w.dims[a])) continue;
        sum += w.weights![r[0] + w.dims[0] * (r[1] + w.dims[1] * r[2])];
      }
      expect(sum).toBeCloseTo(1, 6);
    }
    expect(p.note).toMatch(/exact: the blended prediction of the 8 sliding windows/);
  });

  it('mean SmoothGrad of the blended logit', async () => {
    const r = await smoothGradMean(model, p, { samples: fx.meta.samples, noise: suppliedNoise(fx.noise, fx.request.dimsXyz), batchSize: 2 });
    const err = relativeError(concat(r.maps), concat(fx.mean));
    console.log(`[xai windows] smoothgrad-mean rel err ${err.toExponential(2)} (${r.provenance.windows} windows)`);
    expect(err).toBeLessThan(1e-3);
    expect(r.exact).toBe(true);
    expect(r.provenance.windows).toBe(8);
    // today's approximation, one window centred on the lesion, is another map: the test can tell them apart
    const one = await prepareInstance(model, fx.request, { cropMode: 'fast' });
    expect(one.blended).toBe(false);
    const approx = await smoothGradMean(model, one, { samples: fx.meta.samples, noise: suppliedNoise(fx.noise, fx.request.dimsXyz), batchSize: 2 });
    const full = approx.maps.map((m) => {
      const out = new Float32Array(fx.mean[0].length);
      const [nx, ny] = fx.request.dimsXyz;
      const [ox, oy, oz] = one.crop.origin;
      const [cx, cy, cz] = one.crop.dims;
      for (let k = 0; k < cz; k++) for (let j = 0; j < cy; j++) for (let i = 0; i < cx; i++) out[ox + i + nx * (oy + j + ny * (oz + k))] = m[i + cx * (j + cy * k)];
      return out;
    });
    const oneErr = relativeError(concat(full), concat(fx.mean));
    console.log(`[xai windows] one centred window instead: rel err ${oneErr.toExponential(2)}`);
    expect(oneErr).toBeGreaterThan(1e-2);
  });

  it('max SmoothGrad of the blended per-voxel logits', async () => {
    const r = await smoothGradMax(model, p, { samples: fx.meta.max_samples, noise: suppliedNoise(fx.noise, fx.request.dimsXyz), batchSize: 8 });
    const err = relativeError(concat(r.maps), concat(fx.max!));
    console.log(`[xai windows] smoothgrad-max rel err ${err.toExponential(2)} (${r.provenance.gradients} gradients x ${r.provenance.windows} windows)`);
    expect(err).toBeLessThan(1e-3);
  });

  it('the blended score is linear in the windows: a finite difference matches the gradient', async () => {
    const r = await smoothGradMean(model, p, { samples: 1, noise: (_sample: number, c: number) => new Float32Array(p.input[c].length) });
    // the largest FLAIR gradient element, perturbed by h: (S(x + h e) - S(x - h e)) / 2h = |L| x map
    let at = 0;
    for (let i = 0; i < r.maps[0].length; i++) if (Math.abs(r.maps[0][i]) > Math.abs(r.maps[0][at])) at = i;
    const h = 1e-2;
    const moved = (d: number) => p.input.map((c, k) => (k === 0 ? c.map((v, i) => (i === at ? v + d : v)) : c));
    const fd = (instanceScore(model, p, moved(h)) - instanceScore(model, p, moved(-h))) / (2 * h);
    // float32 scores and the LeakyReLU kinks: 1 % here; a weight left out or counted twice is off by far more
    expect(Math.abs(fd / (r.maps[0][at] * p.lesionCrop.length) - 1)).toBeLessThan(0.03);
  });

  it('Grad-CAM++ says it is not exact and uses one window', async () => {
    const r = await gradCamPlusPlus(model, p);
    expect(r.exact).toBe(false);
    expect(r.note).toMatch(/8 sliding windows cover the lesion/);
    expect(r.crop.dims).toEqual([16, 16, 16]);
  });

  it('the context experiment blends the windows\' probabilities, as the app segments', async () => {
    const full = await contextExperiment(model, p, [100]);
    const prob = await segmentVolume(fx.request.channels as Float32Array[], fx.request.dimsXyz, windowPredictor(model), { windowSize: model.manifest.windowXyz, sizeMultiple: 4 });
    const detected = Array.from(p.lesionCrop).some((v) => prob[v] >= model.manifest.threshold);
    expect(full.steps[0].detected).toBe(detected);
  });

  it('a lesion inside one window only: that window, weights 1, no blending', () => {
    const [nx, ny] = fx.request.dimsXyz;
    const corner = [1 + nx * (1 + ny * 1)];
    const b = lesionWindows(corner, fx.request.dimsXyz, [16, 16, 16], 4);
    expect(b.windows).toEqual([{ offset: [0, 0, 0], dims: [16, 16, 16], weights: null }]);
    expect(b.crop).toEqual({ origin: [0, 0, 0], dims: [16, 16, 16] });
  });
});
