import { type Grid, invert4, voxelCount } from '../volume';
import { neighbourOffsets } from './masks';
import { type Vec3, dot } from './vec';

export type LesionKind = 'periventricular' | 'deep' | 'juxtacortical' | 'infratentorial';

/** One synthetic lesion: an ellipsoid with a wavy border, and its own contrast. */
export interface Lesion {
  kind: LesionKind;
  centreMm: Vec3;
  /** Orthonormal axes; axes[0] is the long one (for periventricular lesions: away from the ventricle). */
  axes: [Vec3, Vec3, Vec3];
  radiiMm: Vec3;
  /** Smooth border irregularity: sum of amp * sin(k . u + phase), u the position in ellipsoid units. */
  bumps: { k: Vec3; phase: number; amp: number }[];
  /** FLAIR intensity of lesion tissue relative to white matter (> 1: hyperintense). */
  flairRatio: number;
  /** MPRAGE: lesion = WM - t1Darkness * (WM - CSF); 0 is isointense, 1 as dark as CSF. */
  t1Darkness: number;
}

/** Largest distance from the centre to the border, mm. */
export function lesionExtentMm(l: Lesion): number {
  return Math.max(...l.radiiMm) * (1 + l.bumps.reduce((s, b) => s + b.amp, 0));
}

/** The plain ellipsoid radius at p (1 on the smooth ellipsoid) and whether p is inside the wavy border. */
function radiusAt(l: Lesion, p: Vec3): { rho: number; border: number; texture: number } {
  const d: Vec3 = [p[0] - l.centreMm[0], p[1] - l.centreMm[1], p[2] - l.centreMm[2]];
  const u: Vec3 = [dot(d, l.axes[0]) / l.radiiMm[0], dot(d, l.axes[1]) / l.radiiMm[1], dot(d, l.axes[2]) / l.radiiMm[2]];
  const rho = Math.hypot(u[0], u[1], u[2]);
  let border = 1;
  let texture = 1;
  for (const b of l.bumps) {
    border += b.amp * Math.sin(dot(b.k, u) + b.phase);
    // Finer waves of the same directions make the inside patchy, as real lesions are.
    texture += TEXTURE * Math.sin(2.5 * dot(b.k, u) + 2 * b.phase);
  }
  return { rho, border, texture };
}

/** Where lesions are drawn; all arrays on the case grid. */
export interface LesionMaps {
  /** Lesion tissue fraction per voxel (taken from the white matter). */
  fraction: Float32Array;
  /** Sum of fraction x FLAIR ratio (x a slightly brighter core). */
  flairSum: Float32Array;
  /** Sum of fraction x T1 darkness. */
  t1DarkSum: Float32Array;
  /** Perilesional halo: faint FLAIR signal just outside the lesion (weight x (FLAIR ratio - 1)), not in the mask. */
  haloSum: Float32Array;
  /** 1-based number of the lesion that owns the voxel, where fraction >= 0.5 (the ground-truth mask); else 0. */
  owner: Uint16Array;
}

export function emptyLesionMaps(grid: Grid): LesionMaps {
  const n = voxelCount(grid);
  return {
    fraction: new Float32Array(n),
    flairSum: new Float32Array(n),
    t1DarkSum: new Float32Array(n),
    haloSum: new Float32Array(n),
    owner: new Uint16Array(n),
  };
}

/** A lesion voxel counts in the ground truth when at least this fraction of it is lesion. */
export const MASK_FRACTION = 0.5;
/** The core of a lesion is this much brighter on FLAIR than its rim (relative). */
const CORE_BOOST = 0.15;
/** Amplitude of each of the waves that vary intensity inside a lesion (relative). */
const TEXTURE = 0.05;
/** The halo fades to nothing over this distance outside the border, mm, from this level (relative to the lesion). */
const HALO_MM = 1.5;
const HALO_LEVEL = 0.3;
const SUBSAMPLES = 3; // per axis: 27 samples give a smooth partial-volume border

/**
 * Draws a lesion into `maps`, replacing white matter only (`wm` is the lesion-free WM fraction), so a
 * lesion never enters cortex or CSF. Returns the number of ground-truth voxels; when fewer than
 * minVoxels, nothing is drawn and 0 is returned (the lesion would be too small to count).
 */
export function drawLesion(l: Lesion, lesionNumber: number, grid: Grid, wm: Float32Array, maps: LesionMaps, minVoxels: number): number {
  const [nx, ny, nz] = grid.dims;
  const g = grid.voxToMm;
  const toVox = invert4(g);
  const c = l.centreMm;
  const centre = [0, 1, 2].map((r) => toVox[4 * r] * c[0] + toVox[4 * r + 1] * c[1] + toVox[4 * r + 2] * c[2] + toVox[4 * r + 3]);
  const reach = Math.ceil(lesionExtentMm(l) / Math.min(...grid.spacingMm)) + 1;
  const lo = centre.map((x) => Math.max(0, Math.floor(x) - reach));
  const hi = centre.map((x, a) => Math.min([nx, ny, nz][a] - 1, Math.ceil(x) + reach));
  const drawn: { v: number; fraction: number; profile: number; halo: number }[] = [];
  const haloWidth = HALO_MM / ((l.radiiMm[0] + l.radiiMm[1] + l.radiiMm[2]) / 3); // in ellipsoid units
  const p: Vec3 = [0, 0, 0];
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++) {
        const v = i + nx * (j + ny * k);
        const free = wm[v] - maps.fraction[v];
        if (free <= 0) continue;
        let inside = 0;
        let profileSum = 0;
        let haloSum = 0;
        for (let a = 0; a < SUBSAMPLES; a++)
          for (let b = 0; b < SUBSAMPLES; b++)
            for (let d = 0; d < SUBSAMPLES; d++) {
              const [x, y, z] = [i + (a + 0.5) / SUBSAMPLES - 0.5, j + (b + 0.5) / SUBSAMPLES - 0.5, k + (d + 0.5) / SUBSAMPLES - 0.5];
              p[0] = g[0] * x + g[1] * y + g[2] * z + g[3];
              p[1] = g[4] * x + g[5] * y + g[6] * z + g[7];
              p[2] = g[8] * x + g[9] * y + g[10] * z + g[11];
              const r = radiusAt(l, p);
              if (r.rho <= r.border) {
                inside++;
                const rho = Math.min(r.rho, 1);
                profileSum += (1 + CORE_BOOST * (1 - rho * rho)) * r.texture;
              } else if (r.rho < r.border + haloWidth) haloSum += HALO_LEVEL * (1 - (r.rho - r.border) / haloWidth);
            }
        if (!inside && !haloSum) continue;
        const samples = SUBSAMPLES ** 3;
        const fraction = Math.min(inside / samples, free);
        const halo = Math.min(haloSum / samples, free - fraction);
        drawn.push({ v, fraction, profile: inside ? profileSum / inside : 1, halo });
      }
  // Keep the ground truth one lesion = one component (18-connected, as the app's instances): border
  // fragments that the wavy outline cuts off are left out of the lesion (they stay white matter).
  const keep = largestPiece(drawn.filter((d) => maps.fraction[d.v] + d.fraction >= MASK_FRACTION && !maps.owner[d.v]).map((d) => d.v), grid);
  const maskVoxels = keep.size;
  if (maskVoxels < minVoxels) return 0;
  for (const d of drawn) if (maps.fraction[d.v] + d.fraction >= MASK_FRACTION && !maps.owner[d.v] && !keep.has(d.v)) d.fraction = 0;
  for (const { v, fraction, profile, halo } of drawn) {
    maps.fraction[v] += fraction;
    maps.flairSum[v] += fraction * l.flairRatio * profile;
    maps.t1DarkSum[v] += fraction * l.t1Darkness * profile;
    maps.haloSum[v] += halo * (l.flairRatio - 1);
    if (maps.fraction[v] >= MASK_FRACTION && !maps.owner[v]) maps.owner[v] = lesionNumber;
  }
  return maskVoxels;
}

/** The largest 18-connected group among `voxels` (voxel indices on grid). */
function largestPiece(voxels: number[], grid: Grid): Set<number> {
  const [nx, ny, nz] = grid.dims;
  const left = new Set(voxels);
  const offsets = neighbourOffsets(18);
  let best = new Set<number>();
  for (const seed of voxels) {
    if (!left.has(seed)) continue;
    const piece = new Set<number>([seed]);
    left.delete(seed);
    const stack = [seed];
    while (stack.length) {
      const v = stack.pop()!;
      const [i, j, k] = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      for (const [di, dj, dk] of offsets) {
        if (i + di < 0 || j + dj < 0 || k + dk < 0 || i + di >= nx || j + dj >= ny || k + dk >= nz) continue;
        const w = i + di + nx * (j + dj + ny * (k + dk));
        if (left.has(w)) {
          left.delete(w);
          piece.add(w);
          stack.push(w);
        }
      }
    }
    if (piece.size > best.size) best = piece;
  }
  return best;
}
