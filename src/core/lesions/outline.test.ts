import { describe, expect, it } from 'vitest';
import { lesionNear, outerRing, outlineOf } from './outline';

describe('outlineOf', () => {
  it('keeps the shell of a 3x3x3 cube and drops its centre', () => {
    const dims: [number, number, number] = [5, 5, 5];
    const labels = new Int32Array(125);
    for (let k = 1; k < 4; k++) for (let j = 1; j < 4; j++) for (let i = 1; i < 4; i++) labels[i + 5 * (j + 5 * k)] = 7;
    const o = outlineOf({ dims }, labels);
    expect(o.filter((v) => v === 7).length).toBe(26);
    expect(o[2 + 5 * (2 + 5 * 2)]).toBe(0);
  });
});

describe('lesionNear', () => {
  const dims: [number, number, number] = [10, 10, 10];
  const labels = new Int32Array(1000);
  labels[2 + 10 * (2 + 10 * 2)] = 1;
  labels[6 + 10 * (2 + 10 * 2)] = 2;
  it('picks the lesion under the voxel', () => expect(lesionNear({ dims }, labels, [2, 2, 2])).toBe(1));
  it('picks the nearest within 2 voxels', () => {
    expect(lesionNear({ dims }, labels, [5, 2, 2])).toBe(2); // 1 from lesion 2, 3 from lesion 1
    expect(lesionNear({ dims }, labels, [3, 3, 2])).toBe(1);
  });
  it('returns 0 when nothing is within 2 voxels', () => expect(lesionNear({ dims }, labels, [2, 8, 8])).toBe(0));
});

describe('outerRing', () => {
  it('a 3x3x3 cube: the 6 x 9 face neighbours outside it, none inside (a touching lesion voxel is outside too)', () => {
    const dims: [number, number, number] = [7, 7, 7];
    const labels = new Int32Array(343);
    for (let k = 2; k <= 4; k++) for (let j = 2; j <= 4; j++) for (let i = 2; i <= 4; i++) labels[i + 7 * (j + 7 * k)] = 3;
    labels[1 + 7 * (3 + 7 * 3)] = 5; // another lesion touching the cube's -x face: its voxel is outside lesion 3
    const ring = outerRing({ dims }, labels, 3);
    expect(ring.reduce((a, b) => a + b, 0)).toBe(54);
    expect(ring[3 + 7 * (3 + 7 * 3)]).toBe(0);
    expect(ring[1 + 7 * (3 + 7 * 3)]).toBe(1);
    expect(ring[1 + 7 * (1 + 7 * 3)]).toBe(0); // diagonal: not a face neighbour
  });
});
