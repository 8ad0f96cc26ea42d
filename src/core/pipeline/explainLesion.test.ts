import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lesionInstances } from '../lesions';
import { gridFromAffine } from '../volume';
import { applyAffine, invert4 } from '../volume/affine';
import { BoxModel } from '../xai/boxModel.testing';
import { explainLesion, lesionContext, lesionOnModelGrid } from './explainLesion';
import { probabilityOnModelGrid, segmentScan } from './segmentScan';
import { windowPredictor } from './windowPredictor';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A 2D-FLAIR-like scan (0.8 x 0.8 x 3 mm) and a 1 mm model. The box model's lesion logit is
// gain x (mean of z-scored FLAIR over a (2r+1)^3 box - level), so without noise the instance SmoothGrad
// on the model grid is worked by hand: dS_L/dx_u = gain / k^3 x #{v in L : |v - u| <= r per axis}, divided
// by |L|; zero for MPRAGE. The explanation must be that map on the model grid, for the model-grid voxels of
// the lesion the segmentation drew.
describe('explainLesion on an anisotropic scan', () => {
  const dims: [number, number, number] = [40, 40, 12];
  const scanGrid = gridFromAffine(dims, [0.8, 0, 0, -16, 0, 0.8, 0, -12, 0, 0, 3, -18, 0, 0, 0, 1]);
  const n = dims[0] * dims[1] * dims[2];
  const flair = new Float32Array(n);
  const t1 = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const [x, y, z] = applyAffine(scanGrid.voxToMm, [v % 40, Math.floor(v / 40) % 40, Math.floor(v / 1600)]);
    // an ellipsoidal lesion of radii 5, 4 and 7 mm centred at (0, 2, 0) mm on a gently varying background
    const inside = (x / 5) ** 2 + ((y - 2) / 4) ** 2 + (z / 7) ** 2 <= 1;
    flair[v] = 100 + 0.2 * x + (inside ? 400 : 0);
    t1[v] = 300 - x;
  }
  const model = new BoxModel(1);
  const r = 1;
  const k3 = (2 * r + 1) ** 3;

  it('explains on the model grid the lesion the segmentation drew, and brings the map back to the scan', async () => {
    const { input, probability } = await segmentScan([flair, t1], scanGrid, model.manifest, windowPredictor(model));
    expect(input.modelGrid.dims).toEqual([32, 32, 36]);
    const scanLesions = lesionInstances(scanGrid, probability, model.manifest.threshold, 18, 5);
    expect(scanLesions.count).toBe(1);
    const lesionScan: number[] = [];
    for (let v = 0; v < n; v++) if (scanLesions.labels[v] === 1) lesionScan.push(v);

    // the lesion on the model grid is the model's own thresholded component there (up to border voxels)
    const onModel = lesionOnModelGrid(input, lesionScan);
    const modelProb = await probabilityOnModelGrid(input, windowPredictor(model));
    const modelLesion = new Set<number>();
    modelProb.forEach((p, v) => p >= model.manifest.threshold && modelLesion.add(v));
    let common = 0;
    for (const v of onModel) if (modelLesion.has(v)) common++;
    expect((2 * common) / (onModel.length + modelLesion.size)).toBeGreaterThan(0.85);

    const e = await explainLesion(model, input, lesionScan, { method: 'smoothgrad-mean', samples: 1, noiseFraction: 0, cropMode: 'exact' });
    const { crop, maps } = e.result;
    const [cx, cy, cz] = crop.dims;
    const [mx, my] = input.modelGrid.dims;
    const inL = new Uint8Array(modelProb.length);
    for (const v of onModel) inL[v] = 1;
    // the hand-worked map on the crop of the model grid
    let worst = 0;
    let peak = 0;
    for (let z = 0; z < cz; z++)
      for (let y = 0; y < cy; y++)
        for (let x = 0; x < cx; x++) {
          const [ux, uy, uz] = [x + crop.origin[0], y + crop.origin[1], z + crop.origin[2]];
          let count = 0;
          for (let dz = -r; dz <= r; dz++)
            for (let dy = -r; dy <= r; dy++)
              for (let dx = -r; dx <= r; dx++) {
                const [vx, vy, vz] = [ux + dx, uy + dy, uz + dz];
                if (vx < 0 || vy < 0 || vz < 0 || vx >= mx || vy >= my || vz >= input.modelGrid.dims[2]) continue;
                count += inL[vx + mx * (vy + my * vz)];
              }
          const expected = (model.gain / k3) * (count / onModel.length);
          const i = x + cx * (y + cy * z);
          worst = Math.max(worst, Math.abs(maps[0][i] - expected), Math.abs(maps[1][i]));
          peak = Math.max(peak, expected);
        }
    expect(peak).toBeGreaterThan(0);
    expect(worst / peak).toBeLessThan(1e-4);

    // back on the scan grid: the box covers the lesion, the map's mass (value x voxel volume) is kept, and
    // the map is largest inside the clicked lesion
    const box = e.shownOnScan.crop;
    const inScanLesion = new Set(lesionScan);
    let massModel = 0;
    for (const v of maps[0]) massModel += v;
    let massScan = 0;
    let best = -Infinity;
    let bestInside = false;
    const [bx, by, bz] = box.dims;
    for (let z = 0; z < bz; z++)
      for (let y = 0; y < by; y++)
        for (let x = 0; x < bx; x++) {
          const value = e.shownOnScan.maps[0][x + bx * (y + by * z)];
          massScan += value * 0.8 * 0.8 * 3;
          const v = x + box.origin[0] + 40 * (y + box.origin[1] + 40 * (z + box.origin[2]));
          if (value > best) [best, bestInside] = [value, inScanLesion.has(v)];
        }
    for (const v of lesionScan) {
      const q = [v % 40, Math.floor(v / 40) % 40, Math.floor(v / 1600)];
      expect(q.every((c, a) => c >= box.origin[a] && c < box.origin[a] + box.dims[a])).toBe(true);
    }
    expect(Math.abs(massScan - massModel) / massModel).toBeLessThan(0.05);
    expect(bestInside).toBe(true);
    // the crop of the model grid sits where the lesion is in the world: its centre within 2 mm of (0, 2, 0)
    const centre = applyAffine(input.modelGrid.voxToMm, crop.origin.map((o, a) => o + (crop.dims[a] - 1) / 2) as [number, number, number]);
    expect(Math.hypot(centre[0], centre[1] - 2, centre[2])).toBeLessThan(2.5);
    expect(applyAffine(invert4(scanGrid.voxToMm), [0, 2, 0]).every((c, a) => c >= box.origin[a] && c < box.origin[a] + box.dims[a])).toBe(true);
  });

  it('runs the context experiment on the model grid: the lesion is found with its whole surroundings kept', async () => {
    const { input, probability } = await segmentScan([flair, t1], scanGrid, model.manifest, windowPredictor(model));
    const lesions = lesionInstances(scanGrid, probability, model.manifest.threshold, 18, 5);
    const lesionScan: number[] = [];
    for (let v = 0; v < n; v++) if (lesions.labels[v] === 1) lesionScan.push(v);
    const c = await lesionContext(model, input, lesionScan, [0, 30]);
    expect(c.steps.map((s) => s.radiusMm)).toEqual([0, 30]);
    expect(c.steps[1].detected).toBe(true);
  });
});

// The same image stored RAS and LPS: the model sees one RAS grid, so the explanation, brought back to each
// file's own grid, must agree at every world position (to float32 rounding). This checks the way back through
// a flipped affine (lesion to the model grid, map to the scan box); the box model is mirror-symmetric, so the
// reordering itself is checked by segmentScan.test.ts with an asymmetric "model".
describe('explainLesion on a scan stored LPS', () => {
  const dims: [number, number, number] = [24, 22, 20];
  const ras = gridFromAffine(dims, [1, 0, 0, -12, 0, 1, 0, -11, 0, 0, 1, -10, 0, 0, 0, 1]);
  const lps = gridFromAffine(dims, [-1, 0, 0, 11, 0, -1, 0, 10, 0, 0, 1, -10, 0, 0, 0, 1]);
  const idx = (i: number, j: number, k: number) => i + 24 * (j + 22 * k);
  const n = 24 * 22 * 20;
  const stored = (flip: boolean) => {
    const flair = new Float32Array(n);
    for (let k = 0; k < 20; k++)
      for (let j = 0; j < 22; j++)
        for (let i = 0; i < 24; i++) {
          // brain: an ellipsoid; lesion: an off-centre blob (asymmetric, so a flip would show)
          const inBrain = ((i - 11.5) / 11) ** 2 + ((j - 10.5) / 10) ** 2 + ((k - 9.5) / 9) ** 2 <= 1;
          const inLesion = (i - 15) ** 2 + (j - 8) ** 2 + (k - 11) ** 2 <= 6;
          const v = inBrain ? 100 + 2 * i + j + (inLesion ? 300 : 0) : 0;
          flair[flip ? idx(23 - i, 21 - j, k) : idx(i, j, k)] = v;
        }
    return flair;
  };
  const model = new BoxModel(1);

  it('gives the same lesion and the same map at every world position', async () => {
    const maps: Float32Array[] = [];
    const counts: number[] = [];
    for (const flip of [false, true]) {
      const flair = stored(flip);
      const grid = flip ? lps : ras;
      const { input, probability } = await segmentScan([flair, flair.map((v) => (v ? 500 - v : 0))], grid, model.manifest, windowPredictor(model));
      const lesions = lesionInstances(grid, probability, model.manifest.threshold, 18, 5);
      counts.push(lesions.count);
      const voxels: number[] = [];
      lesions.labels.forEach((id, v) => id === 1 && voxels.push(v));
      const e = await explainLesion(model, input, voxels, { method: 'smoothgrad-mean', samples: 1, noiseFraction: 0, cropMode: 'exact' });
      // paste the shown FLAIR map and read it back in RAS voxel order
      const { crop, maps: shown } = e.shownOnScan;
      const whole = new Float32Array(n);
      for (let k = 0; k < crop.dims[2]; k++)
        for (let j = 0; j < crop.dims[1]; j++)
          for (let i = 0; i < crop.dims[0]; i++) {
            const [x, y, z] = [i + crop.origin[0], j + crop.origin[1], k + crop.origin[2]];
            const value = shown[0][i + crop.dims[0] * (j + crop.dims[1] * k)];
            whole[flip ? idx(23 - x, 21 - y, z) : idx(x, y, z)] = value;
          }
      maps.push(whole);
    }
    expect(counts).toEqual([1, 1]);
    let worst = 0;
    let peak = 0;
    for (let v = 0; v < n; v++) {
      worst = Math.max(worst, Math.abs(maps[0][v] - maps[1][v]));
      peak = Math.max(peak, Math.abs(maps[0][v]));
    }
    expect(peak).toBeGreaterThan(0);
    expect(worst / peak).toBeLessThan(1e-5);
  });
});

