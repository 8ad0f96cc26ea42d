import { type Grid, describeGrid, gridFromAffine } from '../volume';

/**
 * The grid a model expects: same origin and axis directions as `grid`, voxels of `spacingMm`, covering the
 * same field of view. Returns `grid` itself when the spacing already matches (within 1%).
 */
export function gridAtSpacing(grid: Grid, spacingMm: [number, number, number]): Grid {
  const same = grid.spacingMm.every((s, a) => Math.abs(s - spacingMm[a]) <= 0.01 * spacingMm[a]);
  if (same) return grid;
  const m = [...grid.voxToMm];
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.round((grid.dims[a] * grid.spacingMm[a]) / spacingMm[a]))) as [number, number, number];
  for (let a = 0; a < 3; a++) {
    const f = spacingMm[a] / grid.spacingMm[a];
    for (let r = 0; r < 3; r++) m[4 * r + a] *= f;
  }
  // keep the field of view's corner (voxel edge, not centre) where it was
  for (let r = 0; r < 3; r++) {
    let shift = 0;
    for (let a = 0; a < 3; a++) shift += 0.5 * (m[4 * r + a] - grid.voxToMm[4 * r + a]);
    m[4 * r + 3] = grid.voxToMm[4 * r + 3] + shift;
  }
  return gridFromAffine(dims, m);
}

/** What the user is told when the scan is resampled to the model's grid (null when it is not). */
export function modelGridNotice(scanGrid: Grid, modelGrid: Grid): string | null {
  if (modelGrid === scanGrid) return null;
  return `The scan (${describeGrid(scanGrid)}) was resampled to the model's ${describeGrid(modelGrid)} for segmentation; the result was resampled back.`;
}
