import { REGION } from './anatomy';
import { distanceToMaskMm } from '../volume';
import { type Lesion, type LesionKind, type LesionMaps, drawLesion, emptyLesionMaps, lesionExtentMm } from './lesionShape';
import type { Rng } from './random';
import { type Vec3, frameAround, normalise } from './vec';
import type { CaseAnatomy } from './warp';

export type LesionCounts = Record<LesionKind, number>;

export interface LesionOptions {
  counts: LesionCounts;
  /** FLAIR lesion / WM intensity, drawn per lesion in [lo, hi]. */
  flairRatio: [number, number];
  /** MPRAGE darkness per lesion in [lo, hi] (0: like WM, 1: like CSF). */
  t1Darkness: [number, number];
  /** Smallest lesion kept, in ground-truth voxels (the paper drops components of 5 voxels or fewer). */
  minVoxels: number;
}

/** Gap kept between lesions (mm), so that each lesion is one connected component of the mask. */
const GAP_MM = 2;
const TRIES_PER_LESION = 300;
/** MS lesions: about 3 to 20 mm across. */
const MAX_DIAMETER_MM = 19;
const MIN_RADIUS_MM = 1.5;

/** Distance maps that say where each kind of lesion belongs. */
interface Landmarks {
  toVentricleMm: Float32Array;
  toNonWmMm: Float32Array;
  toGmMm: Float32Array;
  toOutsideMm: Float32Array;
}

function landmarks(a: CaseAnatomy): Landmarks {
  const n = a.wm.length;
  const ventricle = new Uint8Array(n);
  const nonWm = new Uint8Array(n);
  const gm = new Uint8Array(n);
  const outside = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    ventricle[v] = a.regions[v] === REGION.ventricle && a.csf[v] >= 0.5 ? 1 : 0;
    nonWm[v] = a.wm[v] < 0.5 ? 1 : 0;
    gm[v] = a.gm[v] >= 0.5 ? 1 : 0;
    outside[v] = a.brain[v] ? 0 : 1;
  }
  const d = (m: Uint8Array) => distanceToMaskMm(m, a.grid.dims, a.grid.spacingMm);
  return { toVentricleMm: d(ventricle), toNonWmMm: d(nonWm), toGmMm: d(gm), toOutsideMm: d(outside) };
}

/** Voxels where a lesion of each kind may be seeded. */
function candidates(a: CaseAnatomy, m: Landmarks): Record<LesionKind, Int32Array> {
  const lists: Record<LesionKind, number[]> = { periventricular: [], deep: [], juxtacortical: [], infratentorial: [] };
  for (let v = 0; v < a.wm.length; v++) {
    if (!a.brain[v] || a.wm[v] < 0.5) continue;
    if (a.regions[v] === REGION.infratentorial) {
      lists.infratentorial.push(v);
      continue;
    }
    if (a.regions[v] === REGION.posteriorFossa) continue;
    if (m.toVentricleMm[v] <= 2.5) lists.periventricular.push(v);
    if (a.wm[v] >= 0.9 && m.toVentricleMm[v] >= 7 && m.toNonWmMm[v] >= 3) {
      lists.deep.push(v);
      // Deep lesions favour the large tracts (corona radiata, SLF, optic radiation): count those twice.
      if (a.regions[v] === REGION.deepTract) lists.deep.push(v);
    }
    if (m.toGmMm[v] <= 1.5 && m.toVentricleMm[v] >= 12 && m.toOutsideMm[v] <= 25) lists.juxtacortical.push(v);
  }
  return {
    periventricular: Int32Array.from(lists.periventricular),
    deep: Int32Array.from(lists.deep),
    juxtacortical: Int32Array.from(lists.juxtacortical),
    infratentorial: Int32Array.from(lists.infratentorial),
  };
}

/** Direction of steepest increase of a distance map at voxel v (central differences), in mm space. */
function gradientAt(map: Float32Array, a: CaseAnatomy, v: number): Vec3 {
  const [nx, ny, nz] = a.grid.dims;
  const i = v % nx;
  const j = Math.floor(v / nx) % ny;
  const k = Math.floor(v / (nx * ny));
  const at = (di: number, dj: number, dk: number) => {
    const ii = Math.min(nx - 1, Math.max(0, i + di));
    const jj = Math.min(ny - 1, Math.max(0, j + dj));
    const kk = Math.min(nz - 1, Math.max(0, k + dk));
    return map[ii + nx * (jj + ny * kk)];
  };
  const s = 2; // voxels: a wider stencil is smoother
  const gVox = [at(s, 0, 0) - at(-s, 0, 0), at(0, s, 0) - at(0, -s, 0), at(0, 0, s) - at(0, 0, -s)];
  const g = a.grid.voxToMm; // voxel gradient to mm gradient: for an axis-aligned grid, divide by spacing
  return normalise([0, 1, 2].map((r) => gVox[r] / (g[5 * r] || 1)));
}

function voxelCentreMm(a: CaseAnatomy, v: number): Vec3 {
  const [nx, ny] = a.grid.dims;
  const i = v % nx;
  const j = Math.floor(v / nx) % ny;
  const k = Math.floor(v / (nx * ny));
  const g = a.grid.voxToMm;
  return [0, 1, 2].map((r) => g[4 * r] * i + g[4 * r + 1] * j + g[4 * r + 2] * k + g[4 * r + 3]) as Vec3;
}

/** Shape and orientation of one lesion of `kind`, seeded at voxel v. */
function proposeLesion(kind: LesionKind, v: number, a: CaseAnatomy, m: Landmarks, rng: Rng, o: LesionOptions): Lesion | null {
  const seed = voxelCentreMm(a, v);
  let axis: Vec3;
  let radii: Vec3;
  let centre = seed;
  const along = (dir: Vec3, mm: number): Vec3 => [seed[0] + dir[0] * mm, seed[1] + dir[1] * mm, seed[2] + dir[2] * mm];
  if (kind === 'periventricular') {
    // Ovoid, long axis perpendicular to the ventricle wall (along the medullary veins: Dawson's fingers).
    axis = gradientAt(m.toVentricleMm, a, v);
    // Favour the roof and the walls of the ventricles over the floor (Dawson's fingers rise from the roof).
    if (axis[2] < -0.3 && rng.next() < 0.7) return null;
    const longMm = rng.uniform(4, 9.5);
    const shortMm = Math.max(MIN_RADIUS_MM, longMm * rng.uniform(0.35, 0.55));
    radii = [longMm, shortMm, Math.max(MIN_RADIUS_MM, shortMm * rng.uniform(0.8, 1.25))];
    // The inner end reaches into the ventricle (where it is cut off, lesions replace WM only): it touches.
    centre = along(axis, longMm * rng.uniform(0.45, 0.75) - m.toVentricleMm[v]);
  } else if (kind === 'juxtacortical') {
    // Flattened against the cortex: long axes parallel to it, short axis towards it.
    const normal = gradientAt(m.toGmMm, a, v);
    const longMm = rng.uniform(2, 5.5);
    const shortMm = Math.max(MIN_RADIUS_MM, longMm * rng.uniform(0.45, 0.8));
    const [, u, w] = frameAround(normal, rng.uniform(0, Math.PI));
    axis = u;
    radii = [longMm, Math.max(MIN_RADIUS_MM, longMm * rng.uniform(0.6, 1)), shortMm];
    centre = along(normal, shortMm * 0.5);
    return lesionOf(kind, centre, [u, w, normal], radii, rng, o);
  } else {
    // Deep white matter and infratentorial: ovoid to round, any orientation; smaller in the brainstem.
    axis = rng.direction();
    const longMm = kind === 'deep' ? rng.uniform(2, 7) : rng.uniform(1.8, 5);
    radii = [longMm, Math.max(MIN_RADIUS_MM, longMm * rng.uniform(0.55, 1)), Math.max(MIN_RADIUS_MM, longMm * rng.uniform(0.55, 1))];
  }
  return lesionOf(kind, centre, frameAround(axis, rng.uniform(0, Math.PI)), radii, rng, o);
}

function lesionOf(kind: LesionKind, centreMm: Vec3, axes: [Vec3, Vec3, Vec3], radiiMm: Vec3, rng: Rng, o: LesionOptions): Lesion {
  // Lobulated, irregular borders: a few waves over the ellipsoid, the coarse ones stronger.
  const bumps = Array.from({ length: 5 }, (_, b) => ({
    k: rng.direction().map((x) => x * (b < 2 ? rng.uniform(1.2, 2.5) : rng.uniform(2.5, 5))) as Vec3,
    phase: rng.uniform(0, 2 * Math.PI),
    amp: b < 2 ? rng.uniform(0.05, 0.2) : rng.uniform(0, 0.08),
  }));
  // Keep the longest diameter within MAX_DIAMETER_MM, whatever the radii and bumps drawn.
  const reach = Math.max(...radiiMm) * (1 + bumps.reduce((s, b) => s + b.amp, 0));
  if (2 * reach > MAX_DIAMETER_MM) radiiMm = radiiMm.map((r) => Math.max(MIN_RADIUS_MM, (r * MAX_DIAMETER_MM) / (2 * reach))) as Vec3;
  // Infratentorial lesions are less conspicuous on FLAIR than supratentorial ones.
  const conspicuity = kind === 'infratentorial' ? 0.85 : 1;
  const flairRatio = 1 + (rng.uniform(o.flairRatio[0], o.flairRatio[1]) - 1) * conspicuity;
  return { kind, centreMm, axes, radiiMm, bumps, flairRatio, t1Darkness: rng.uniform(o.t1Darkness[0], o.t1Darkness[1]) };
}

export interface PlacedLesion extends Lesion {
  /** 1-based number: the value of LesionMaps.owner on its ground-truth voxels. */
  lesionNumber: number;
  maskVoxels: number;
}

/** Places and draws the requested lesions; a kind with no room left gets fewer (never an error). */
export function placeLesions(rng: Rng, a: CaseAnatomy, o: LesionOptions): { lesions: PlacedLesion[]; maps: LesionMaps } {
  const maps = emptyLesionMaps(a.grid);
  const lesions: PlacedLesion[] = [];
  const total = Object.values(o.counts).reduce((s, c) => s + c, 0);
  if (total === 0) return { lesions, maps };
  const m = landmarks(a);
  const pool = candidates(a, m);
  const order: LesionKind[] = (Object.keys(o.counts) as LesionKind[]).flatMap((kind) => Array<LesionKind>(o.counts[kind]).fill(kind));
  for (const kind of order) {
    const seeds = pool[kind];
    if (!seeds.length) continue;
    for (let attempt = 0; attempt < TRIES_PER_LESION; attempt++) {
      const lesion = proposeLesion(kind, seeds[rng.int(0, seeds.length - 1)], a, m, rng, o);
      if (!lesion) continue;
      const extent = lesionExtentMm(lesion);
      const clash = lesions.some((other) => {
        const d = Math.hypot(...([0, 1, 2].map((x) => other.centreMm[x] - lesion.centreMm[x]) as Vec3));
        return d < extent + lesionExtentMm(other) + GAP_MM;
      });
      if (clash) continue;
      const lesionNumber = lesions.length + 1;
      const maskVoxels = drawLesion(lesion, lesionNumber, a.grid, a.wm, maps, o.minVoxels);
      if (maskVoxels > 0) {
        lesions.push({ ...lesion, lesionNumber, maskVoxels });
        break;
      }
    }
  }
  return { lesions, maps };
}
