import { describe, expect, it } from 'vitest';
import { gridFromAffine } from '../volume';
import { segmentScan } from './segmentScan';

// A 2D-FLAIR-like scan (0.8 x 0.8 x 3 mm) and a 1 mm model: the pipeline must run the model on the 1 mm
// grid and bring its output back onto the same world positions. The "model" here returns its FLAIR input,
// and the scan is linear in world mm, which linear resampling reproduces exactly: so the output at each
// interior scan voxel must be the z-scored scan value there (worked by hand below), and any shift, flip or
// axis mix-up between the grids shows up as an error of many standard deviations.
describe('segmentScan on an anisotropic scan', () => {
  const dims: [number, number, number] = [40, 40, 12];
  const scanGrid = gridFromAffine(dims, [0.8, 0, 0, -16, 0, 0.8, 0, -12, 0, 0, 3, -18, 0, 0, 0, 1]);
  const n = dims[0] * dims[1] * dims[2];
  const world = (v: number) => {
    const i = v % dims[0];
    const j = Math.floor(v / dims[0]) % dims[1];
    const k = Math.floor(v / dims[0] / dims[1]);
    return [0.8 * i - 16, 0.8 * j - 12, 3 * k - 18];
  };
  const flair = new Float32Array(n);
  const t1 = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const [x, y, z] = world(v);
    flair[v] = 200 + 2 * x + y + 0.5 * z;
    t1[v] = 300 - x;
  }
  const manifest = { spacingMmXyz: [1, 1, 1] as [number, number, number], windowXyz: [16, 16, 16] as [number, number, number], sizeMultiple: 4, spatialAxes: 'zyx' as const, inputChannels: ['FLAIR', 'MPRAGE'] };

  it('runs the model on the model grid and maps its output back to the scan voxels', async () => {
    const seen: number[][] = [];
    const { input, probability } = await segmentScan([flair, t1], scanGrid, manifest, async (channels, size) => {
      seen.push(size);
      return channels[0].slice();
    });
    // 40 x 0.8 = 32 mm, 12 x 3 = 36 mm: the model grid is 32 x 32 x 36 voxels of 1 mm
    expect(input.modelGrid.dims).toEqual([32, 32, 36]);
    expect(input.modelGrid.spacingMm.map((s) => +s.toFixed(6))).toEqual([1, 1, 1]);
    expect(seen.every((s) => s.join() === '16,16,16')).toBe(true);
    expect(input.notices[0]).toMatch(/resampled/);
    expect(probability.length).toBe(n);

    // z-score of the scan by hand: mean and (population) SD over all voxels (none is zero)
    let mean = 0;
    for (const v of flair) mean += v / n;
    let sd = 0;
    for (const v of flair) sd += (v - mean) ** 2 / n;
    sd = Math.sqrt(sd);
    // interior voxels only: within half a model voxel of the field of view's edge the model grid has no
    // neighbour on one side, and linear resampling is not exact there
    let worst = 0;
    let checked = 0;
    for (let v = 0; v < n; v++) {
      const [x, y, z] = world(v);
      const inside = x > -16 + 1.5 && x < -16 + 0.8 * 39 - 1.5 && y > -12 + 1.5 && y < -12 + 0.8 * 39 - 1.5 && z > -18 + 1.5 && z < -18 + 33 - 1.5;
      if (!inside) continue;
      worst = Math.max(worst, Math.abs(probability[v] - (flair[v] - mean) / sd));
      checked++;
    }
    expect(checked).toBeGreaterThan(5000);
    expect(worst).toBeLessThan(1e-4);
  });

  it('refuses a model whose channel has no open scan, naming it', () => {
    return expect(segmentScan([flair], scanGrid, manifest, async (c) => c[0])).rejects.toThrow(/takes a T1 channel, and no such scan is open/);
  });

  // the prepared input is read (the scan grid is the model grid here: no resampling in between)
  it("feeds each model the scans its manifest names, in its order, normalised as it says", async () => {
    const sameGrid = { ...manifest, spacingMmXyz: [0.8, 0.8, 3] as [number, number, number], windowXyz: [8, 8, 4] as [number, number, number] };
    const { input: t1First } = await segmentScan([flair, t1], scanGrid, { ...sameGrid, inputChannels: ['T1', 'FLAIR'], normalisation: 'none' }, async (c) => c[0].slice());
    expect(t1First.channels.length).toBe(2);
    expect(t1First.channels[0][5]).toBe(t1[5]);
    expect(t1First.channels[1][5]).toBe(flair[5]);
    const { input: flairOnly } = await segmentScan([flair, t1], scanGrid, { ...sameGrid, inputChannels: ['FLAIR'], normalisation: 'none' }, async (c) => c[0].slice());
    expect(flairOnly.channels).toEqual([flair]);
    // percentile scaling, by hand: t1 = 300 - x over x in {-16, -15.2, ..., 15.2}: the 1st and 99th percentiles of
    // its 19,200 values by nearest rank
    const { input: scaled } = await segmentScan([flair, t1], scanGrid, { ...sameGrid, inputChannels: ['MPRAGE'], normalisation: 'percentile-brain' }, async (c) => c[0].slice());
    const sorted = Float32Array.from(t1).sort();
    const low = sorted[Math.round(0.01 * (n - 1))];
    const high = sorted[Math.round(0.99 * (n - 1))];
    expect(low).toBeCloseTo(300 - 15.2, 4);
    expect(high).toBeCloseTo(300 + 16, 4);
    expect(scaled.channels[0][0]).toBeCloseTo((t1[0] - low) / (high - low), 6);
  });
});

// The models were trained on RAS-ordered volumes: the same image stored RAS or LPS must reach the model in one
// order. The "model" here is a forward difference along its first axis, so it tells the orders apart: stored
// LPS and fed as stored, its output would have the opposite sign (and be one voxel off).
describe('segmentScan on a scan stored LPS', () => {
  const dims: [number, number, number] = [20, 18, 16];
  const n = dims[0] * dims[1] * dims[2];
  const ras = gridFromAffine(dims, [1, 0, 0, -10, 0, 1, 0, -9, 0, 0, 1, -8, 0, 0, 0, 1]);
  // LPS: voxel (i, j, k) sits where RAS voxel (19 - i, 17 - j, k) does
  const lps = gridFromAffine(dims, [-1, 0, 0, 9, 0, -1, 0, 8, 0, 0, 1, -8, 0, 0, 0, 1]);
  // a skull-stripped 'brain': an ellipsoid on a zero background
  const value = (i: number, j: number, k: number) => (((i - 9.5) / 9) ** 2 + ((j - 8.5) / 8) ** 2 + ((k - 7.5) / 7) ** 2 <= 1 ? 100 + i * i + 3 * j + 0.5 * k * j : 0);
  const idx = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);
  const flairRas = new Float32Array(n);
  const flairLps = new Float32Array(n);
  for (let k = 0; k < 16; k++)
    for (let j = 0; j < 18; j++)
      for (let i = 0; i < 20; i++) {
        flairRas[idx(i, j, k)] = value(i, j, k);
        flairLps[idx(19 - i, 17 - j, k)] = value(i, j, k);
      }
  const manifest = { spacingMmXyz: [1, 1, 1] as [number, number, number], windowXyz: [16, 16, 16] as [number, number, number], sizeMultiple: 1, spatialAxes: 'zyx' as const, inputChannels: ['FLAIR', 'MPRAGE'] };
  const forwardDifferenceX = async (channels: Float32Array[], size: number[]) => {
    const [nx] = size;
    const c = channels[0];
    return c.map((v, i) => (i % nx < nx - 1 ? c[i + 1] - v : 0));
  };

  it('gives the same result at every world position as the scan stored RAS', async () => {
    const a = await segmentScan([flairRas, flairRas.map((v) => (v ? 400 - v : 0))], ras, manifest, forwardDifferenceX);
    const b = await segmentScan([flairLps, flairLps.map((v) => (v ? 400 - v : 0))], lps, manifest, forwardDifferenceX);
    expect(a.input.modelGrid).toBe(ras);
    expect(b.input.notices.some((n) => /stored LPS, was reordered to RAS/.test(n))).toBe(true);
    let worst = 0;
    let largest = 0;
    for (let k = 0; k < 16; k++)
      for (let j = 0; j < 18; j++)
        for (let i = 0; i < 20; i++) {
          worst = Math.max(worst, Math.abs(a.probability[idx(i, j, k)] - b.probability[idx(19 - i, 17 - j, k)]));
          largest = Math.max(largest, Math.abs(a.probability[idx(i, j, k)]));
        }
    expect(largest).toBeGreaterThan(0.1);
    expect(worst).toBeLessThan(1e-4);
  });
});
