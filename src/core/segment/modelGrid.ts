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

/** Voxel axis directions of a grid as orientation letters, e.g. 'LPS' (each axis: the world axis it runs closest to). */
export function axisCodes(grid: Grid): string {
  return rasAxes(grid).map(({ world, sign }) => (sign > 0 ? 'RAS' : 'LPI')[world]).join('');
}

/** For each voxel axis: the world axis (0 R, 1 A, 2 S) it runs closest to, and whether it runs along (+1) or against (-1) it. */
function rasAxes(grid: Grid): { world: number; sign: number }[] {
  const m = grid.voxToMm;
  const used = new Set<number>();
  // strongest component first, so an oblique scan still gets a permutation
  const order = [0, 1, 2].sort((a, b) => Math.max(...[0, 1, 2].map((r) => Math.abs(m[4 * r + b]) / grid.spacingMm[b])) - Math.max(...[0, 1, 2].map((r) => Math.abs(m[4 * r + a]) / grid.spacingMm[a])));
  const out: { world: number; sign: number }[] = [];
  for (const a of order) {
    let best = -1;
    for (let r = 0; r < 3; r++) if (!used.has(r) && (best < 0 || Math.abs(m[4 * r + a]) > Math.abs(m[4 * best + a]))) best = r;
    used.add(best);
    out[a] = { world: best, sign: m[4 * best + a] >= 0 ? 1 : -1 };
  }
  return out;
}

/**
 * The same voxels with their axes reordered and flipped so that i, j, k run (closest to) right, anterior and
 * superior: the order the models were trained in. A scan stored LPS, or sagittally, reaches the model as an RAS
 * scan would. No interpolation: a permutation of voxels. Returns `grid` itself when it is RAS already.
 */
export function rasReoriented(grid: Grid): Grid {
  const axes = rasAxes(grid);
  if (axes.every(({ world, sign }, a) => world === a && sign > 0)) return grid;
  // new voxel index along world axis w -> old voxel index along the old axis that runs along w
  const m = grid.voxToMm;
  const out = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dims = [0, 0, 0] as [number, number, number];
  for (let r = 0; r < 3; r++) out[4 * r + 3] = m[4 * r + 3];
  axes.forEach(({ world, sign }, a) => {
    dims[world] = grid.dims[a];
    for (let r = 0; r < 3; r++) {
      out[4 * r + world] = sign * m[4 * r + a];
      // a flipped axis starts at the old axis's last voxel
      if (sign < 0) out[4 * r + 3] += m[4 * r + a] * (grid.dims[a] - 1);
    }
  });
  return gridFromAffine(dims, out);
}

/** The model's grid for a scan: its voxels reordered to RAS, then at the model's spacing. `scanGrid` itself when both are already so. */
export function modelGridFor(scanGrid: Grid, spacingMmXyz: [number, number, number]): Grid {
  const ras = rasReoriented(scanGrid);
  const spaced = gridAtSpacing(ras, spacingMmXyz);
  return spaced === ras && ras === scanGrid ? scanGrid : spaced;
}

/** What the user is told when the scan is reordered or resampled for the model (null when it is not). */
export function modelGridNotice(scanGrid: Grid, modelGrid: Grid): string | null {
  if (modelGrid === scanGrid) return null;
  const codes = axisCodes(scanGrid);
  if (codes === 'RAS') return `The scan (${describeGrid(scanGrid)}) was resampled to the model's ${describeGrid(modelGrid)} for segmentation; the result was resampled back.`;
  const axes = rasAxes(scanGrid);
  const resampled = scanGrid.spacingMm.some((s, a) => Math.abs(s - modelGrid.spacingMm[axes[a].world]) > 0.01 * s);
  const what = resampled ? `resampled to the model's ${describeGrid(modelGrid)}` : 'given to the model in that order';
  return `The scan (${describeGrid(scanGrid)}), stored ${codes}, was reordered to RAS and ${what} for segmentation; the result was brought back to the scan's grid.`;
}
