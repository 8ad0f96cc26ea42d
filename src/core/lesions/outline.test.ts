import { describe, expect, it } from 'vitest';
import { lesionNear, outlineOf } from './outline';

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
