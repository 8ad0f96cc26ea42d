import { expect, it } from 'vitest';
import { axisCodes, gridAtSpacing, modelGridFor, modelGridNotice, rasReoriented } from './modelGrid';
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

it('reorders an LPS grid to RAS without moving any voxel in the world', () => {
  // 4 x 3 x 2 voxels stored LPS: i runs to the left, j to the back, k up
  const lps = gridFromAffine([4, 3, 2], [-1, 0, 0, 10, 0, -2, 0, 20, 0, 0, 3, -5, 0, 0, 0, 1]);
  expect(axisCodes(lps)).toBe('LPS');
  const ras = rasReoriented(lps);
  expect(axisCodes(ras)).toBe('RAS');
  expect(ras.dims).toEqual([4, 3, 2]);
  // new voxel (i, j, k) is old voxel (3 - i, 2 - j, k): same world position
  for (const [i, j, k] of [[0, 0, 0], [3, 2, 1], [1, 2, 0]]) expect(applyAffine(ras.voxToMm, [i, j, k])).toEqual(applyAffine(lps.voxToMm, [3 - i, 2 - j, k]));
  // a sagittal grid (i: anterior, j: superior, k: right) gets its axes permuted
  const sag = gridFromAffine([5, 6, 7], [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  expect(axisCodes(sag)).toBe('ASR');
  expect(rasReoriented(sag).dims).toEqual([7, 5, 6]);
  expect(axisCodes(rasReoriented(sag))).toBe('RAS');
});

it('gives the scan grid itself to the model when it is RAS at the model spacing, and tells when it is not', () => {
  const g = gridFromAffine([10, 10, 10], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  expect(modelGridFor(g, [1, 1, 1])).toBe(g);
  expect(modelGridNotice(g, modelGridFor(g, [1, 1, 1]))).toBeNull();
  const lps = gridFromAffine([10, 10, 10], [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  expect(modelGridNotice(lps, modelGridFor(lps, [1, 1, 1]))).toMatch(/stored LPS, was reordered to RAS and given to the model in that order/);
  expect(modelGridNotice(lps, modelGridFor(lps, [0.5, 1, 1]))).toMatch(/reordered to RAS and resampled/);
});
