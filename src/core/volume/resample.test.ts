import { describe, expect, it } from 'vitest';
import { resampleToGrid } from './resample';
import { type Volume, gridFromAffine } from './volume';

function volumeOf(dims: [number, number, number], voxToMm: number[], f: (i: number, j: number, k: number) => number): Volume {
  const g = gridFromAffine(dims, voxToMm);
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = f(i, j, k);
  return { ...g, data };
}

const ID = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

describe('resampleToGrid', () => {
  it('shifts by a known half-voxel translation (worked by hand)', () => {
    // src value = 10*i. Target voxel i sits at mm i + 0.5, i.e. src voxel i + 0.5 -> 10*i + 5.
    const src = volumeOf([4, 2, 2], ID, (i) => 10 * i);
    const target = gridFromAffine([3, 2, 2], [1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const out = resampleToGrid(src, target, 'linear');
    expect(Array.from(out.data.slice(0, 3))).toEqual([5, 15, 25]);
  });

  it('reproduces a linear function exactly across different spacings and a flipped axis', () => {
    // mm position (x, y, z) -> value 2x - y + 0.5z, sampled on a 1 mm grid, read on a 2 mm flipped grid.
    const f = (x: number, y: number, z: number) => 2 * x - y + 0.5 * z;
    const src = volumeOf([20, 20, 20], ID, (i, j, k) => f(i, j, k));
    const flipped = [-2, 0, 0, 18, 0, 2, 0, 1, 0, 0, 2, 1.5, 0, 0, 0, 1];
    const out = resampleToGrid(src, gridFromAffine([8, 8, 8], flipped), 'linear');
    for (const [i, j, k] of [[0, 0, 0], [3, 5, 2], [7, 7, 7]]) {
      const expected = f(18 - 2 * i, 1 + 2 * j, 1.5 + 2 * k);
      expect(out.data[i + 8 * (j + 8 * k)]).toBeCloseTo(expected, 4);
    }
  });

  it('keeps labels with nearest neighbour and puts 0 outside the source', () => {
    const src = volumeOf([4, 4, 4], ID, (i, j, k) => (i + j + k) % 3);
    const shifted = gridFromAffine([4, 4, 4], [1, 0, 0, 1.2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const out = resampleToGrid(src, shifted, 'nearest');
    expect(out.data[0]).toBe(src.data[1]); // mm 1.2 -> voxel 1
    expect(out.data[3]).toBe(0); // mm 4.2 is outside
    expect(new Set(out.data)).toEqual(new Set([0, 1, 2]));
  });
});
