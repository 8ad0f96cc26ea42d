import { describe, expect, it } from 'vitest';
import { applyAffine, distanceToMaskMm, gridFromAffine, makeVolume } from '../volume';
import { addRicianNoise, applyBiasField, gaussianBlur } from './artefacts';
import { jitterContrast, FLAIR_CONTRAST, MPRAGE_CONTRAST } from './contrast';
import { cropVolume } from './crop';
import { closeMask, fillHoles, labelComponents } from './masks';
import { Rng } from './random';
import { estimateGmWmMeans, fractionsOfT1 } from './tissue';

describe('Rng', () => {
  it('repeats for a seed, differs between seeds, and keeps forked streams apart', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    expect(draw(new Rng(1))).toEqual(draw(new Rng(1)));
    expect(draw(new Rng(1))).not.toEqual(draw(new Rng(2)));
    const root = new Rng('x');
    expect(draw(root.fork('a'))).not.toEqual(draw(root.fork('a'))); // each fork advances the parent
    const r = new Rng(5);
    const xs = Array.from({ length: 20000 }, () => r.normal(3, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(3, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});

describe('distanceToMaskMm', () => {
  it('equals the brute-force Euclidean distance, with anisotropic voxels', () => {
    const dims = [9, 7, 5];
    const spacing = [1, 2, 0.5];
    const r = new Rng(3);
    const mask = Uint8Array.from({ length: 9 * 7 * 5 }, () => (r.next() < 0.05 ? 1 : 0));
    mask[0] = 1;
    const d = distanceToMaskMm(mask, dims, spacing);
    const pos = (v: number) => [(v % 9) * spacing[0], (Math.floor(v / 9) % 7) * spacing[1], Math.floor(v / 63) * spacing[2]];
    for (let v = 0; v < mask.length; v++) {
      let best = Infinity;
      for (let w = 0; w < mask.length; w++) if (mask[w]) best = Math.min(best, Math.hypot(...pos(v).map((x, a) => x - pos(w)[a])));
      expect(d[v]).toBeCloseTo(best, 4);
    }
  });
});

describe('masks', () => {
  it('closing fills a narrow gap, fillHoles fills an enclosed cavity', () => {
    const dims = [20, 20, 20];
    const mask = new Uint8Array(8000);
    const at = (i: number, j: number, k: number) => i + 20 * (j + 20 * k);
    for (let k = 3; k < 17; k++) for (let j = 3; j < 17; j++) for (let i = 3; i < 17; i++) if (i !== 10) mask[at(i, j, k)] = 1; // a 1-voxel slit
    expect(closeMask(mask, dims, [1, 1, 1], 2)[at(10, 10, 10)]).toBe(1);
    const shell = Uint8Array.from(mask, (_, v) => (v === at(10, 10, 10) ? 0 : 1));
    for (let v = 0; v < shell.length; v++) {
      const [i, j, k] = [v % 20, Math.floor(v / 20) % 20, Math.floor(v / 400)];
      shell[v] = Math.max(Math.abs(i - 10), Math.abs(j - 10), Math.abs(k - 10)) === 5 ? 1 : 0;
    }
    const filled = fillHoles(shell, dims);
    expect(filled[at(10, 10, 10)]).toBe(1);
    expect(filled[at(1, 1, 1)]).toBe(0);
  });
});

describe('labelComponents', () => {
  it('joins edge neighbours with 18-connectivity but not with 6', () => {
    const mask = new Uint8Array(27);
    mask[0] = 1; // (0,0,0)
    mask[1 + 3] = 1; // (1,1,0): shares an edge
    mask[2 + 3 * 2 + 9 * 2] = 1; // (2,2,2): a corner away from (1,1,0), joined by neither
    expect(labelComponents(mask, [3, 3, 3], 6).sizes.length - 1).toBe(3);
    expect(labelComponents(mask, [3, 3, 3], 18).sizes.length - 1).toBe(2);
  });
});

describe('tissue fractions', () => {
  const means = { csf: 0, gm: 80, wm: 120 };
  it('mixes linearly between neighbouring class means and sums to one', () => {
    const f = { csf: 0, gm: 0, wm: 0 };
    expect(fractionsOfT1(100, means, f)).toEqual({ csf: 0, gm: 0.5, wm: 0.5 });
    expect(fractionsOfT1(20, means, f)).toEqual({ csf: 0.75, gm: 0.25, wm: 0 });
    expect(fractionsOfT1(150, means, f)).toEqual({ csf: 0, gm: 0, wm: 1 });
  });
  it('finds the grey and white matter peaks of a histogram', () => {
    const r = new Rng(9);
    const t1 = Float32Array.from({ length: 40000 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? r.normal(80, 4) : r.normal(120, 4)));
    const { gm, wm } = estimateGmWmMeans(t1);
    expect(gm).toBeGreaterThan(77);
    expect(gm).toBeLessThan(83);
    expect(wm).toBeGreaterThan(117);
    expect(wm).toBeLessThan(123);
  });
});

describe('contrast jitter', () => {
  it('keeps the tissue order of each modality', () => {
    const r = new Rng(4);
    for (let t = 0; t < 200; t++) {
      const f = jitterContrast(r, FLAIR_CONTRAST, 0.3);
      expect(f.csf).toBeLessThan(f.wm);
      expect(f.wm).toBeLessThan(f.gm);
      const m = jitterContrast(r, MPRAGE_CONTRAST, 0.3);
      expect(m.csf).toBeLessThan(m.gm);
      expect(m.gm).toBeLessThan(m.wm);
    }
  });
});

describe('artefacts', () => {
  const grid = gridFromAffine([24, 24, 24], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  it('blur keeps the mean of a centred blob and lowers its peak', () => {
    const data = new Float32Array(24 ** 3);
    data[12 + 24 * (12 + 24 * 12)] = 1000;
    gaussianBlur(data, grid, [1, 1, 2]);
    expect(data.reduce((s, x) => s + x, 0)).toBeCloseTo(1000, 0);
    expect(data[12 + 24 * (12 + 24 * 12)]).toBeLessThan(100);
  });
  it('bias field has the requested spread of its logarithm', () => {
    const data = new Float32Array(24 ** 3).fill(1);
    applyBiasField(data, grid, new Rng(1), 0.1);
    const logs = Array.from(data, Math.log);
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / logs.length);
    expect(sd).toBeCloseTo(0.1, 3);
  });
  it('Rician noise has the expected spread at high signal and stays positive', () => {
    const data = new Float32Array(24 ** 3).fill(100);
    addRicianNoise(data, new Uint8Array(data.length).fill(1), new Rng(2), 5);
    const mean = data.reduce((s, x) => s + x, 0) / data.length;
    const sd = Math.sqrt(data.reduce((s, x) => s + (x - mean) ** 2, 0) / data.length);
    expect(sd).toBeGreaterThan(4.7);
    expect(sd).toBeLessThan(5.3);
    expect(Math.min(...data)).toBeGreaterThan(0);
  });
});

describe('cropVolume', () => {
  it('keeps every voxel at its millimetre position', () => {
    const vol = makeVolume(gridFromAffine([10, 10, 10], [2, 0, 0, -5, 0, 2, 0, 3, 0, 0, 2, 7, 0, 0, 0, 1]));
    vol.data.forEach((_, v) => (vol.data[v] = v));
    const crop = cropVolume(vol, [2, 3, 4], [4, 4, 4]);
    expect(crop.data[1 + 4 * (2 + 4 * 3)]).toBe(vol.data[3 + 10 * (5 + 10 * 7)]);
    expect(applyAffine(crop.voxToMm, [1, 2, 3])).toEqual(applyAffine(vol.voxToMm, [3, 5, 7]));
  });
});
