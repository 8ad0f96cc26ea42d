import { describe, expect, it } from 'vitest';
import { gaussianAt, seededNoise } from './noise.ts';

describe('seeded noise', () => {
  it('equals gaussianAt voxel by voxel (shared hash prefixes change nothing)', () => {
    const sigma = 0.37;
    const crop = { origin: [5, 0, 11] as [number, number, number], dims: [7, 4, 3] as [number, number, number] };
    const got = seededNoise(42, sigma)(3, 1, crop);
    let i = 0;
    for (let z = 0; z < 3; z++)
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 7; x++, i++) expect(got[i]).toBe(Math.fround(sigma * gaussianAt(42, 3, 1, 5 + x, y, 11 + z)));
  });
});
