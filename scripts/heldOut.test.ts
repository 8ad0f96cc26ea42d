import { describe, expect, it } from 'vitest';
import { CORONAL_SPLIT_Y_MM, inRegion, keepRegion } from './heldOut';

describe('regions of a real case (the split that keeps validation and test apart)', () => {
  it('splits left / right at x = 0 and the right half at the coronal plane', () => {
    expect(inRegion('left', -0.5, 0)).toBe(true);
    expect(inRegion('left', 0, 0)).toBe(false); // x = 0 belongs to the right, as data.py's x >= 0
    expect(inRegion('right', 0, 0)).toBe(true);
    expect(inRegion('right-anterior', 10, CORONAL_SPLIT_Y_MM)).toBe(true);
    expect(inRegion('right-posterior', 10, CORONAL_SPLIT_Y_MM)).toBe(false);
    expect(inRegion('right-posterior', 10, CORONAL_SPLIT_Y_MM - 0.5)).toBe(true);
    expect(inRegion('right-anterior', -10, 0)).toBe(false);
  });

  it('zeroes what lies outside, through the grid affine (a LAS grid: x falls as i grows)', () => {
    // 4 x 3 x 1 voxels; x = 1.5 - i (mm), y = -16 + 1.5 j: i = 0, 1 lie right (x >= 0), j = 0 posterior (y = -16),
    // j = 1, 2 anterior (y = -14.5, -13)
    const grid = { dims: [4, 3, 1], voxToMm: [-1, 0, 0, 1.5, 0, 1.5, 0, -16, 0, 0, 1, 0, 0, 0, 0, 1] };
    const a = new Float32Array(12).fill(1);
    const b = new Float32Array(12).fill(2);
    keepRegion(grid, 'right-posterior', a, b);
    const kept = [...a.keys()].filter((v) => a[v] !== 0);
    expect(kept).toEqual([0, 1]); // j = 0, i = 0 and 1
    expect([...b].filter((x) => x !== 0)).toEqual([2, 2]);
    const c = new Float32Array(12).fill(1);
    keepRegion(grid, 'right-anterior', c);
    expect([...c.keys()].filter((v) => c[v] !== 0)).toEqual([4, 5, 8, 9]);
  });
});
