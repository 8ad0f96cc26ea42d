import { describe, expect, it } from 'vitest';
import { cropChannel, nonZeroCrop, pasteCrop } from './crop';

describe('nonZeroCrop', () => {
  it('is the box of the non-zero voxels, and cropping to it loses nothing', () => {
    const dims = [5, 4, 3];
    const data = new Int32Array(60);
    data[1 + 5 * (2 + 4 * 0)] = 7; // x 1, y 2, z 0
    data[3 + 5 * (1 + 4 * 2)] = -2; // x 3, y 1, z 2
    const box = nonZeroCrop(data, dims)!;
    expect(box).toEqual({ origin: [1, 1, 0], dims: [3, 2, 3] });
    const back = pasteCrop(cropChannel(data, dims, box), box, dims);
    expect(Array.from(back)).toEqual(Array.from(data));
  });

  it('is null for an empty volume', () => {
    expect(nonZeroCrop(new Float32Array(8), [2, 2, 2])).toBeNull();
  });
});
