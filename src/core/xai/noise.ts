// Noise for SmoothGrad. The seeded source is counter-based: the value at (seed, sample, channel,
// voxel x, y, z of the volume) is a pure function of those numbers, so a crop draws exactly the noise
// the whole volume would, and a result is reproduced from its seed alone, whatever the crop or batch.
import { cropChannel, type Crop } from './crop.ts';

/** Noise of one sample for one channel on the crop grid (x fastest). */
export type NoiseSource = (sample: number, channel: number, crop: Crop) => Float32Array;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash(seed: number, values: number[]): number {
  let h = mix(seed + 0x9e3779b9);
  for (const v of values) h = mix((h ^ v) + 0x9e3779b9);
  return h;
}

/** Standard normal value for the given counters (Box-Muller on two hashed uniforms in (0, 1)). */
export function gaussianAt(seed: number, sample: number, channel: number, x: number, y: number, z: number): number {
  const u1 = (hash(seed, [sample, channel, x, y, z, 1]) + 0.5) / 4294967296;
  const u2 = (hash(seed, [sample, channel, x, y, z, 2]) + 0.5) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Normal(0, sigma^2) noise from a seed, indexed by volume coordinates (see above). The values are
 * gaussianAt's; the hash chain (seed, sample, channel, x, y, z, k) is shared along its prefix, so
 * a voxel costs 3 mixes instead of 2 x 7 and no arrays (1.3-1.9x faster: bench/noise-speed.ts). This
 * host work per sample can exceed a GPU's gradient of the crop (docs/performance.md). */
export function seededNoise(seed: number, sigma: number): NoiseSource {
  return (sample, channel, crop) => {
    const [nx, ny, nz] = crop.dims;
    const [ox, oy, oz] = crop.origin;
    const step = (h: number, v: number) => mix((h ^ v) + 0x9e3779b9);
    const prefix = step(step(mix(seed + 0x9e3779b9), sample), channel);
    const xy = new Uint32Array(nx * ny); // hash after (.., x, y) for every row start
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) xy[x + nx * y] = step(step(prefix, ox + x), oy + y);
    const out = new Float32Array(nx * ny * nz);
    let i = 0;
    for (let z = 0; z < nz; z++) {
      for (let j = 0; j < nx * ny; j++, i++) {
        const h = step(xy[j], oz + z);
        const u1 = (step(h, 1) + 0.5) / 4294967296;
        const u2 = (step(h, 2) + 0.5) / 4294967296;
        out[i] = sigma * (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
      }
    }
    return out;
  };
}

/** Caller-supplied noise, e.g. the noise a PyTorch reference used: noise[sample][channel] on the
 * volume grid of `dimsXyz` (x fastest); cropped like the input (zero beyond the volume). */
export function suppliedNoise(noise: Float32Array[][], dimsXyz: [number, number, number]): NoiseSource {
  return (sample, channel, crop) => {
    if (!noise[sample]) throw new Error(`supplied noise has ${noise.length} samples, sample ${sample} asked`);
    return cropChannel(noise[sample][channel], dimsXyz, crop);
  };
}
