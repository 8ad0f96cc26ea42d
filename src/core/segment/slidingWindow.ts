/** Fraction shared by neighbouring windows (the paper's 0.25): the segmentation and the explanations of its
 * blended prediction use this one value. */
export const WINDOW_OVERLAP = 0.25;

/** One window: its start voxel on each axis (the window may extend past the volume into zero padding). */
export interface WindowPlacement {
  start: [number, number, number];
}

/**
 * Window starts along one axis: the fewest windows of `size` that cover `length` with at least `overlap`
 * fraction shared between neighbours, spread evenly, first at 0 and last flush with the end.
 */
export function axisStarts(length: number, size: number, overlap: number): number[] {
  if (length <= size) return [0];
  const step = size * (1 - overlap);
  const n = Math.ceil((length - size) / step) + 1;
  const starts: number[] = [];
  for (let w = 0; w < n; w++) starts.push(Math.round((w * (length - size)) / (n - 1)));
  return starts;
}

export function planWindows(dims: [number, number, number], size: [number, number, number], overlap = WINDOW_OVERLAP): WindowPlacement[] {
  const [xs, ys, zs] = [0, 1, 2].map((a) => axisStarts(dims[a], size[a], overlap));
  const out: WindowPlacement[] = [];
  for (const z of zs) for (const y of ys) for (const x of xs) out.push({ start: [x, y, z] });
  return out;
}

/**
 * Gaussian importance of each voxel of a window (sigma = size / 8 per axis, as nnU-Net and MONAI), so that
 * window borders, which see less context, weigh less where windows overlap. x-fastest order.
 */
export function gaussianWeights(size: [number, number, number], sigmaScale = 0.125): Float32Array {
  const axis = size.map((s) => {
    const sigma = s * sigmaScale;
    const c = (s - 1) / 2;
    return Float32Array.from({ length: s }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  });
  const [sx, sy, sz] = size;
  const w = new Float32Array(sx * sy * sz);
  let o = 0;
  for (let k = 0; k < sz; k++) for (let j = 0; j < sy; j++) for (let i = 0; i < sx; i++, o++) w[o] = axis[0][i] * axis[1][j] * axis[2][k];
  return w;
}

/** Copies a window of a multi-channel volume (zero outside) into a new x-fastest array per channel. */
export function extractWindow(
  channels: Float32Array[],
  dims: [number, number, number],
  start: [number, number, number],
  size: [number, number, number],
): Float32Array[] {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = size;
  return channels.map((src) => {
    const out = new Float32Array(sx * sy * sz);
    for (let k = 0; k < sz; k++) {
      const z = start[2] + k;
      if (z >= nz) break;
      for (let j = 0; j < sy; j++) {
        const y = start[1] + j;
        if (y >= ny) break;
        const from = start[0] + nx * (y + ny * z);
        const len = Math.min(sx, nx - start[0]);
        out.set(src.subarray(from, from + len), sx * (j + sy * k));
      }
    }
    return out;
  });
}

/** Accumulates weighted window outputs; `result()` divides by the summed weights. */
export class Blender {
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;
  constructor(private readonly dims: [number, number, number]) {
    const n = dims[0] * dims[1] * dims[2];
    this.sum = new Float32Array(n);
    this.weight = new Float32Array(n);
  }

  add(values: Float32Array, start: [number, number, number], size: [number, number, number], weights: Float32Array): void {
    const [nx, ny, nz] = this.dims;
    const [sx, sy, sz] = size;
    for (let k = 0; k < sz && start[2] + k < nz; k++)
      for (let j = 0; j < sy && start[1] + j < ny; j++) {
        const row = nx * (start[1] + j + ny * (start[2] + k)) + start[0];
        const wRow = sx * (j + sy * k);
        for (let i = 0; i < sx && start[0] + i < nx; i++) {
          const w = weights[wRow + i];
          this.sum[row + i] += w * values[wRow + i];
          this.weight[row + i] += w;
        }
      }
  }

  result(): Float32Array {
    const out = new Float32Array(this.sum.length);
    for (let i = 0; i < out.length; i++) out[i] = this.weight[i] > 0 ? this.sum[i] / this.weight[i] : 0;
    return out;
  }
}
