// Writes one generated case as NIfTI files: FLAIR and MPRAGE int16, lesion mask uint8, gzipped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SynthCase } from '../src/core/synth';
import { type Volume, writeNifti } from '../src/core/volume';

export function writeCase(dir: string, c: SynthCase, names = { flair: 'flair', mprage: 'mprage', lesions: 'lesions' }): Record<string, number> {
  mkdirSync(dir, { recursive: true });
  const sizes: Record<string, number> = {};
  const write = (name: string, vol: Volume, datatype: 'int16' | 'uint8') => {
    const bytes = writeNifti(vol, { datatype, gzip: true, description: `LesionLens synthetic MS case, seed ${c.options.seed}` });
    writeFileSync(join(dir, `${name}.nii.gz`), bytes);
    sizes[`${name}.nii.gz`] = bytes.length;
  };
  write(names.flair, c.flair, 'int16');
  write(names.mprage, c.mprage, 'int16');
  write(names.lesions, c.lesionMask, 'uint8');
  return sizes;
}

/**
 * The size^3 box (voxel start) that holds the most whole lesions, less those it would cut at its border
 * (a cut lesion is a fragment in the crop's ground truth); ties: the most lesion voxels.
 */
export function busiestBox(c: SynthCase, size: number): [number, number, number] {
  const [nx, ny, nz] = c.lesionMask.dims;
  let best: [number, number, number] = [0, 0, 0];
  let bestScore = -1;
  const step = 4;
  for (let k0 = 0; k0 + size <= nz; k0 += step)
    for (let j0 = 0; j0 + size <= ny; j0 += step)
      for (let i0 = 0; i0 + size <= nx; i0 += step) {
        // A lesion counts when its whole mask lies inside the box (no cut lesions at the border).
        // Lesion extents as spheres around their centres (voxel = mm on this axis-aligned 1 mm grid).
        const overlap = (l: SynthCase['lesions'][number], margin: number) => {
          const [x, y, z] = l.centreMm.map((mm, a) => mm - c.lesionMask.voxToMm[4 * a + 3]);
          const r = l.longestDiameterMm / 2 + margin;
          return x - r >= i0 && x + r < i0 + size && y - r >= j0 && y + r < j0 + size && z - r >= k0 && z + r < k0 + size;
        };
        const touches = (l: SynthCase['lesions'][number]) => {
          const [x, y, z] = l.centreMm.map((mm, a) => mm - c.lesionMask.voxToMm[4 * a + 3]);
          const r = l.longestDiameterMm / 2 + 1;
          return x + r >= i0 && x - r < i0 + size && y + r >= j0 && y - r < j0 + size && z + r >= k0 && z - r < k0 + size;
        };
        const inside = c.lesions.filter((l) => overlap(l, 1));
        const cut = c.lesions.filter((l) => touches(l) && !overlap(l, 1)).length;
        const score = (inside.length - cut) * 1e6 + inside.reduce((s, l) => s + l.maskVoxels, 0);
        if (score > bestScore) {
          bestScore = score;
          best = [i0, j0, k0];
        }
      }
  return best;
}
