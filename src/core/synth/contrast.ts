import type { Grid } from '../volume';
import { gaussianBlur } from './artefacts';
import type { LesionMaps } from './lesionShape';
import type { Rng } from './random';
import type { CaseAnatomy } from './warp';

/** Mean intensity of each tissue relative to white matter (WM = 1). */
export interface TissueContrast {
  csf: number;
  gm: number;
  wm: number;
}

/**
 * Typical 3D FLAIR and MPRAGE contrasts at 3 T (ratios to WM): FLAIR suppresses CSF and shows GM a
 * little brighter than WM; MPRAGE shows WM brightest, then GM, then CSF.
 */
export const FLAIR_CONTRAST: TissueContrast = { csf: 0.18, gm: 1.22, wm: 1 };
export const MPRAGE_CONTRAST: TissueContrast = { csf: 0.25, gm: 0.64, wm: 1 };

/**
 * Random contrast around `base`: each non-WM mean moves by up to +-jitter relative to its distance from WM,
 * so the ordering of the tissues (what makes the modality recognisable) always holds.
 */
export function jitterContrast(rng: Rng, base: TissueContrast, jitter: number): TissueContrast {
  const move = (x: number) => 1 + (x - 1) * (1 + rng.uniform(-jitter, jitter));
  return { csf: Math.max(0.02, move(base.csf)), gm: move(base.gm), wm: 1 };
}

/**
 * Noise-free FLAIR or MPRAGE in WM units: the partial-volume mixture of tissue means plus the lesions,
 * which replace white matter. `lesionValue(flairSum, t1DarkSum, fraction)` gives the lesion part.
 */
function mix(a: CaseAnatomy, c: TissueContrast, wmTexture: Float32Array | undefined, lesionPart: (v: number) => number): Float32Array {
  const out = new Float32Array(a.wm.length);
  for (let v = 0; v < out.length; v++) {
    if (!a.brain[v] && a.csf[v] + a.gm[v] + a.wm[v] === 0) continue;
    const wm = c.wm * (1 + (wmTexture ? wmTexture[v] : 0));
    out[v] = a.csf[v] * c.csf + a.gm[v] * c.gm + a.wm[v] * wm + lesionPart(v);
  }
  return out;
}

/**
 * `wmTexture` (optional): relative, smooth variation of normal white matter (myelin content varies:
 * where it is lower, FLAIR is brighter and MPRAGE darker). Pass the same field to both.
 */
export function synthFlair(a: CaseAnatomy, lesions: LesionMaps, c: TissueContrast, wmTexture?: Float32Array): Float32Array {
  // A lesion fraction f with ratio r turns f of WM (value 1) into f * r: the change is f * (r - 1).
  return mix(a, c, wmTexture, (v) => lesions.flairSum[v] - lesions.fraction[v] * c.wm + lesions.haloSum[v] * c.wm);
}

export function synthMprage(a: CaseAnatomy, lesions: LesionMaps, c: TissueContrast, wmTexture?: Float32Array): Float32Array {
  // Lesion = WM - darkness * (WM - CSF): the change is -darkness * (WM - CSF) per unit of lesion.
  const darker = wmTexture?.map((t) => -0.5 * t);
  return mix(a, c, darker, (v) => -lesions.t1DarkSum[v] * (c.wm - c.csf));
}

/** A smooth random field with standard deviation `sd` and a correlation length of about scaleMm. */
export function smoothRandomField(grid: Grid, rng: Rng, sd: number, scaleMm: number): Float32Array {
  const field = new Float32Array(grid.dims[0] * grid.dims[1] * grid.dims[2]);
  if (sd <= 0) return field;
  for (let v = 0; v < field.length; v++) field[v] = rng.normal(0, 1);
  gaussianBlur(field, grid, [scaleMm, scaleMm, scaleMm]);
  let sumSq = 0;
  for (let v = 0; v < field.length; v++) sumSq += field[v] * field[v];
  const scale = sd / Math.sqrt(sumSq / field.length || 1);
  for (let v = 0; v < field.length; v++) field[v] *= scale;
  return field;
}
