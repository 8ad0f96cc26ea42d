import { expect, it } from 'vitest';
import { gridAtSpacing } from './modelGrid';
import { applyAffine, gridFromAffine } from '../volume';

it('resamples a 0.5 mm grid to 1 mm keeping the field of view (worked by hand)', () => {
  const g = gridFromAffine([200, 100, 50], [0.5, 0, 0, -50, 0, 0.5, 0, -25, 0, 0, 0.5, -10, 0, 0, 0, 1]);
  const m = gridAtSpacing(g, [1, 1, 1]);
  expect(m.dims).toEqual([100, 50, 25]);
  expect(m.spacingMm).toEqual([1, 1, 1]);
  // the first 0.5 mm voxel spans -50.25..-49.75; the first 1 mm voxel spans -50.25..-49.25, centre -49.75
  expect(applyAffine(m.voxToMm, [0, 0, 0])).toEqual([-49.75, -24.75, -9.75]);
});

it('leaves a grid at the right spacing alone', () => {
  const g = gridFromAffine([10, 10, 10], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  expect(gridAtSpacing(g, [1.005, 1, 1])).toBe(g);
});
