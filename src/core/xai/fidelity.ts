// How close an approximate map (fast crop) is to the exact one, near the lesion.
import type { Crop } from './crop.ts';
import { pasteCrop } from './crop.ts';

export interface Fidelity {
  /** Pearson correlation over the compared voxels */
  correlation: number;
  /** max |approx - exact| / max |exact| over the compared voxels */
  relativeError: number;
  voxels: number;
}

/** Compares two maps on their crops where `region(volumeIndex)` is true (e.g. within 5 mm of the lesion). */
export function compareMaps(exact: Float32Array, exactCrop: Crop, approx: Float32Array, approxCrop: Crop, dimsXyz: readonly number[], region: (v: number) => boolean): Fidelity {
  const a = pasteCrop(exact, exactCrop, dimsXyz, NaN);
  const b = pasteCrop(approx, approxCrop, dimsXyz, NaN);
  let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, maxDiff = 0, maxRef = 0;
  for (let v = 0; v < a.length; v++) {
    if (!region(v) || Number.isNaN(a[v])) continue;
    const y = Number.isNaN(b[v]) ? 0 : b[v]; // outside the fast crop the approximate map is 0
    n++; sa += a[v]; sb += y; saa += a[v] * a[v]; sbb += y * y; sab += a[v] * y;
    maxDiff = Math.max(maxDiff, Math.abs(a[v] - y));
    maxRef = Math.max(maxRef, Math.abs(a[v]));
  }
  const cov = sab / n - (sa / n) * (sb / n);
  const correlation = cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
  return { correlation, relativeError: maxDiff / (maxRef || 1), voxels: n };
}
