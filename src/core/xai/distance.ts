// Signed Euclidean distance from a lesion's border in mm (anisotropic spacing): outside voxels, the
// distance to the nearest lesion voxel centre (> 0); inside, minus the distance to the nearest
// non-lesion voxel centre (< 0). Exact, by the separable lower-envelope transform (Felzenszwalb and
// Huttenlocher), written from the formula; only voxels of the given grid count.
const FAR = 1e12; // "no feature on this line": far above any squared distance in mm^2, small enough for float64 sums

/** In place along one line: d[i] = min_j (spacing (i - j))^2 + f[j]. */
function envelope1d(f: Float64Array, n: number, spacing: number, v: Int32Array, z: Float64Array, out: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    for (;;) {
      const p = v[k];
      const s = (f[q] + (spacing * q) ** 2 - (f[p] + (spacing * p) ** 2)) / (2 * spacing * (q - p));
      if (s <= z[k] && k > 0) {
        k--;
        continue;
      }
      if (s <= z[k]) {
        v[0] = q; // k = 0 and the new parabola is lower everywhere
        z[1] = Infinity;
        break;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
      break;
    }
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < spacing * q) k++;
    out[q] = (spacing * (q - v[k])) ** 2 + f[v[k]];
  }
}

/** Squared distance (mm^2) of every voxel to the nearest voxel where feature[i] is true. */
export function squaredDistanceMm2(feature: (i: number) => boolean, dimsXyz: readonly number[], spacingMm: readonly number[]): Float64Array {
  const [nx, ny, nz] = dimsXyz;
  const d = new Float64Array(nx * ny * nz);
  for (let i = 0; i < d.length; i++) d[i] = feature(i) ? 0 : FAR;
  const longest = Math.max(nx, ny, nz);
  const f = new Float64Array(longest);
  const out = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = dimsXyz[axis];
    const step = strides[axis];
    const others = [0, 1, 2].filter((a) => a !== axis);
    for (let b = 0; b < dimsXyz[others[1]]; b++)
      for (let a = 0; a < dimsXyz[others[0]]; a++) {
        const base = a * strides[others[0]] + b * strides[others[1]];
        for (let q = 0; q < n; q++) f[q] = d[base + q * step];
        envelope1d(f, n, spacingMm[axis], v, z, out);
        for (let q = 0; q < n; q++) d[base + q * step] = Math.min(out[q], FAR);
      }
  }
  return d;
}

/** Signed distance (mm) from the border of `mask` (non-zero = lesion); see the file comment. */
export function signedDistanceMm(mask: ArrayLike<number>, dimsXyz: readonly number[], spacingMm: readonly number[]): Float32Array {
  const outside = squaredDistanceMm2((i) => mask[i] !== 0, dimsXyz, spacingMm);
  const inside = squaredDistanceMm2((i) => mask[i] === 0, dimsXyz, spacingMm);
  const out = new Float32Array(outside.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] !== 0 ? -Math.sqrt(inside[i]) : Math.sqrt(outside[i]);
  return out;
}
