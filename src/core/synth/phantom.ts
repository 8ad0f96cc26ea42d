import { type Volume, gridFromAffine, makeVolume } from '../volume';
import type { ColinTemplates } from './templates';

/**
 * A small geometric stand-in for Colin27, in MNI millimetres, for fast tests: a ball of white matter
 * under a shell of cortex and CSF, with two lateral ventricles where the real ones are, a "pons" tract
 * label and a "corona radiata" label. Values as ch2better (tissue only, CSF 0) and ch2bet (with CSF).
 */
export const PHANTOM = {
  centreMm: [0, -20, 15],
  brainRadiusMm: 45,
  csfShellMm: 2,
  cortexMm: 5,
  t1: { gm: 86, wm: 112, csfInBet: 30 },
  ventricles: [
    { centreMm: [-12, -20, 20], radiiMm: [6, 22, 7] },
    { centreMm: [12, -20, 20], radiiMm: [6, 22, 7] },
  ],
  ponsMm: { centreMm: [0, -25, -12], radiusMm: 10 },
} as const;

function grid1mm(): Pick<Volume, 'dims' | 'spacingMm' | 'voxToMm'> {
  // x -50..50, y -70..30, z -35..65 mm
  return gridFromAffine([101, 101, 101], [1, 0, 0, -50, 0, 1, 0, -70, 0, 0, 1, -35, 0, 0, 0, 1]);
}

export function phantomTemplates(): ColinTemplates {
  const grid = grid1mm();
  const t1Fine = makeVolume(grid);
  const t1Brain = makeVolume(grid);
  const tracts = makeVolume(grid);
  const [nx, ny, nz] = grid.dims;
  const c = PHANTOM.centreMm;
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        const p = [i - 50, j - 70, k - 35];
        const r = Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]);
        if (r > PHANTOM.brainRadiusMm) continue;
        const inVentricle = PHANTOM.ventricles.some((e) => Math.hypot(...[0, 1, 2].map((a) => (p[a] - e.centreMm[a]) / e.radiiMm[a])) <= 1);
        const tissueRadius = PHANTOM.brainRadiusMm - PHANTOM.csfShellMm;
        if (r > tissueRadius || inVentricle) {
          t1Brain.data[v] = PHANTOM.t1.csfInBet;
          continue;
        }
        const value = r > tissueRadius - PHANTOM.cortexMm ? PHANTOM.t1.gm : PHANTOM.t1.wm;
        t1Fine.data[v] = value;
        t1Brain.data[v] = value;
        const pons = PHANTOM.ponsMm;
        if (Math.hypot(p[0] - pons.centreMm[0], p[1] - pons.centreMm[1], p[2] - pons.centreMm[2]) <= pons.radiusMm) tracts.data[v] = 2;
        else if (value === PHANTOM.t1.wm && p[2] > 28) tracts.data[v] = 25; // superior corona radiata
      }
  return { t1Fine, t1Brain, tracts };
}
