import { type Grid, type Volume, gridFromAffine, makeVolume, voxelCount } from '../volume';
import type { Anatomy } from './anatomy';
import { addRicianNoise, applyBiasField, blurLikeScanner } from './artefacts';
import { jitterContrast, smoothRandomField, synthFlair, synthMprage } from './contrast';
import { randomDeformation } from './deformation';
import type { LesionKind } from './lesionShape';
import { placeLesions } from './lesionPlacement';
import type { ModalityOptions, SynthOptions } from './options';
import { Rng } from './random';
import { type CaseAnatomy, warpAnatomy } from './warp';

/**
 * The output grid: 1 mm, axis-aligned MNI-like (RAS+, origin as ch2's), cropped to the brain plus a margin
 * for the deformation. 160 x 196 x 168 needs 2 x 3 x 2 sliding windows of 96^3 (step 72), ch2's full
 * 181 x 217 x 181 grid would need 3 x 3 x 3.
 */
export const CASE_GRID: Grid = gridFromAffine([160, 196, 168], [1, 0, 0, -80, 0, 1, 0, -115, 0, 0, 1, -74, 0, 0, 0, 1]);

const WM_TEXTURE_SCALE_MM = 4;

export interface LesionSummary {
  lesionNumber: number;
  kind: LesionKind;
  centreMm: [number, number, number];
  maskVoxels: number;
  volumeMm3: number;
  /** Largest distance between two ground-truth voxel centres, plus one voxel. */
  longestDiameterMm: number;
}

export interface SynthCase {
  flair: Volume;
  mprage: Volume;
  /** Ground truth: 1 on lesion voxels, 0 elsewhere. */
  lesionMask: Volume;
  /** The lesion each ground-truth voxel belongs to (1-based, as LesionSummary.lesionNumber), 0 elsewhere. */
  lesionNumbers: Volume;
  lesions: LesionSummary[];
  /** The lesion-free tissue fractions and regions of this case (not written to disk; for tests and checks). */
  anatomy: CaseAnatomy;
  options: SynthOptions;
}

/** Makes one case. Every random choice comes from options.seed, through one named stream per step. */
export function generateCase(anatomy: Anatomy, options: SynthOptions, grid: Grid = CASE_GRID): SynthCase {
  const rng = new Rng(options.seed);
  const streams = {
    deformation: rng.fork('deformation'),
    lesions: rng.fork('lesions'),
    flair: rng.fork('flair'),
    mprage: rng.fork('mprage'),
    texture: rng.fork('texture'),
  };
  const deformation = randomDeformation(streams.deformation, options.deformation);
  const brain = warpAnatomy(anatomy, deformation, grid);
  const { lesions, maps } = placeLesions(streams.lesions, brain, options.lesions);

  const flairContrast = jitterContrast(streams.flair, options.flair.contrast, options.flair.contrastJitter);
  const mprageContrast = jitterContrast(streams.mprage, options.mprage.contrast, options.mprage.contrastJitter);
  const texture = smoothRandomField(grid, streams.texture, options.wmTexture, WM_TEXTURE_SCALE_MM);
  const flair = finishScan(synthFlair(brain, maps, flairContrast, texture), brain, options.flair, streams.flair);
  const mprage = finishScan(synthMprage(brain, maps, mprageContrast, texture), brain, options.mprage, streams.mprage);

  const mask = makeVolume(grid);
  const numbers = makeVolume(grid);
  for (let v = 0; v < voxelCount(grid); v++) {
    mask.data[v] = maps.owner[v] ? 1 : 0;
    numbers.data[v] = maps.owner[v];
  }
  return {
    flair: makeVolume(grid, flair),
    mprage: makeVolume(grid, mprage),
    lesionMask: mask,
    lesionNumbers: numbers,
    lesions: lesions.map((l) => ({
      lesionNumber: l.lesionNumber,
      kind: l.kind,
      centreMm: l.centreMm.map((x) => +x.toFixed(1)) as [number, number, number],
      maskVoxels: l.maskVoxels,
      volumeMm3: +(l.maskVoxels * grid.spacingMm[0] * grid.spacingMm[1] * grid.spacingMm[2]).toFixed(1),
      longestDiameterMm: +longestDiameterMm(maps.owner, l.lesionNumber, grid).toFixed(1),
    })),
    anatomy: brain,
    options,
  };
}

/** Scanner effects on a noise-free image in WM units, then the stored intensity scale (whole numbers). */
function finishScan(image: Float32Array, brain: CaseAnatomy, o: ModalityOptions, rng: Rng): Float32Array {
  blurLikeScanner(image, brain.grid, o);
  applyBiasField(image, brain.grid, rng.fork('bias'), o.biasStrength);
  addRicianNoise(image, brain.brain, rng.fork('noise'), o.noiseLevel);
  for (let v = 0; v < image.length; v++) {
    // Skull-stripped, as the paper's inputs: zero outside the brain mask. Rounded as the int16 file stores it.
    const curved = o.gamma === 1 ? image[v] : Math.max(image[v], 0) ** o.gamma;
    image[v] = brain.brain[v] ? Math.min(32767, Math.max(0, Math.round(curved * o.wmIntensity))) : 0;
  }
  return image;
}

function longestDiameterMm(owner: Uint16Array, lesionNumber: number, grid: Grid): number {
  const [nx, ny] = grid.dims;
  const g = grid.voxToMm;
  const points: number[][] = [];
  for (let v = 0; v < owner.length; v++) {
    if (owner[v] !== lesionNumber) continue;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    points.push([0, 1, 2].map((r) => g[4 * r] * i + g[4 * r + 1] * j + g[4 * r + 2] * k));
  }
  let best = 0;
  for (let a = 0; a < points.length; a++)
    for (let b = a + 1; b < points.length; b++) best = Math.max(best, Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1], points[a][2] - points[b][2]));
  return best + Math.min(...grid.spacingMm);
}
