import type { Rng } from './random';
import { type Vec3, multiply3, rotation3 } from './vec';

export interface DeformationOptions {
  /** Largest rotation of the head, degrees (random axis). */
  rotationDeg: number;
  /** Largest relative change of brain size per axis (0.05: +-5 %). */
  scaleJitter: number;
  /** Largest shift, mm, per axis. */
  translationMm: number;
  /** Size of the smooth non-linear displacement, mm (its standard deviation on each axis). */
  elasticMm: number;
  /** Wavelength of that displacement, mm: large values bend the brain as a whole, small ones fold gyri. */
  elasticWavelengthMm: number;
  /** Largest enlargement of the ventricles (0.2: up to 1 / (1 - 0.2) = 1.25 x wider), as atrophy in MS. */
  ventricleEnlargement: number;
}

export const NO_DEFORMATION: DeformationOptions = {
  rotationDeg: 0,
  scaleJitter: 0,
  translationMm: 0,
  elasticMm: 0,
  elasticWavelengthMm: 60,
  ventricleEnlargement: 0,
};

/**
 * Maps a position in the generated case (mm) to the template position whose anatomy it shows (mm):
 * pulling each output voxel from the template, so every output voxel gets a value (no holes).
 */
export interface Deformation {
  toTemplateMm(p: Readonly<Vec3>, out: Vec3): Vec3;
  /** Linear part (row-major 3x3), enough to place sub-voxel samples around a mapped voxel centre. */
  linear: number[];
}

const ELASTIC_WAVES = 6;
/** Centre of the lateral ventricles in MNI space, mm: where atrophy is centred. */
const VENTRICLE_CENTRE_MM: Vec3 = [0, -12, 16];
const VENTRICLE_SPREAD_MM = 26;

export function randomDeformation(rng: Rng, o: DeformationOptions): Deformation {
  const rotation = rotation3(rng.direction(), (rng.uniform(-1, 1) * o.rotationDeg * Math.PI) / 180);
  const scale = [0, 1, 2].map(() => 1 + rng.uniform(-1, 1) * o.scaleJitter);
  const linear = multiply3(rotation, [scale[0], 0, 0, 0, scale[1], 0, 0, 0, scale[2]]);
  const shift = [0, 1, 2].map(() => rng.uniform(-1, 1) * o.translationMm);
  // A sum of a few plane waves with random directions: smooth everywhere, cheap, and with no grid.
  const waves = Array.from({ length: ELASTIC_WAVES }, () => {
    const k = rng.direction();
    const wavelengthMm = o.elasticWavelengthMm * rng.uniform(0.7, 1.3);
    // Per axis, M waves of amplitude N(0, s^2) and mean sin^2 of 1/2 give a variance of M s^2 / 2: s as below
    // makes the standard deviation of the displacement elasticMm on each axis.
    const s = o.elasticMm * Math.sqrt(2 / ELASTIC_WAVES);
    const amp = [rng.normal(0, s), rng.normal(0, s), rng.normal(0, s)];
    return { k: k.map((x) => (2 * Math.PI * x) / wavelengthMm), phase: rng.uniform(0, 2 * Math.PI), amp };
  });
  const enlarge = rng.uniform(0, o.ventricleEnlargement);
  const c = VENTRICLE_CENTRE_MM;
  const twoSpreadSq = 2 * VENTRICLE_SPREAD_MM * VENTRICLE_SPREAD_MM;
  return {
    linear,
    toTemplateMm(p, out) {
      let x = c[0] + linear[0] * (p[0] - c[0]) + linear[1] * (p[1] - c[1]) + linear[2] * (p[2] - c[2]) + shift[0];
      let y = c[1] + linear[3] * (p[0] - c[0]) + linear[4] * (p[1] - c[1]) + linear[5] * (p[2] - c[2]) + shift[1];
      let z = c[2] + linear[6] * (p[0] - c[0]) + linear[7] * (p[1] - c[1]) + linear[8] * (p[2] - c[2]) + shift[2];
      if (o.elasticMm > 0)
        for (const w of waves) {
          const s = Math.sin(w.k[0] * p[0] + w.k[1] * p[1] + w.k[2] * p[2] + w.phase);
          x += w.amp[0] * s;
          y += w.amp[1] * s;
          z += w.amp[2] * s;
        }
      if (enlarge > 0) {
        // Pull template positions towards the ventricle centre: the ventricles appear larger.
        const dx = x - c[0];
        const dy = y - c[1];
        const dz = z - c[2];
        const f = 1 - enlarge * Math.exp(-(dx * dx + dy * dy + dz * dz) / twoSpreadSq);
        x = c[0] + dx * f;
        y = c[1] + dy * f;
        z = c[2] + dz * f;
      }
      out[0] = x;
      out[1] = y;
      out[2] = z;
      return out;
    },
  };
}
