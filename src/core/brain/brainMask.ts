// Brain extraction for scans that come with skull, scalp and neck (the models were trained on brains only).
// Morphological, on the FLAIR: the head is what is brighter than a share of Otsu's threshold; eroding it by a
// few mm cuts the thin bridges between brain and scalp (the skull and the CSF around the brain are dark on
// FLAIR), the largest piece left is the brain, which is grown back inside the head and closed so that the
// dark sulcal CSF at its surface is kept, as the reference masks do. Chosen over a network or a template
// registration because it needs no training data with skulls, no template shipped with the app, and runs on
// every machine in seconds; measured against the open-ms brain masks by scripts/brain-mask-dice.ts.
import { resampleToGrid, squaredDistanceMm2, type Volume } from '../volume';
import { labelComponents } from '../lesions';
import { gridAtSpacing } from '../segment';

export interface BrainMaskOptions {
  /** erosion that separates brain from scalp, mm */
  erodeMm?: number;
  /** the head: voxels above this share of Otsu's threshold (of intensities scaled to their 99.5th percentile) */
  otsuShare?: number;
  /** closing radius that keeps sulcal CSF at the brain's surface, mm */
  closeMm?: number;
  /** a scan whose extracted brain keeps at least this share of its non-zero voxels is taken as skull-stripped already */
  strippedShare?: number;
  /** the morphology runs on a grid at least this coarse (mm) and the mask is brought back: about 3x less work at 1.2 mm than at 0.7 mm */
  workingSpacingMm?: number;
}

export interface BrainMask {
  /** 1 inside the brain, scan grid */
  mask: Uint8Array;
  /** true: the scan was skull-stripped already and the mask is its non-zero voxels (nothing was removed) */
  alreadyStripped: boolean;
  /** share of the scan's non-zero voxels inside the extracted brain */
  keptShare: number;
  volumeMl: number;
  /** drawn or corrected by the user (editMask.ts), not extracted */
  edited?: boolean;
}

/** Otsu's threshold of values in [0, 1] (256 bins): the split that maximises the between-class variance. */
export function otsuThreshold(values: ArrayLike<number>): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) hist[Math.min(bins - 1, Math.floor(values[i] * bins))]++;
  let total = 0;
  let sum = 0;
  for (let b = 0; b < bins; b++) {
    total += hist[b];
    sum += hist[b] * (b + 0.5);
  }
  let w0 = 0;
  let s0 = 0;
  let best = -1;
  let threshold = 0.5;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b];
    s0 += hist[b] * (b + 0.5);
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = (s0 / w0 - (sum - s0) / w1) ** 2 * w0 * w1;
    if (between > best) {
      best = between;
      threshold = (b + 1) / bins;
    }
  }
  return threshold;
}

function percentileOfNonZero(data: Float32Array, q: number): number {
  const step = Math.max(1, Math.floor(data.length / 400000));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) if (data[i] !== 0) sample.push(data[i]);
  sample.sort((a, b) => a - b);
  return sample.length ? sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] : 0;
}

/** Voxels within r mm of `inside` (a dilation), as a mask. */
function within(inside: (i: number) => boolean, v: Pick<Volume, 'dims' | 'spacingMm'>, rMm: number): Uint8Array {
  const d2 = squaredDistanceMm2(inside, v.dims, v.spacingMm);
  const r2 = rMm * rMm + 1e-6;
  return Uint8Array.from(d2, (d) => (d <= r2 ? 1 : 0));
}

/** Holes (background not connected to the volume's border) filled, in 3D or per slice along `sliceAxis`. */
function fillHoles(mask: Uint8Array, dims: readonly [number, number, number], sliceAxis: number | null): Uint8Array {
  const out = mask.slice();
  const [nx, ny] = dims;
  const bg = labelComponents({ dims: [...dims] as [number, number, number] }, (i) => mask[i] === 0, 6);
  if (sliceAxis === null) {
    const border = new Set<number>();
    for (let v = 0; v < mask.length; v++) {
      const q = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      if (bg.labels[v] && q.some((c, a) => c === 0 || c === dims[a] - 1)) border.add(bg.labels[v]);
    }
    for (let v = 0; v < mask.length; v++) if (bg.labels[v] && !border.has(bg.labels[v])) out[v] = 1;
    return out;
  }
  // per slice: label each 2D slice's background (a 1-voxel-thick volume gives 2D connectivity)
  const inPlane = [0, 1, 2].filter((a) => a !== sliceAxis) as [number, number];
  const strides = [1, nx, nx * ny];
  const [na, nb] = [dims[inPlane[0]], dims[inPlane[1]]];
  const slice = new Uint8Array(na * nb);
  for (let s = 0; s < dims[sliceAxis]; s++) {
    const index = (a: number, b: number) => a * strides[inPlane[0]] + b * strides[inPlane[1]] + s * strides[sliceAxis];
    for (let b = 0; b < nb; b++) for (let a = 0; a < na; a++) slice[a + na * b] = mask[index(a, b)];
    const filled = fillHoles(slice, [na, nb, 1], null);
    for (let b = 0; b < nb; b++) for (let a = 0; a < na; a++) if (filled[a + na * b]) out[index(a, b)] = 1;
  }
  return out;
}

/** The brain of a FLAIR with or without skull (see the file's comment), on the FLAIR's grid. */
export function brainMask(flair: Volume, o: BrainMaskOptions = {}): BrainMask {
  // is it skull-stripped already? decided on a coarse 3 mm grid (most scans are, and this costs a fraction of a second)
  const decision = coarseBrainMask(flair, o);
  if (decision.alreadyStripped) return decision;
  return atSpacing(flair, o.workingSpacingMm ?? 1.2, o);
}

/** The brain on a 3 mm grid (a fraction of a second): whether the scan is skull-stripped, and roughly where its brain is. */
export function coarseBrainMask(flair: Volume, o: BrainMaskOptions = {}): BrainMask {
  const b = atSpacing(flair, 3, o);
  return b.alreadyStripped ? { ...b, mask: nonZero(flair.data) } : b;
}

/** The morphology on a grid at least `spacingMm` coarse, the mask brought back to the FLAIR's grid. */
function atSpacing(flair: Volume, spacingMm: number, o: BrainMaskOptions): BrainMask {
  const coarse = gridAtSpacing(flair, flair.spacingMm.map((s) => Math.max(s, spacingMm)) as [number, number, number]);
  if (coarse === flair) return brainMaskOnGrid(flair, o);
  const b = brainMaskOnGrid(resampleToGrid(flair, coarse, 'linear'), o);
  // linear interpolation of the 0/1 mask, cut at one half
  const back = resampleToGrid({ ...coarse, data: Float32Array.from(b.mask) }, flair, 'linear').data;
  const mask = new Uint8Array(back.length);
  for (let i = 0; i < back.length; i++) mask[i] = back[i] >= 0.5 ? 1 : 0;
  return { ...b, mask };
}

function nonZero(data: Float32Array): Uint8Array {
  const mask = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = data[i] !== 0 ? 1 : 0;
  return mask;
}

function brainMaskOnGrid(flair: Volume, o: BrainMaskOptions): BrainMask {
  const erodeMm = o.erodeMm ?? 4.5;
  const otsuShare = o.otsuShare ?? 0.6;
  const closeMm = o.closeMm ?? 6;
  const { data, dims, spacingMm } = flair;
  const n = data.length;
  const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
  // skull-stripped images may be z-scored already (negative values): measure intensities above the minimum
  let min = Infinity;
  for (let i = 0; i < n; i++) if (data[i] !== 0 && data[i] < min) min = data[i];
  const offset = min < 0 ? -min + 1e-3 : 0;
  const shifted = offset ? data.map((v) => (v !== 0 ? v + offset : 0)) : data;
  const hi = percentileOfNonZero(shifted, 0.995) || 1;
  const scaled = Float32Array.from(shifted, (v) => Math.min(1, Math.max(0, v / hi)));
  const tissue: number[] = [];
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 400000))) if (scaled[i] > 0.02) tissue.push(scaled[i]);
  const level = otsuShare * otsuThreshold(tissue);
  const tissue01 = Uint8Array.from(scaled, (v) => (v > level ? 1 : 0));
  const head = fillHoles(tissue01, dims, null);
  // erode the tissue itself (not the filled head, where a skull enclosed by scalp would be filled in):
  // voxels farther than erodeMm from any dark voxel (air, skull, CSF)
  const outside = squaredDistanceMm2((i) => tissue01[i] === 0, dims, spacingMm);
  const r2 = erodeMm * erodeMm;
  const core = labelComponents(flair, (i) => outside[i] > r2, 6);
  let largest = 0;
  for (let id = 1; id <= core.count; id++) if (core.sizes[id] > (core.sizes[largest] ?? 0)) largest = id;
  let mask: Uint8Array;
  if (!largest) mask = head;
  else {
    const grown = within((i) => core.labels[i] === largest, flair, erodeMm);
    for (let i = 0; i < n; i++) grown[i] &= head[i];
    // closing: dilate by closeMm, then erode by closeMm
    const dilated = within((i) => grown[i] === 1, flair, closeMm);
    const closed = within((i) => dilated[i] === 0, flair, closeMm).map((v) => 1 - v);
    // holes per slice along the thickest axis (the acquisition's slices)
    const sliceAxis = [0, 1, 2].reduce((a, b) => (spacingMm[b] > spacingMm[a] ? b : a), 2);
    mask = fillHoles(closed, dims, sliceAxis);
  }
  let nonZeroCount = 0;
  let kept = 0;
  for (let i = 0; i < n; i++)
    if (data[i] !== 0) {
      nonZeroCount++;
      kept += mask[i];
    }
  const keptShare = nonZeroCount ? kept / nonZeroCount : 0;
  if (keptShare >= (o.strippedShare ?? 0.75)) {
    return { mask: nonZero(data), alreadyStripped: true, keptShare, volumeMl: nonZeroCount * voxelMl };
  }
  let inside = 0;
  for (let i = 0; i < n; i++) inside += mask[i];
  return { mask, alreadyStripped: false, keptShare, volumeMl: inside * voxelMl };
}
