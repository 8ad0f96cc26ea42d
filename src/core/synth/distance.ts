/**
 * Exact Euclidean distance transform (separable lower envelope of parabolas, Felzenszwalb and
 * Huttenlocher 2012), in millimetres: for every voxel, the distance to the nearest voxel where
 * `mask` is set (0 on the mask). Used to place lesions relative to the ventricles and the cortex.
 */
export function distanceToMaskMm(mask: Uint8Array, dims: readonly number[], spacingMm: readonly number[]): Float32Array {
  const [nx, ny, nz] = dims;
  const squared = new Float64Array(nx * ny * nz);
  for (let v = 0; v < squared.length; v++) squared[v] = mask[v] ? 0 : Infinity;
  const longest = Math.max(nx, ny, nz);
  const line = new Float64Array(longest);
  const result = new Float64Array(longest);
  const work = { sites: new Int32Array(longest), bounds: new Float64Array(longest + 1) };
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = dims[axis];
    const stride = strides[axis];
    const others = [0, 1, 2].filter((a) => a !== axis);
    const [na, nb] = [dims[others[0]], dims[others[1]]];
    const [sa, sb] = [strides[others[0]], strides[others[1]]];
    for (let b = 0; b < nb; b++)
      for (let a = 0; a < na; a++) {
        const start = a * sa + b * sb;
        for (let p = 0; p < n; p++) line[p] = squared[start + p * stride];
        envelope1d(line, n, spacingMm[axis], result, work);
        for (let p = 0; p < n; p++) squared[start + p * stride] = result[p];
      }
  }
  const out = new Float32Array(squared.length);
  for (let v = 0; v < out.length; v++) out[v] = Math.sqrt(squared[v]);
  return out;
}

/** d(p) = min over q of (stepMm (p - q))^2 + f(q); infinite f(q) are never a minimum and are skipped. */
function envelope1d(
  f: Float64Array,
  n: number,
  stepMm: number,
  out: Float64Array,
  work: { sites: Int32Array; bounds: Float64Array },
): void {
  const { sites, bounds } = work;
  let k = -1; // index of the rightmost parabola in the envelope
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    const xq = q * stepMm;
    let from = -Infinity;
    while (k >= 0) {
      const xv = sites[k] * stepMm;
      // where the parabola at q starts to lie below the one at sites[k]
      from = (f[q] + xq * xq - (f[sites[k]] + xv * xv)) / (2 * (xq - xv));
      if (from > bounds[k]) break;
      k--;
    }
    if (k < 0) from = -Infinity;
    k++;
    sites[k] = q;
    bounds[k] = from;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  let j = 0;
  for (let p = 0; p < n; p++) {
    const x = p * stepMm;
    while (j < k && bounds[j + 1] < x) j++;
    const d = x - sites[j] * stepMm;
    out[p] = d * d + f[sites[j]];
  }
}
