/** The q-quantile (0..1) of the non-zero voxels, by sorting a strided sample (exact for small volumes). */
export function quantileNonZero(data: Float32Array, q: number, maxSamples = 200_000): number {
  let n = 0;
  for (const v of data) if (v !== 0) n++;
  if (n === 0) return 0;
  const stride = Math.max(1, Math.floor(n / maxSamples));
  const sample: number[] = [];
  let seen = 0;
  for (const v of data)
    if (v !== 0) {
      if (seen % stride === 0) sample.push(v);
      seen++;
    }
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
}

/**
 * A reading window for a brain scan: from 0 to a high quantile of the brain voxels, so that white and grey
 * matter sit mid-grey and only the brightest structures (FLAIR lesions) reach white.
 */
export function defaultWindow(data: Float32Array, upperQuantile = 0.998): { min: number; max: number } {
  return { min: 0, max: quantileNonZero(data, upperQuantile) };
}
