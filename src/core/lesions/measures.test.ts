import { describe, expect, it } from 'vitest';
import { measureLesions, voxelVolumeMm3 } from './measures';
import { labelComponents } from './components';
import { gridFromAffine } from '../volume';

describe('measureLesions, worked by hand', () => {
  it('volume, centroid in mm, bounding box and probabilities of a 2x2x1 lesion', () => {
    // 2 x 1 x 3 mm voxels, origin at (10, 20, 30) mm
    const grid = gridFromAffine([4, 4, 4], [2, 0, 0, 10, 0, 1, 0, 20, 0, 0, 3, 30, 0, 0, 0, 1]);
    const p = new Float32Array(64);
    const set = (i: number, j: number, k: number, v: number) => (p[i + 4 * (j + 4 * k)] = v);
    set(1, 1, 2, 0.6);
    set(2, 1, 2, 0.8);
    set(1, 2, 2, 0.7);
    set(2, 2, 2, 0.9);
    const l = labelComponents(grid, (v) => p[v] > 0.5, 18);
    const [m] = measureLesions(grid, l, p);
    expect(m.voxels).toBe(4);
    expect(voxelVolumeMm3(grid)).toBe(6);
    expect(m.volumeMm3).toBe(24);
    // centre voxel (1.5, 1.5, 2) -> mm (10 + 3, 20 + 1.5, 30 + 6)
    expect(m.centroidMm).toEqual([13, 21.5, 36]);
    expect(m.bboxMin).toEqual([1, 1, 2]);
    expect(m.bboxMax).toEqual([2, 2, 2]);
    expect(m.meanProbability).toBeCloseTo(0.75, 6);
    expect(m.maxProbability).toBeCloseTo(0.9, 6);
  });
});
