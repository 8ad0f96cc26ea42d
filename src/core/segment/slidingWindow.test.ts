import { describe, expect, it } from 'vitest';
import { axisStarts, Blender, extractWindow, gaussianWeights, planWindows } from './slidingWindow';

describe('sliding windows', () => {
  it('places windows by hand-worked cases', () => {
    expect(axisStarts(96, 96, 0.25)).toEqual([0]);
    expect(axisStarts(50, 96, 0.25)).toEqual([0]);
    // 181 voxels, 96 window, step 72: ceil(85 / 72) + 1 = 3 windows at 0, 42.5 -> 43 (rounded), 85
    expect(axisStarts(181, 96, 0.25)).toEqual([0, 43, 85]);
    expect(planWindows([181, 217, 181], [96, 96, 96]).length).toBe(3 * 3 * 3);
  });

  it('every pair of neighbouring windows overlaps by at least the requested fraction', () => {
    for (const len of [97, 150, 217, 300]) {
      const s = axisStarts(len, 64, 0.25);
      expect(s[s.length - 1] + 64).toBe(len);
      for (let i = 1; i < s.length; i++) expect(64 - (s[i] - s[i - 1])).toBeGreaterThanOrEqual(16);
    }
  });

  it('Gaussian weights peak at the centre and are symmetric', () => {
    const w = gaussianWeights([5, 5, 5]);
    expect(w[2 + 5 * (2 + 5 * 2)]).toBeCloseTo(1, 6);
    expect(w[0]).toBeCloseTo(w[124], 6);
    expect(w[0]).toBeLessThan(w[1]);
  });

  it('extract then blend reproduces a volume exactly when each window returns its input', () => {
    const dims: [number, number, number] = [13, 11, 9];
    const vol = Float32Array.from({ length: 13 * 11 * 9 }, (_, i) => Math.sin(i));
    const size: [number, number, number] = [8, 8, 8];
    const blender = new Blender(dims);
    const weights = gaussianWeights(size);
    for (const { start } of planWindows(dims, size, 0.25)) {
      const [patch] = extractWindow([vol], dims, start, size);
      blender.add(patch, start, size, weights);
    }
    const out = blender.result();
    for (let i = 0; i < vol.length; i++) expect(out[i]).toBeCloseTo(vol[i], 5);
  });

  it('pads with zeros past the volume end', () => {
    const [patch] = extractWindow([Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8])], [2, 2, 2], [1, 1, 1], [2, 2, 2]);
    expect(Array.from(patch)).toEqual([8, 0, 0, 0, 0, 0, 0, 0]);
  });
});
