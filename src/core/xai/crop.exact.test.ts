// Cropping is exact for a model with a local receptive field (the U-Net fixture, batch norm), the
// instance gradient matches finite differences, and a model with instance norm is declared
// non-croppable. Random-weight fixture models (public/test-fixtures/model).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentationModel } from '../model/index.ts';
import { relativeError } from '../model/testing/parity.ts';
import { pasteCrop, type Xyz } from './crop.ts';
import { compareMaps } from './fidelity.ts';
import { gradCamPlusPlus } from './gradCamPlusPlus.ts';
import { type InstanceRequest, instanceScore, prepareInstance, targetGradient, batchInput } from './instance.ts';
import { gaussianAt } from './noise.ts';
import { probe, receptiveField } from './receptiveField.ts';
import { smoothGradMean } from './smoothGrad.ts';
import { signedDistanceMm } from '../volume/distance.ts';
import { loadFixtureModel } from './testing.ts';

let unet: SegmentationModel;
beforeAll(async () => {
  await tf.setBackend('cpu');
  unet = await loadFixtureModel('unet3d');
});
afterAll(() => unet.dispose());

/** A random volume and a 7-voxel lesion (a voxel and its 6 face neighbours) centred at `centre`. */
function makeRequest(dimsXyz: Xyz, centre: Xyz): InstanceRequest {
  const [nx, ny, nz] = dimsXyz;
  const channels = [0, 1].map((c) => Float32Array.from({ length: nx * ny * nz }, (_, i) => gaussianAt(99, 0, c, i, 0, 0)));
  const lesionVoxels: number[] = [];
  for (const [dx, dy, dz] of [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
    lesionVoxels.push(centre[0] + dx + nx * (centre[1] + dy + ny * (centre[2] + dz)));
  return { channels, dimsXyz, spacingMm: [1, 1, 1], lesionVoxels };
}

describe('receptive field and crops', () => {
  it('measures the U-Net receptive field (local) and declares instance norm non-croppable', async () => {
    const rf = await receptiveField(unet);
    console.log(`[xai rf] unet3d fixture: ${JSON.stringify(rf)}`);
    expect(rf.local).toBe(true);
    expect(rf.marginVoxels).toEqual([16, 16, 16]);
    expect(rf.effectiveMarginVoxels).toBeLessThanOrEqual(16);
    // dynunet: its convolutions alone reach < 28 voxels past a cell, so at a 32 probe only the whole-window
    // dependence of instance norm can touch the far border
    const dyn = await loadFixtureModel('dynunet');
    try {
      const probed = await probe(dyn, 32, 0.99);
      console.log(`[xai rf] dynunet fixture, probed: ${JSON.stringify(probed)}`);
      expect(probed.local).toBe(false);
      // the graph says so too (InstanceNormalization), so the app does not probe at all
      const rfDyn = await receptiveField(dyn);
      expect(rfDyn).toMatchObject({ local: false, probeVoxels: 0, declaredBy: ['InstanceNormalization'] });
      // exact: the segmentation's windows (starts 0 and 8 per axis) that hold the lesion, blended (windows.test.ts)
      const p = await prepareInstance(dyn, makeRequest([40, 40, 40], [20, 20, 20]));
      expect(p).toMatchObject({ exact: true, blended: true, crop: { origin: [0, 0, 0], dims: [40, 40, 40] } });
      expect(p.windows.length).toBe(8);
      // fast: one model window centred on the lesion, not exact
      const fast = await prepareInstance(dyn, makeRequest([40, 40, 40], [20, 20, 20]), { cropMode: 'fast' });
      expect(fast).toMatchObject({ exact: false, blended: false });
      expect(fast.note).toMatch(/instance norm/);
      expect(fast.crop.dims).toEqual([32, 32, 32]);
    } finally {
      dyn.dispose();
    }
  });

  it('an exact crop equals the whole-volume computation (stride grid, volume borders, padded end)', async () => {
    // x: lesion near 0 (crop clipped at 0); y: crop ends at the volume end; z: 44 is padded to 48
    const request = makeRequest([40, 48, 44], [4, 42, 40]);
    const whole = await prepareInstance(unet, request, { cropMode: 'whole' });
    const exact = await prepareInstance(unet, request, { cropMode: 'exact' });
    console.log(`[xai crop] whole ${whole.crop.dims} exact ${JSON.stringify(exact.crop)}`);
    expect(exact.exact).toBe(true);
    expect(exact.crop.origin.every((o) => o % 8 === 0)).toBe(true);
    expect(exact.crop.dims[0] * exact.crop.dims[1] * exact.crop.dims[2]).toBeLessThan(whole.crop.dims[0] * whole.crop.dims[1] * whole.crop.dims[2] / 4);
    const opts = { samples: 2, batchSize: 2, seed: 5 };
    const a = await smoothGradMean(unet, whole, opts);
    const b = await smoothGradMean(unet, exact, opts);
    for (let c = 0; c < 2; c++) {
      const cropped = pasteCrop(b.maps[c], b.crop, request.dimsXyz);
      const full = pasteCrop(a.maps[c], a.crop, request.dimsXyz);
      const err = relativeError(cropped, full);
      console.log(`[xai crop] exact crop vs whole volume, channel ${c}: rel err ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-5);
    }
    // Grad-CAM++ on an exact crop: widened by 6, kept (and exact) within 4 voxels of the lesion's box
    const ga = await gradCamPlusPlus(unet, whole);
    const gb = await gradCamPlusPlus(unet, exact, undefined, { extraMarginVoxels: 6 });
    expect(gb.validMarginVoxels).toBe(4);
    const near = signedDistanceMm(whole.lesionMask, whole.crop.dims, [1, 1, 1]);
    const nearWhole = (v: number) => near[v] <= 4;
    const fid = compareMaps(ga.maps[0], ga.crop, gb.maps[0], gb.crop, request.dimsXyz, nearWhole);
    console.log(`[xai crop] Grad-CAM++ exact crop vs whole within 4 mm: ${JSON.stringify(fid)}`);
    expect(fid.relativeError).toBeLessThan(1e-5);
    // fast crop (effective receptive field): fidelity near the lesion, measured and reported
    const fast = await prepareInstance(unet, makeRequest([48, 48, 48], [24, 24, 24]), { cropMode: 'fast' });
    const ref = await prepareInstance(unet, fast.request, { cropMode: 'exact' });
    const fa = await smoothGradMean(unet, ref, { ...opts, samples: 1 });
    const fb = await smoothGradMean(unet, fast, { ...opts, samples: 1 });
    const dist = signedDistanceMm(pasteCrop(ref.lesionMask, ref.crop, fast.request.dimsXyz), fast.request.dimsXyz, [1, 1, 1]);
    for (const radiusMm of [0, 5]) {
      const f = compareMaps(fa.maps[0], fa.crop, fb.maps[0], fb.crop, fast.request.dimsXyz, (v) => dist[v] <= radiusMm);
      console.log(`[xai crop] fast crop ${fast.crop.dims} vs exact ${ref.crop.dims}, FLAIR within ${radiusMm} mm: corr ${f.correlation.toFixed(5)} rel err ${f.relativeError.toExponential(2)}`);
      expect(f.correlation).toBeGreaterThan(0.9);
    }
  });

  it('the instance gradient matches central finite differences', async () => {
    const p = await prepareInstance(unet, makeRequest([16, 16, 16], [7, 8, 9]), { cropMode: 'whole' });
    const [nx, ny, nz] = p.crop.dims;
    const g = tf.tidy(() => targetGradient(unet, batchInput([p.input], p.crop), tf.tensor4d(p.lesionMask, [1, nz, ny, nx])));
    const grad = (await g.data()) as Float32Array; // [1, z, y, x, c]
    g.dispose();
    // the largest gradients and a few others
    const order = Array.from(grad.keys()).sort((i, j) => Math.abs(grad[j]) - Math.abs(grad[i]));
    const h = 1e-2;
    for (const e of [...order.slice(0, 4), order[200], order[1000]]) {
      const v = Math.floor(e / 2);
      const c = e % 2;
      const shifted = (d: number) => p.input.map((ch, k) => (k === c ? ch.map((x, i) => (i === v ? x + d : x)) : ch));
      const fd = (instanceScore(unet, p, shifted(h)) - instanceScore(unet, p, shifted(-h))) / (2 * h);
      expect(Math.abs(fd - grad[e])).toBeLessThan(1e-2 * Math.abs(grad[order[0]]));
    }
  });
});
