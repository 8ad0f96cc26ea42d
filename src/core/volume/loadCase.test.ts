import { describe, expect, it } from 'vitest';
import { loadCase } from '../pipeline/loadCase';
import { writeNifti } from './nifti';
import { type Volume, gridFromAffine } from './volume';
import { guessRole } from './roles';

function vol(dims: [number, number, number], spacing: number, f: (n: number) => number): Volume {
  const g = gridFromAffine(dims, [spacing, 0, 0, 0, 0, spacing, 0, 0, 0, 0, spacing, 0, 0, 0, 0, 1]);
  return { ...g, data: new Float32Array(dims[0] * dims[1] * dims[2]).map((_, i) => f(i)) };
}
const file = (name: string, v: Volume) => ({ name, bytes: writeNifti(v) });

describe('loadCase', () => {
  const flair = vol([8, 8, 8], 1, (i) => i % 7);
  it('resamples an MPRAGE on another grid onto the FLAIR grid and says so', () => {
    const mprage = vol([4, 4, 4], 2, (i) => 1 + (i % 5));
    const c = loadCase({ flair: file('f.nii.gz', flair), mprage: file('t1.nii.gz', mprage) });
    expect(c.mprage.dims).toEqual([8, 8, 8]);
    expect(c.notices.join('\n')).toMatch(/MPRAGE was resampled \(trilinear\) from 4 x 4 x 4 voxels of 2 x 2 x 2 mm onto the FLAIR grid of 8 x 8 x 8 voxels of 1 x 1 x 1 mm/);
  });

  it('refuses an all-zero image', () => {
    expect(() => loadCase({ flair: file('f.nii', flair), mprage: file('m.nii', vol([8, 8, 8], 1, () => 0)) })).toThrow(/MPRAGE \(m.nii\) is all zero/);
  });

  it('refuses a mask that is not binary or label-like', () => {
    const notMask = vol([8, 8, 8], 1, (i) => i * 0.1);
    expect(() => loadCase({ flair: file('f.nii', flair), mprage: file('m.nii', flair), mask: file('gt.nii', notMask) })).toThrow(/is not a lesion mask/);
  });

  it('binarises a label mask and tells the user', () => {
    const labels = vol([8, 8, 8], 1, (i) => (i < 10 ? 2 : i < 20 ? 1 : 0));
    const c = loadCase({ flair: file('f.nii', flair), mprage: file('m.nii', flair), mask: file('gt.nii', labels) });
    expect(c.mask!.data.reduce((a, b) => a + b, 0)).toBe(20);
    expect(c.notices.join()).toMatch(/labels 1, 2; every label above 0 is treated as lesion/);
  });
});

describe('guessRole', () => {
  it('guesses from common file names', () => {
    expect(guessRole('sub-01_FLAIR.nii.gz')).toBe('flair');
    expect(guessRole('sub-01_T1w_mprage.nii')).toBe('mprage');
    expect(guessRole('sub-01_lesion_mask.nii.gz')).toBe('mask');
    expect(guessRole('scan.nii')).toBeUndefined();
  });
});
