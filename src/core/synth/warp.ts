import { type Grid, invert4, voxelCount } from '../volume';
import type { Anatomy } from './anatomy';
import type { Deformation } from './deformation';
import { type TissueFractions, fractionsOfT1 } from './tissue';
import type { Vec3 } from './vec';

/** The deformed anatomy of one case on its output grid: partial-volume fractions and region codes. */
export interface CaseAnatomy {
  grid: Grid;
  csf: Float32Array;
  gm: Float32Array;
  wm: Float32Array;
  /** Region code (REGION) at the voxel centre; nearest neighbour. */
  regions: Uint8Array;
  /** 1 where the voxel centre is inside the (skull-stripped) brain mask. */
  brain: Uint8Array;
}

/** Sub-voxel samples per axis: 2 x 2 x 2 samples per output voxel give partial volume at 1 mm from 0.5 mm. */
const SUBSAMPLES = 2;

/** Pulls the template anatomy through the deformation onto `grid`. */
export function warpAnatomy(anatomy: Anatomy, deformation: Deformation, grid: Grid): CaseAnatomy {
  const n = voxelCount(grid);
  const out: CaseAnatomy = {
    grid,
    csf: new Float32Array(n),
    gm: new Float32Array(n),
    wm: new Float32Array(n),
    regions: new Uint8Array(n),
    brain: new Uint8Array(n),
  };
  const fine = anatomy.t1Fine;
  const mmToFine = invert4(fine.voxToMm);
  const mmToMask = invert4(anatomy.grid.voxToMm);
  const [fx, fy, fz] = fine.dims;
  const [mx, my, mz] = anatomy.grid.dims;
  const maskAt = (p: Vec3) => {
    const i = Math.round(mmToMask[0] * p[0] + mmToMask[1] * p[1] + mmToMask[2] * p[2] + mmToMask[3]);
    const j = Math.round(mmToMask[4] * p[0] + mmToMask[5] * p[1] + mmToMask[6] * p[2] + mmToMask[7]);
    const k = Math.round(mmToMask[8] * p[0] + mmToMask[9] * p[1] + mmToMask[10] * p[2] + mmToMask[11]);
    if (i < 0 || j < 0 || k < 0 || i >= mx || j >= my || k >= mz) return -1;
    return i + mx * (j + my * k);
  };
  const fineAt = (p: Vec3) => {
    const i = Math.round(mmToFine[0] * p[0] + mmToFine[1] * p[1] + mmToFine[2] * p[2] + mmToFine[3]);
    const j = Math.round(mmToFine[4] * p[0] + mmToFine[5] * p[1] + mmToFine[6] * p[2] + mmToFine[7]);
    const k = Math.round(mmToFine[8] * p[0] + mmToFine[9] * p[1] + mmToFine[10] * p[2] + mmToFine[11]);
    if (i < 0 || j < 0 || k < 0 || i >= fx || j >= fy || k >= fz) return 0;
    return fine.data[i + fx * (j + fy * k)];
  };
  // Sub-sample offsets in output mm, then through the deformation's linear part into template mm.
  const offsets: Vec3[] = [];
  const g = grid.voxToMm;
  const L = deformation.linear;
  for (let a = 0; a < SUBSAMPLES; a++)
    for (let b = 0; b < SUBSAMPLES; b++)
      for (let c = 0; c < SUBSAMPLES; c++) {
        const [u, v, w] = [a, b, c].map((s) => (s + 0.5) / SUBSAMPLES - 0.5);
        const d = [0, 1, 2].map((r) => g[4 * r] * u + g[4 * r + 1] * v + g[4 * r + 2] * w);
        offsets.push([0, 1, 2].map((r) => L[3 * r] * d[0] + L[3 * r + 1] * d[1] + L[3 * r + 2] * d[2]) as Vec3);
      }
  const weight = 1 / offsets.length;
  const p: Vec3 = [0, 0, 0];
  const q: Vec3 = [0, 0, 0];
  const s: Vec3 = [0, 0, 0];
  const f: TissueFractions = { csf: 0, gm: 0, wm: 0 };
  const [nx, ny, nz] = grid.dims;
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        p[0] = g[0] * i + g[1] * j + g[2] * k + g[3];
        p[1] = g[4] * i + g[5] * j + g[6] * k + g[7];
        p[2] = g[8] * i + g[9] * j + g[10] * k + g[11];
        deformation.toTemplateMm(p, q);
        const centre = maskAt(q);
        if (centre < 0 || !anatomy.nearBrain[centre]) continue;
        out.brain[v] = anatomy.brainMask[centre];
        out.regions[v] = anatomy.regions[centre];
        let csf = 0;
        let gm = 0;
        let wm = 0;
        for (const o of offsets) {
          s[0] = q[0] + o[0];
          s[1] = q[1] + o[1];
          s[2] = q[2] + o[2];
          const m = maskAt(s);
          if (m < 0 || !anatomy.brainMask[m]) continue;
          fractionsOfT1(fineAt(s), anatomy.means, f);
          csf += f.csf;
          gm += f.gm;
          wm += f.wm;
        }
        out.csf[v] = csf * weight;
        out.gm[v] = gm * weight;
        out.wm[v] = wm * weight;
      }
  return out;
}
