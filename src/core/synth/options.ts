import type { ArtefactOptions } from './artefacts';
import { type TissueContrast, FLAIR_CONTRAST, MPRAGE_CONTRAST } from './contrast';
import type { DeformationOptions } from './deformation';
import type { LesionOptions } from './lesionPlacement';
import { Rng } from './random';

/** Everything that defines one generated case; with the same options the output is the same, bit for bit. */
export interface SynthOptions {
  seed: number | string;
  deformation: DeformationOptions;
  /** Smooth variation of normal white matter, relative standard deviation (0.03: +-3 %), over about 4 mm. */
  wmTexture: number;
  lesions: LesionOptions;
  flair: ModalityOptions;
  mprage: ModalityOptions;
}

export interface ModalityOptions extends ArtefactOptions {
  /** Tissue means relative to WM before jitter. */
  contrast: TissueContrast;
  /** Relative jitter of each tissue mean's distance from WM (0.15: +-15 %), drawn per case. */
  contrastJitter: number;
  /** Stored intensity of white matter (int16 file); other tissues scale with it. */
  wmIntensity: number;
  /** Intensity curve: the image in WM units is raised to this power (1: linear). Keeps the tissue order. */
  gamma: number;
}

/** The demo: a moderately affected brain, a clean modern 3D acquisition. */
export function demoOptions(seed: number | string = 2024): SynthOptions {
  return {
    seed,
    deformation: {
      rotationDeg: 4,
      scaleJitter: 0.04,
      translationMm: 2,
      elasticMm: 1.5,
      elasticWavelengthMm: 70,
      ventricleEnlargement: 0.15,
    },
    wmTexture: 0.025,
    lesions: {
      counts: { periventricular: 15, deep: 8, juxtacortical: 5, infratentorial: 3 },
      flairRatio: [1.35, 1.8],
      t1Darkness: [0.2, 0.55],
      minVoxels: 10,
    },
    flair: {
      contrast: FLAIR_CONTRAST,
      contrastJitter: 0,
      wmIntensity: 400,
      gamma: 1,
      noiseLevel: 0.03,
      biasStrength: 0.06,
      blurSigmaMm: 0.45,
      sliceThicknessMm: 1,
      sliceAxis: 2,
    },
    mprage: {
      contrast: MPRAGE_CONTRAST,
      contrastJitter: 0,
      wmIntensity: 600,
      gamma: 1,
      noiseLevel: 0.025,
      biasStrength: 0.06,
      blurSigmaMm: 0.4,
      sliceThicknessMm: 1,
      sliceAxis: 2,
    },
  };
}

/**
 * Options for training cases: contrast, noise, bias, resolution, brain shape and lesion load are all
 * drawn from wide ranges (from the seed), so that the models do not learn one fixed scanner.
 */
export function trainingOptions(seed: number | string): SynthOptions {
  const rng = new Rng(`training-options:${seed}`);
  const base = demoOptions(seed);
  const modality = (m: ModalityOptions): ModalityOptions => ({
    ...m,
    contrastJitter: 0.3,
    wmIntensity: Math.round(m.wmIntensity * rng.uniform(0.5, 2)),
    gamma: Math.exp(rng.uniform(Math.log(0.75), Math.log(1.35))),
    noiseLevel: rng.uniform(0.005, 0.08),
    biasStrength: rng.uniform(0, 0.2),
    blurSigmaMm: rng.uniform(0.2, 0.9),
    // Half of the scans isotropic, the rest with slices up to 3 mm thick along a random axis.
    sliceThicknessMm: rng.next() < 0.5 ? 1 : rng.uniform(1.5, 3),
    sliceAxis: rng.pick([0, 1, 2] as const),
  });
  const load = rng.uniform(0, 1.6); // lesion load: from almost none to heavy
  const count = (typical: number) => Math.round(typical * load * rng.uniform(0.5, 1.5));
  return {
    seed,
    deformation: {
      rotationDeg: 10,
      scaleJitter: 0.08,
      translationMm: 5,
      elasticMm: 2,
      elasticWavelengthMm: rng.uniform(50, 90),
      ventricleEnlargement: 0.3,
    },
    wmTexture: rng.uniform(0, 0.05),
    lesions: {
      counts: { periventricular: count(10), deep: count(7), juxtacortical: count(5), infratentorial: count(3) },
      flairRatio: [1.25, 2.4],
      t1Darkness: [0.05, 0.7],
      minVoxels: 6,
    },
    flair: modality(base.flair),
    mprage: modality(base.mprage),
  };
}
