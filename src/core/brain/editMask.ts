// The user's corrections of an extracted brain: grow or shrink it by a distance in millimetres (exact,
// anisotropic spacing), and the corrected mask as the pipeline's BrainMask.
import { type Grid, type Volume, voxelCount } from '../volume';
import { squaredDistanceMm2 } from '../volume/distance';
import type { BrainMask } from './brainMask';

/** `mask` grown by `mm` (> 0: every voxel within mm of it joins) or shrunk by -mm (< 0: every voxel within |mm| of the outside leaves). */
export function growBrainMask(mask: Uint8Array, grid: Pick<Grid, 'dims' | 'spacingMm'>, mm: number): Uint8Array {
  if (mm === 0) return mask.slice();
  const grow = mm > 0;
  const r2 = mm * mm;
  // distance to the mask when growing, to the outside when shrinking; voxels beyond the volume count as outside
  const squared = squaredDistanceMm2((v) => (grow ? mask[v] !== 0 : mask[v] === 0), grid.dims, grid.spacingMm);
  const out = new Uint8Array(mask.length);
  const [nx, ny, nz] = grid.dims;
  const [sx, sy, sz] = grid.spacingMm;
  for (let k = 0, v = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        if (grow) out[v] = squared[v] <= r2 + 1e-9 ? 1 : 0;
        else {
          // the nearest outside voxel may lie beyond the grid's edge
          const edge = Math.min((i + 1) * sx, (nx - i) * sx, (j + 1) * sy, (ny - j) * sy, (k + 1) * sz, (nz - k) * sz);
          out[v] = mask[v] && squared[v] > r2 + 1e-9 && edge * edge > r2 + 1e-9 ? 1 : 0;
        }
      }
  return out;
}

/** A brain drawn or corrected by the user, as the pipeline takes it (its share of the FLAIR's non-zero voxels, its volume). */
export function userBrainMask(mask: Uint8Array, flair: Volume): BrainMask {
  if (mask.length !== voxelCount(flair)) throw new Error('the brain mask is not on the scan grid');
  let inside = 0;
  let nonZero = 0;
  let keptNonZero = 0;
  for (let v = 0; v < mask.length; v++) {
    if (mask[v]) inside++;
    if (flair.data[v] !== 0) {
      nonZero++;
      if (mask[v]) keptNonZero++;
    }
  }
  const voxelMl = (flair.spacingMm[0] * flair.spacingMm[1] * flair.spacingMm[2]) / 1000;
  return { mask, alreadyStripped: false, keptShare: nonZero ? keptNonZero / nonZero : 0, volumeMl: inside * voxelMl, edited: true };
}
