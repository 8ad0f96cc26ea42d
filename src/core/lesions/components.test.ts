import { describe, expect, it } from 'vitest';
import { dropSmall, labelComponents, type Connectivity } from './components';

/** Builds a binary volume from a list of set voxels. */
function mask(dims: [number, number, number], voxels: [number, number, number][]) {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [i, j, k] of voxels) m[i + dims[0] * (j + dims[1] * k)] = 1;
  return { dims, inside: (x: number) => m[x] === 1 };
}
const count = (c: Connectivity, dims: [number, number, number], voxels: [number, number, number][]) => {
  const m = mask(dims, voxels);
  return labelComponents({ dims }, m.inside, c).count;
};

describe('labelComponents, hand-worked cases', () => {
  const dims: [number, number, number] = [4, 4, 4];
  it('two face neighbours are one component for 6, 18 and 26', () => {
    for (const c of [6, 18, 26] as const) expect(count(c, dims, [[1, 1, 1], [2, 1, 1]])).toBe(1);
  });
  it('edge neighbours: separate for 6, joined for 18 and 26', () => {
    const v: [number, number, number][] = [[1, 1, 1], [2, 2, 1]];
    expect([6, 18, 26].map((c) => count(c as Connectivity, dims, v))).toEqual([2, 1, 1]);
  });
  it('corner neighbours: joined only for 26', () => {
    const v: [number, number, number][] = [[1, 1, 1], [2, 2, 2]];
    expect([6, 18, 26].map((c) => count(c as Connectivity, dims, v))).toEqual([2, 2, 1]);
  });
  it('does not wrap around the volume border', () => {
    // (3, 0, 0) and (0, 1, 0) are neighbours in memory, not in space
    expect(count(26, dims, [[3, 0, 0], [0, 1, 0]])).toBe(2);
    expect(count(26, dims, [[0, 3, 0], [0, 0, 1]])).toBe(2);
  });
  it('lesions touching all six faces of the volume', () => {
    const v: [number, number, number][] = [[0, 0, 0], [0, 0, 1], [3, 3, 3], [3, 2, 3], [0, 3, 3]];
    expect(count(6, dims, v)).toBe(3);
  });
  it('merges a U shape whose arms meet only late in raster order', () => {
    const v: [number, number, number][] = [[0, 0, 0], [0, 1, 0], [0, 2, 0], [1, 2, 0], [2, 2, 0], [2, 1, 0], [2, 0, 0]];
    const m = mask(dims, v);
    const l = labelComponents({ dims }, m.inside, 6);
    expect(l.count).toBe(1);
    expect(l.sizes[1]).toBe(7);
  });
  it('counts sizes and numbers components in raster order of first voxel', () => {
    const v: [number, number, number][] = [[3, 3, 3], [0, 0, 0], [1, 0, 0], [0, 0, 1]];
    const m = mask(dims, v);
    const l = labelComponents({ dims }, m.inside, 6);
    expect(l.count).toBe(2);
    expect(l.labels[0]).toBe(1);
    expect(l.sizes).toEqual([0, 3, 1]);
  });
});

describe('dropSmall', () => {
  it('drops components of 5 voxels or fewer and renumbers', () => {
    const dims: [number, number, number] = [10, 3, 3];
    const small: [number, number, number][] = [0, 1, 2, 3, 4].map((i) => [i, 0, 0]);
    const big: [number, number, number][] = [0, 1, 2, 3, 4, 5].map((i) => [i, 2, 2]);
    const m = mask(dims, [...small, ...big]);
    const l = dropSmall(labelComponents({ dims }, m.inside, 18), 5);
    expect(l.count).toBe(1);
    expect(l.sizes).toEqual([0, 6]);
    expect(l.labels[0]).toBe(0);
    expect(l.labels[0 + 10 * (2 + 3 * 2)]).toBe(1);
  });
});
