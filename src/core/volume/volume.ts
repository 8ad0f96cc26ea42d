import { type Mat4, columnNorms } from './affine';

/**
 * One 3D scalar image. The single place where voxel order is defined:
 * voxel (i, j, k) lives at data[i + dims[0] * (j + dims[1] * k)] (NIfTI order, i fastest).
 * voxToMm maps voxel indices (i, j, k) to scanner/world millimetres (RAS+, as NIfTI's sform/qform).
 */
export interface Volume {
  data: Float32Array;
  dims: [number, number, number];
  spacingMm: [number, number, number];
  voxToMm: Mat4;
}

/** The geometry of a volume without its voxels. */
export type Grid = Pick<Volume, 'dims' | 'spacingMm' | 'voxToMm'>;

export function voxelCount(g: Pick<Grid, 'dims'>): number {
  return g.dims[0] * g.dims[1] * g.dims[2];
}

export function voxelIndex(g: Pick<Grid, 'dims'>, i: number, j: number, k: number): number {
  return i + g.dims[0] * (j + g.dims[1] * k);
}

export function makeVolume(grid: Grid, data?: Float32Array): Volume {
  const n = voxelCount(grid);
  if (data && data.length !== n) throw new Error(`data has ${data.length} voxels, grid needs ${n}`);
  return {
    data: data ?? new Float32Array(n),
    dims: [...grid.dims],
    spacingMm: [...grid.spacingMm],
    voxToMm: [...grid.voxToMm],
  };
}

/** The box [origin, origin + dims) of a grid: same axes and spacing, the affine moved so each voxel keeps its mm position. */
export function subGrid(grid: Grid, origin: readonly number[], dims: [number, number, number]): Grid {
  const m = [...grid.voxToMm];
  for (let r = 0; r < 3; r++) m[4 * r + 3] += m[4 * r] * origin[0] + m[4 * r + 1] * origin[1] + m[4 * r + 2] * origin[2];
  return { dims: [...dims], spacingMm: [...grid.spacingMm], voxToMm: m };
}

/** A grid whose spacing is read from its affine (spacing and affine can never disagree). */
export function gridFromAffine(dims: [number, number, number], voxToMm: Mat4): Grid {
  return { dims: [...dims], spacingMm: columnNorms(voxToMm), voxToMm: [...voxToMm] };
}

export function sameGrid(a: Grid, b: Grid, tolMm = 1e-3): boolean {
  if (a.dims.some((d, i) => d !== b.dims[i])) return false;
  for (let i = 0; i < 16; i++) if (Math.abs(a.voxToMm[i] - b.voxToMm[i]) > tolMm) return false;
  return true;
}

export function describeGrid(g: Grid): string {
  const sp = g.spacingMm.map((s) => +s.toFixed(3)).join(' x ');
  return `${g.dims.join(' x ')} voxels of ${sp} mm`;
}
