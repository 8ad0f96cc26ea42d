/**
 * Z-score over the brain (non-zero voxels), as the paper's preprocessing: background stays 0,
 * which after z-scoring is also the brain mean. Returns a new array; the input is not changed.
 */
export function zscoreNonZero(data: Float32Array): { data: Float32Array; mean: number; std: number } {
  let n = 0;
  let sum = 0;
  for (const v of data)
    if (v !== 0) {
      n++;
      sum += v;
    }
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (const v of data) if (v !== 0) sq += (v - mean) ** 2;
  const std = n > 1 ? Math.sqrt(sq / n) : 1;
  const scale = std > 0 ? 1 / std : 1;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? (data[i] - mean) * scale : 0;
  return { data: out, mean, std };
}

/** The value at quantile q (0..1) of the non-zero voxels (nearest rank on the sorted values). */
function quantileNonZero(sorted: Float32Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] : 0;
}

/**
 * Percentile scaling over the brain (non-zero voxels): the 1st percentile -> 0, the 99th -> 1, linear between and
 * beyond (not clipped, so bright lesions keep their contrast). Background stays 0. A new array.
 */
export function percentileNonZero(data: Float32Array, lowQ = 0.01, highQ = 0.99): { data: Float32Array; low: number; high: number } {
  const sorted = data.filter((v) => v !== 0).sort();
  const low = quantileNonZero(sorted, lowQ);
  const high = quantileNonZero(sorted, highQ);
  const scale = high > low ? 1 / (high - low) : 1;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? (data[i] - low) * scale : 0;
  return { data: out, low, high };
}
