import { expect, it } from 'vitest';
import { zscoreNonZero } from './normalise';

it('z-scores over non-zero voxels and keeps the background at 0', () => {
  // brain voxels 2, 4, 6: mean 4, population std sqrt(8/3)
  const { data, mean, std } = zscoreNonZero(Float32Array.from([0, 2, 4, 6, 0]));
  expect(mean).toBe(4);
  expect(std).toBeCloseTo(Math.sqrt(8 / 3), 12);
  expect(data[0]).toBe(0);
  expect(data[1]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
  expect(data[2]).toBe(0);
  expect(data[4]).toBe(0);
});
