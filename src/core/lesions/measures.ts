import { applyAffine, type Grid } from '../volume';
import type { Labelling } from './components';

export interface LesionMeasures {
  lesionId: number;
  voxels: number;
  volumeMm3: number;
  /** centre of mass in world mm */
  centroidMm: [number, number, number];
  /** inclusive voxel bounding box */
  bboxMin: [number, number, number];
  bboxMax: [number, number, number];
  meanProbability: number;
  maxProbability: number;
}

/** Volume of one voxel in mm^3: |det| of the affine's 3x3 part (correct for oblique grids too). */
export function voxelVolumeMm3(g: Pick<Grid, 'voxToMm'>): number {
  const m = g.voxToMm;
  return Math.abs(
    m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]),
  );
}

/** One pass over the label map: size, volume, centroid, bounding box and probability per lesion. */
export function measureLesions(grid: Grid, l: Labelling, probability?: Float32Array): LesionMeasures[] {
  const [nx, ny] = grid.dims;
  const n = l.count;
  const sum = new Float64Array(3 * (n + 1));
  const lo = new Int32Array(3 * (n + 1)).fill(2 ** 30);
  const hi = new Int32Array(3 * (n + 1)).fill(-1);
  const pSum = new Float64Array(n + 1);
  const pMax = new Float64Array(n + 1).fill(-Infinity);
  const count = new Int32Array(n + 1);
  for (let v = 0; v < l.labels.length; v++) {
    const id = l.labels[v];
    if (!id) continue;
    const ijk = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      sum[3 * id + a] += ijk[a];
      lo[3 * id + a] = Math.min(lo[3 * id + a], ijk[a]);
      hi[3 * id + a] = Math.max(hi[3 * id + a], ijk[a]);
    }
    count[id]++;
    if (probability) {
      pSum[id] += probability[v];
      pMax[id] = Math.max(pMax[id], probability[v]);
    }
  }
  const vox = voxelVolumeMm3(grid);
  const out: LesionMeasures[] = [];
  for (let id = 1; id <= n; id++) {
    const c = count[id];
    const centreVox: [number, number, number] = [sum[3 * id] / c, sum[3 * id + 1] / c, sum[3 * id + 2] / c];
    out.push({
      lesionId: id,
      voxels: c,
      volumeMm3: c * vox,
      centroidMm: applyAffine(grid.voxToMm, centreVox),
      bboxMin: [lo[3 * id], lo[3 * id + 1], lo[3 * id + 2]],
      bboxMax: [hi[3 * id], hi[3 * id + 1], hi[3 * id + 2]],
      meanProbability: probability ? pSum[id] / c : NaN,
      maxProbability: probability ? pMax[id] : NaN,
    });
  }
  return out;
}
