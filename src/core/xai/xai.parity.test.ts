// Explanations against PyTorch references (training/export_xai_fixtures.py): the same model, input,
// lesion and noise on both sides; tolerance 1e-3 on max |ours - torch| / max |torch|.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentationModel } from '../model/index.ts';
import { relativeError } from '../model/testing/parity.ts';
import { signedDistanceMm } from '../volume/distance.ts';
import { gradCamPlusPlus } from './gradCamPlusPlus.ts';
import { type PreparedInstance, prepareInstance } from './instance.ts';
import { suppliedNoise } from './noise.ts';
import { shellProfile } from './quantities.ts';
import { smoothGradMax, smoothGradMean } from './smoothGrad.ts';
import { loadFixtureModel, loadXaiFixture, type XaiFixture } from './testing.ts';

const TOLERANCE = 1e-3;
const concat = (maps: Float32Array[]) => Float32Array.from(maps.flatMap((m) => Array.from(m)));

for (const name of ['unet3d', 'dynunet']) {
  describe(`instance explanations match PyTorch (${name}, cpu)`, () => {
    let model: SegmentationModel;
    let fx: XaiFixture;
    let p: PreparedInstance;
    beforeAll(async () => {
      await tf.setBackend('cpu');
      model = await loadFixtureModel(name);
      fx = await loadXaiFixture(name);
      p = await prepareInstance(model, fx.request, { cropMode: 'whole' });
    });
    afterAll(() => model.dispose());

    it('mean SmoothGrad with supplied noise', async () => {
      const partial: number[] = [];
      const r = await smoothGradMean(model, p, { samples: fx.meta.samples, noise: suppliedNoise(fx.noise, fx.request.dimsXyz), batchSize: 2, onProgress: (d) => partial.push(d) });
      const err = relativeError(concat(r.maps), concat(fx.mean));
      console.log(`[xai parity] ${name} smoothgrad-mean rel err ${err.toExponential(2)}`);
      expect(err).toBeLessThan(TOLERANCE);
      expect(partial).toEqual(Array.from({ length: fx.meta.samples / 2 }, (_, i) => 2 * (i + 1)));
      expect(r.provenance.seed).toBeNull();
      expect(r.provenance.sigma as number).toBeCloseTo(fx.meta.sigma, 5); // 0.05 x range of the z-scored FLAIR
    });

    it.runIf(name === 'unet3d')('max SmoothGrad (per-voxel gradients, batched across samples)', async () => {
      const r = await smoothGradMax(model, p, { samples: fx.meta.max_samples, noise: suppliedNoise(fx.noise, fx.request.dimsXyz), batchSize: 7 });
      const err = relativeError(concat(r.maps), concat(fx.max!));
      console.log(`[xai parity] ${name} smoothgrad-max rel err ${err.toExponential(2)} (${r.provenance.gradients} gradients)`);
      expect(err).toBeLessThan(TOLERANCE);
    });

    it('Grad-CAM++ on the manifest layer, trilinear-upsampled', async () => {
      const r = await gradCamPlusPlus(model, p);
      const err = relativeError(r.maps[0], fx.gradCam!);
      // Grad-CAM++ can be ill-conditioned in float32 (alpha's denominator 2 g^2 + sum A g^3 may nearly
      // cancel): PyTorch's own float32 result is that far from its float64 reference, so that is allowed
      const f32 = fx.meta.gradcam_torch_f32_rel_err;
      console.log(`[xai parity] ${name} gradcam++ (${r.layer}, ${r.layerDims.join('x')}) rel err ${err.toExponential(2)} (PyTorch float32: ${f32.toExponential(2)})`);
      expect(err).toBeLessThan(Math.max(TOLERANCE, f32));
      expect(Math.max(...r.scaled)).toBeCloseTo(1, 6);
      expect(Math.min(...r.scaled)).toBeGreaterThanOrEqual(0);
    });

    it('shell profile (signed distance, anisotropic spacing) of the reference map', () => {
      const distance = signedDistanceMm(p.lesionMask, p.crop.dims, fx.request.spacingMm);
      const shells = shellProfile(fx.mean, distance);
      const ref = fx.meta.shells;
      expect(shells.map((s) => s.shellMm)).toEqual(ref.map((s) => s.shellMm));
      expect(shells.map((s) => s.voxels)).toEqual(ref.map((s) => s.voxels));
      const ours = shells.flatMap((s) => (s.voxels ? s.means : []));
      const theirs = ref.flatMap((s) => (s.voxels ? [s.flair!, s.mprage!] : []));
      const err = relativeError(ours, theirs);
      console.log(`[xai parity] ${name} shell profile rel err ${err.toExponential(2)}`);
      expect(err).toBeLessThan(TOLERANCE);
    });
    it.runIf(name === 'unet3d')('frees every tensor over repeated explanations', async () => {
    // a 3-voxel instance keeps the max variant short
    const small = await prepareInstance(model, { ...fx.request, lesionVoxels: Array.from(fx.request.lesionVoxels).slice(0, 3) }, { cropMode: 'whole' });
    const opts = { samples: 2, noise: suppliedNoise(fx.noise, fx.request.dimsXyz), batchSize: 2 };
    await smoothGradMean(model, small, opts);
    await gradCamPlusPlus(model, small);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      await smoothGradMean(model, small, opts);
      await smoothGradMax(model, small, opts);
      await gradCamPlusPlus(model, small);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
  });
}
