import { type Grid, type Volume, distanceToMaskMm, gridFromAffine, invert4, resampleToGrid, voxelCount } from '../volume';
import { closeMask, fillHoles, labelComponents } from './masks';
import { type ColinTemplates, CORTICOSPINAL_TRACTS, DEEP_WM_TRACTS, INFRATENTORIAL_TRACTS } from './templates';
import { type TissueMeans, estimateGmWmMeans } from './tissue';

/** Region codes of Anatomy.regions (one code per template voxel). */
export const REGION = { none: 0, ventricle: 1, infratentorial: 2, deepTract: 3, posteriorFossa: 4 } as const;

/**
 * Rough posterior fossa and brainstem in MNI mm (below the tentorium): no supratentorial lesion kind is
 * seeded there. Generous on purpose; it only removes seeds.
 */
function inPosteriorFossa(x: number, y: number, z: number): boolean {
  const brainstem = Math.abs(x) < 14 && y > -45 && y < -5 && z < -5;
  const cerebellum = y < -38 && z < -12;
  return brainstem || cerebellum;
}

/**
 * The template anatomy, prepared once and shared by all generated cases: the fine T1 (tissue only),
 * a 1 mm brain mask that includes the CSF, and a 1 mm map of regions where lesions of a kind belong.
 */
export interface Anatomy {
  t1Fine: Volume;
  means: TissueMeans;
  /** 1 mm template grid of brainMask and regions (ch2bet's). */
  grid: Grid;
  brainMask: Uint8Array;
  /** brainMask grown by 1.5 mm: voxels outside it cannot hold brain, so the warp skips them. */
  nearBrain: Uint8Array;
  regions: Uint8Array;
}

/** Closing radius that turns the tight tissue mask into a skull-stripping-like mask with sulcal CSF. */
const SULCUS_CLOSING_MM = 3;
/**
 * Box (MNI mm) in which CSF may count as lateral ventricle; keeps sulcal CSF out. The midline slab is
 * left out: the lateral ventricles lie either side of the septum, and the midline CSF (third ventricle,
 * interhemispheric fissure) would join them to the cisterns.
 */
const VENTRICLE_BOX_MM = { min: [-36, -90, -5], max: [36, 40, 40] }; // above the temporal horns and cisterns
const MIDLINE_GAP_MM = 3;
/** Points in the lateral ventricle bodies (MNI mm); the CSF components they touch are the ventricles. */
const VENTRICLE_SEEDS_MM: [number, number, number][] = [
  [-12, -8, 20],
  [12, -8, 20],
  [-20, -40, 15],
  [20, -40, 15],
];
const SEED_SEARCH_VOXELS = 8; // 8 mm on the 1 mm grid

export function prepareAnatomy(t: ColinTemplates): Anatomy {
  const grid = gridFromAffine(t.t1Brain.dims, t.t1Brain.voxToMm);
  const n = voxelCount(grid);
  const fineOn1mm = resampleToGrid(t.t1Fine, grid, 'linear');
  const tissue = new Uint8Array(n);
  for (let v = 0; v < n; v++) tissue[v] = t.t1Brain.data[v] > 0 || fineOn1mm.data[v] > 0 ? 1 : 0;
  const brainMask = fillHoles(closeMask(tissue, grid.dims, grid.spacingMm, SULCUS_CLOSING_MM), grid.dims);
  const { gm, wm } = estimateGmWmMeans(t.t1Fine.data);
  const means: TissueMeans = { csf: 0, gm, wm };

  const regions = new Uint8Array(n);
  const tracts = resampleToGrid(t.tracts, grid, 'nearest');
  const toMm = grid.voxToMm;
  const [nx, ny] = grid.dims;
  for (let v = 0; v < n; v++) {
    if (!brainMask[v]) continue;
    const [x, y, z] = [0, 1, 2].map((r) => toMm[4 * r] * (v % nx) + toMm[4 * r + 1] * (Math.floor(v / nx) % ny) + toMm[4 * r + 2] * Math.floor(v / (nx * ny)) + toMm[4 * r + 3]);
    const label = tracts.data[v];
    if (INFRATENTORIAL_TRACTS.includes(label) || (CORTICOSPINAL_TRACTS.includes(label) && z < -20)) regions[v] = REGION.infratentorial;
    else if (inPosteriorFossa(x, y, z)) regions[v] = REGION.posteriorFossa;
    else if (DEEP_WM_TRACTS.includes(label)) regions[v] = REGION.deepTract;
  }
  // ch2bet's own (unclosed) mask keeps the ventricles but not most of the interhemispheric fissure,
  // which would otherwise join the ventricles through the cisterns.
  const betMask = Uint8Array.from(t.t1Brain.data, (x) => (x > 0 ? 1 : 0));
  const ventricles = findVentricles(grid, betMask, fineOn1mm.data, means);
  for (let v = 0; v < n; v++) if (ventricles[v]) regions[v] = REGION.ventricle;
  const toBrain = distanceToMaskMm(brainMask, grid.dims, grid.spacingMm);
  const nearBrain = new Uint8Array(n);
  for (let v = 0; v < n; v++) nearBrain[v] = toBrain[v] <= 1.5 ? 1 : 0;
  return { t1Fine: t.t1Fine, means, grid, brainMask, nearBrain, regions };
}

/** Lateral ventricles: CSF components inside a central box that touch one of the seed regions. */
function findVentricles(grid: Grid, brainMask: Uint8Array, t1: Float32Array, means: TissueMeans): Uint8Array {
  const [nx, ny, nz] = grid.dims;
  const mmToVox = invert4(grid.voxToMm);
  const toVox = (p: readonly number[]) => [0, 1, 2].map((r) => mmToVox[4 * r] * p[0] + mmToVox[4 * r + 1] * p[1] + mmToVox[4 * r + 2] * p[2] + mmToVox[4 * r + 3]);
  const lo = toVox(VENTRICLE_BOX_MM.min).map(Math.round);
  const hi = toVox(VENTRICLE_BOX_MM.max).map(Math.round);
  const csfBelow = 0.5 * (means.csf + means.gm); // more CSF than GM in the voxel
  const csf = new Uint8Array(nx * ny * nz);
  for (let k = Math.max(0, lo[2]); k <= Math.min(nz - 1, hi[2]); k++)
    for (let j = Math.max(0, lo[1]); j <= Math.min(ny - 1, hi[1]); j++)
      for (let i = Math.max(0, lo[0]); i <= Math.min(nx - 1, hi[0]); i++) {
        const v = i + nx * (j + ny * k);
        const xMm = grid.voxToMm[0] * i + grid.voxToMm[1] * j + grid.voxToMm[2] * k + grid.voxToMm[3];
        csf[v] = brainMask[v] && t1[v] < csfBelow && Math.abs(xMm) >= MIDLINE_GAP_MM ? 1 : 0;
      }
  const { labels } = labelComponents(csf, grid.dims);
  const chosen = new Set<number>();
  for (const seed of VENTRICLE_SEEDS_MM) {
    const [ci, cj, ck] = toVox(seed).map(Math.round);
    for (let dk = -SEED_SEARCH_VOXELS; dk <= SEED_SEARCH_VOXELS; dk++)
      for (let dj = -SEED_SEARCH_VOXELS; dj <= SEED_SEARCH_VOXELS; dj++)
        for (let di = -SEED_SEARCH_VOXELS; di <= SEED_SEARCH_VOXELS; di++) {
          const l = labels[ci + di + nx * (cj + dj + ny * (ck + dk))];
          if (l) chosen.add(l);
        }
  }
  const out = new Uint8Array(csf.length);
  for (let v = 0; v < out.length; v++) out[v] = chosen.has(labels[v]) ? 1 : 0;
  return out;
}
