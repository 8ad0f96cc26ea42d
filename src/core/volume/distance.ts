// Exact Euclidean distance transforms in millimetres (anisotropic spacing), by the separable lower
// envelope of parabolas (Felzenszwalb and Huttenlocher 2012), written from the formula. Distances are
// between voxel centres of the given grid. Used to place synthetic lesions (ventricles, cortex) and
// for the shells around a lesion's border in the explanations.

/** Squared distance (mm^2) of every voxel to the nearest voxel where feature(i) holds; Infinity when none does. */
export function squaredDistanceMm2(feature: (i: number) => boolean, dims: readonly number[], spacingMm: readonly number[]): Float64Array {
  const [nx, ny, nz] = dims;
  const squared = new Float64Array(nx * ny * nz);
  for (let v = 0; v < squared.length; v++) squared[v] = feature(v) ? 0 : Infinity;
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
  return squared;
}

/** Distance (mm) of every voxel to the nearest voxel where `mask` is set (0 on the mask; Infinity for an empty mask). */
export function distanceToMaskMm(mask: ArrayLike<number>, dims: readonly number[], spacingMm: readonly number[]): Float32Array {
  const squared = squaredDistanceMm2((v) => mask[v] !== 0, dims, spacingMm);
  const out = new Float32Array(squared.length);
  for (let v = 0; v < out.length; v++) out[v] = Math.sqrt(squared[v]);
  return out;
}

/** Caps the distance where one side is empty (a mask that fills its grid): 1e6 mm, far beyond any shell, never Infinity. */
const FAR_MM2 = 1e12;

/**
 * Signed distance (mm) from the border of `mask` (non-zero = lesion): outside voxels, the distance to the
 * nearest lesion voxel centre (> 0); inside, minus the distance to the nearest non-lesion voxel centre (< 0).
 */
export function signedDistanceMm(mask: ArrayLike<number>, dims: readonly number[], spacingMm: readonly number[]): Float32Array {
  const outside = squaredDistanceMm2((i) => mask[i] !== 0, dims, spacingMm);
  const inside = squaredDistanceMm2((i) => mask[i] === 0, dims, spacingMm);
  const out = new Float32Array(outside.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] !== 0 ? -Math.sqrt(Math.min(inside[i], FAR_MM2)) : Math.sqrt(Math.min(outside[i], FAR_MM2));
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
