// Per-lesion quantities of a SmoothGrad result (method.md): peak saliency, FLAIR vs MPRAGE shares,
// mean saliency in shells by signed distance from the lesion border.
import type { PreparedInstance } from './instance.ts';
import { signedDistanceMm } from '../volume/distance.ts';
import type { SaliencyResult } from './smoothGrad.ts';
import { scanRoleOf } from '../model/manifest.ts';

/** Shell of a signed distance (mm): k in 1..: inside |d| in (k-1, k] -> -k; outside d in (k-1, k] -> k.
 * The 1e-6 mm guard makes distances that are whole millimetres up to rounding land in one shell. */
export function shellOf(distanceMm: number): number {
  const k = Math.max(1, Math.ceil(Math.abs(distanceMm) - 1e-6));
  return distanceMm < 0 ? -k : k;
}

export interface ShellMean {
  /** -3..-1 inside, 1..10 outside (see shellOf) */
  shellMm: number;
  voxels: number;
  /** mean map value per channel in the shell (NaN when empty) */
  means: number[];
}

export interface LesionSaliency {
  /** max of the FLAIR map within the instance (method.md "peak saliency"); NaN for a model without FLAIR */
  flairPeak: number;
  /** the same for the T1 channel (MPRAGE or other); NaN for a model without one */
  mpragePeak: number;
  /** max |value| within the instance, all channels */
  maxAbs: number;
  /** share of sum |saliency| per channel, in the model's channel order (sums to 1), within the lesion, and in the
   * ring 0 < d <= radius; [1] for a one-channel model */
  shareLesion: number[];
  shareNeighbourhood: number[];
  /** FLAIR's entries of the two shares (1 for a FLAIR-only model, NaN for a model without FLAIR) */
  flairShareLesion: number;
  flairShareNeighbourhood: number;
  neighbourhoodMm: number;
  shells: ShellMean[];
}

export function shellProfile(maps: readonly Float32Array[], distanceMm: Float32Array, innerMm = 3, outerMm = 10): ShellMean[] {
  const shells = [...Array.from({ length: innerMm }, (_, i) => i - innerMm), ...Array.from({ length: outerMm }, (_, i) => i + 1)];
  const index = new Map(shells.map((s, i) => [s, i]));
  const sums = shells.map(() => new Float64Array(maps.length));
  const counts = new Int32Array(shells.length);
  for (let v = 0; v < distanceMm.length; v++) {
    const i = index.get(shellOf(distanceMm[v]));
    if (i === undefined) continue;
    counts[i]++;
    maps.forEach((m, c) => (sums[i][c] += m[v]));
  }
  return shells.map((shellMm, i) => ({ shellMm, voxels: counts[i], means: Array.from(sums[i], (s) => s / counts[i]) }));
}

function shares(maps: readonly Float32Array[], inside: (v: number) => boolean): number[] {
  const sums = maps.map((m) => {
    let s = 0;
    for (let v = 0; v < m.length; v++) if (inside(v)) s += Math.abs(m[v]);
    return s;
  });
  const total = sums.reduce((a, b) => a + b, 0);
  return sums.map((s) => (total > 0 ? s / total : NaN));
}

/** Max of a map over the lesion voxels; NaN without a map. */
function peakOf(map: Float32Array | undefined, voxels: ArrayLike<number>): number {
  if (!map) return NaN;
  let peak = -Infinity;
  for (let i = 0; i < voxels.length; i++) peak = Math.max(peak, map[voxels[i]]);
  return peak;
}

/** Quantities of a SmoothGrad result computed on `p`'s crop; the FLAIR and T1 maps found by channel name. */
export function lesionSaliency(result: SaliencyResult, p: PreparedInstance, neighbourhoodMm = 5): LesionSaliency {
  const distance = signedDistanceMm(p.lesionMask, p.crop.dims, p.request.spacingMm);
  const mapOf = (role: 'flair' | 'mprage') => result.maps[result.channels.findIndex((c) => scanRoleOf(c) === role)];
  const flair = result.channels.findIndex((c) => scanRoleOf(c) === 'flair');
  let maxAbs = 0;
  for (const v of p.lesionCrop) for (const m of result.maps) maxAbs = Math.max(maxAbs, Math.abs(m[v]));
  const shareLesion = shares(result.maps, (v) => p.lesionMask[v] !== 0);
  const shareNeighbourhood = shares(result.maps, (v) => distance[v] > 0 && distance[v] <= neighbourhoodMm + 1e-6);
  return {
    flairPeak: peakOf(result.maps[flair], p.lesionCrop),
    mpragePeak: peakOf(mapOf('mprage'), p.lesionCrop),
    maxAbs,
    shareLesion,
    shareNeighbourhood,
    flairShareLesion: shareLesion[flair] ?? NaN,
    flairShareNeighbourhood: shareNeighbourhood[flair] ?? NaN,
    neighbourhoodMm,
    shells: shellProfile(result.maps, distance),
  };
}
