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
