import type { Grid } from '../volume';
import type { Rng } from './random';

export interface ArtefactOptions {
  /** Rician noise: standard deviation of each of the two quadrature channels, relative to WM. */
  noiseLevel: number;
  /** Standard deviation of the log bias field over the grid (0.1: about +-10 % intensity drift). */
  biasStrength: number;
  /** Gaussian point-spread of the scanner in every direction, mm (standard deviation); partial-volume blur. */
  blurSigmaMm: number;
  /** Slice thickness, mm, along sliceAxis: lower through-plane resolution (1 = isotropic). */
  sliceThicknessMm: number;
  sliceAxis: 0 | 1 | 2;
}

/** Separable Gaussian blur in place; sigma per axis in mm (0: that axis untouched). */
export function gaussianBlur(data: Float32Array, grid: Grid, sigmaMm: [number, number, number]): void {
  const [nx, ny] = grid.dims;
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const sigmaVox = sigmaMm[axis] / grid.spacingMm[axis];
    if (sigmaVox < 0.05) continue;
    const radius = Math.ceil(3 * sigmaVox);
    const kernel = Array.from({ length: 2 * radius + 1 }, (_, t) => Math.exp(-((t - radius) ** 2) / (2 * sigmaVox * sigmaVox)));
    const sum = kernel.reduce((s, x) => s + x, 0);
    for (let t = 0; t < kernel.length; t++) kernel[t] /= sum;
    const n = grid.dims[axis];
    const stride = strides[axis];
    const line = new Float32Array(n);
    const others = [0, 1, 2].filter((a) => a !== axis);
    for (let b = 0; b < grid.dims[others[1]]; b++)
      for (let a = 0; a < grid.dims[others[0]]; a++) {
        const start = a * strides[others[0]] + b * strides[others[1]];
        for (let p = 0; p < n; p++) line[p] = data[start + p * stride];
        for (let p = 0; p < n; p++) {
          let s = 0;
          for (let t = -radius; t <= radius; t++) {
            const q = Math.min(n - 1, Math.max(0, p + t)); // clamp: the border value continues
            s += kernel[t + radius] * line[q];
          }
          data[start + p * stride] = s;
        }
      }
  }
}

/** Point-spread blur of a scan: isotropic blurSigmaMm, plus a slice profile of sliceThicknessMm. */
export function blurLikeScanner(data: Float32Array, grid: Grid, o: ArtefactOptions): void {
  const sigma: [number, number, number] = [o.blurSigmaMm, o.blurSigmaMm, o.blurSigmaMm];
  // A slice of thickness T has a profile with a full width at half maximum of about T: sigma = T / 2.355.
  const sliceSigma = o.sliceThicknessMm > 1 ? o.sliceThicknessMm / 2.355 : 0;
  sigma[o.sliceAxis] = Math.hypot(sigma[o.sliceAxis], sliceSigma);
  gaussianBlur(data, grid, sigma);
}

/**
 * Multiplies by a smooth random bias field exp(b), b a sum of low-frequency cosines over the grid, scaled
 * so that b has the standard deviation biasStrength (coil sensitivity varies slowly across the head).
 */
export function applyBiasField(data: Float32Array, grid: Grid, rng: Rng, biasStrength: number): void {
  if (biasStrength <= 0) return;
  const [nx, ny, nz] = grid.dims;
  const MAX_FREQ = 2;
  const table = (n: number) => Array.from({ length: MAX_FREQ + 1 }, (_, f) => Float32Array.from({ length: n }, (_, i) => Math.cos((Math.PI * f * (i + 0.5)) / n)));
  const [cx, cy, cz] = [table(nx), table(ny), table(nz)];
  const terms: { fx: number; fy: number; fz: number; w: number }[] = [];
  for (let fx = 0; fx <= MAX_FREQ; fx++)
    for (let fy = 0; fy <= MAX_FREQ; fy++)
      for (let fz = 0; fz <= MAX_FREQ; fz++) {
        if (fx + fy + fz === 0) continue;
        // Lower frequencies carry more of the field.
        terms.push({ fx, fy, fz, w: rng.normal(0, 1) / (fx + fy + fz) });
      }
  const field = new Float32Array(data.length);
  let sum = 0;
  let sumSq = 0;
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        let b = 0;
        for (const t of terms) b += t.w * cx[t.fx][i] * cy[t.fy][j] * cz[t.fz][k];
        field[v] = b;
        sum += b;
        sumSq += b * b;
      }
  const mean = sum / field.length;
  const sd = Math.sqrt(Math.max(sumSq / field.length - mean * mean, 1e-12));
  for (let w = 0; w < data.length; w++) data[w] *= Math.exp(((field[w] - mean) / sd) * biasStrength);
}

/** Rician noise (magnitude of complex Gaussian noise), only inside `inside`; sigma in image units. */
export function addRicianNoise(data: Float32Array, inside: Uint8Array, rng: Rng, sigma: number): void {
  if (sigma <= 0) return;
  for (let v = 0; v < data.length; v++) {
    if (!inside[v]) continue;
    const re = data[v] + rng.normal(0, sigma);
    const im = rng.normal(0, sigma);
    data[v] = Math.hypot(re, im);
  }
}
