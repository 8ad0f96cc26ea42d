// Where an explanation is computed: a crop of the volume's model grid. The reference ("uncropped")
// computation is the model run on the whole volume as one window, zero-padded at the high end to a
// multiple of sizeMultiple. A crop equals it exactly when (1) its origin is a multiple of sizeMultiple
// (strided layers then sample the same positions), (2) it never starts below 0 (the model's own zero
// padding must act there, not zero-valued inputs) and ends either inside the volume or at the padded
// end, and (3) it extends past the lesion by at least the receptive field.
export type Xyz = [number, number, number];

export interface Crop {
  /** first voxel of the crop in volume coordinates (x, y, z), a multiple of sizeMultiple, >= 0 */
  origin: Xyz;
  /** crop size in voxels (x, y, z), multiples of sizeMultiple */
  dims: Xyz;
}

/** Inclusive voxel bounding box of volume indices (x fastest). */
export function boundingBox(voxels: ArrayLike<number>, dimsXyz: readonly number[]): { min: Xyz; max: Xyz } {
  const [nx, ny] = dimsXyz;
  const min: Xyz = [Infinity, Infinity, Infinity];
  const max: Xyz = [-1, -1, -1];
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    const p = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], p[a]);
      max[a] = Math.max(max[a], p[a]);
    }
  }
  if (max[0] < 0) throw new Error('empty lesion: no voxels');
  return { min, max };
}

/** The smallest box holding every non-zero voxel of a volume, or null when there is none (a display box: not aligned to a model's size multiple). */
export function nonZeroCrop(data: ArrayLike<number>, dimsXyz: readonly number[]): Crop | null {
  const [nx, ny, nz] = dimsXyz;
  const min: Xyz = [nx, ny, nz];
  const max: Xyz = [-1, -1, -1];
  for (let z = 0, v = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, v++) {
        if (data[v] === 0) continue;
        if (x < min[0]) min[0] = x;
        if (x > max[0]) max[0] = x;
        if (y < min[1]) min[1] = y;
        if (y > max[1]) max[1] = y;
        if (z < min[2]) min[2] = z;
        if (z > max[2]) max[2] = z;
      }
  if (max[0] < 0) return null;
  return { origin: min, dims: [max[0] - min[0] + 1, max[1] - min[1] + 1, max[2] - min[2] + 1] };
}

/** The whole volume as one window (the reference computation). */
export function wholeVolumeCrop(dimsXyz: readonly number[], sizeMultiple: number): Crop {
  return { origin: [0, 0, 0], dims: dimsXyz.map((n) => Math.ceil(n / sizeMultiple) * sizeMultiple) as Xyz };
}

/** Bounding box plus marginVoxels per axis, on the stride grid, clipped to [0, padded end). */
export function planCrop(box: { min: Xyz; max: Xyz }, dimsXyz: readonly number[], marginVoxels: readonly number[], sizeMultiple: number): Crop {
  const m = sizeMultiple;
  const origin = [0, 0, 0] as Xyz;
  const dims = [0, 0, 0] as Xyz;
  for (let a = 0; a < 3; a++) {
    const paddedEnd = Math.ceil(dimsXyz[a] / m) * m;
    const lo = Math.max(0, Math.floor((box.min[a] - marginVoxels[a]) / m) * m);
    const hi = Math.min(paddedEnd, Math.ceil((box.max[a] + 1 + marginVoxels[a]) / m) * m);
    origin[a] = lo;
    dims[a] = hi - lo;
  }
  return { origin, dims };
}

/** A window of fixed size (multiples of sizeMultiple) centred on the box, on the stride grid, inside
 * [0, padded end) where the volume is big enough: for models that are not exactly croppable. */
export function planWindow(box: { min: Xyz; max: Xyz }, dimsXyz: readonly number[], windowXyz: readonly number[], sizeMultiple: number): Crop {
  const m = sizeMultiple;
  const origin = [0, 0, 0] as Xyz;
  const dims = [0, 0, 0] as Xyz;
  for (let a = 0; a < 3; a++) {
    const paddedEnd = Math.ceil(dimsXyz[a] / m) * m;
    const size = Math.min(windowXyz[a], paddedEnd);
    const centre = (box.min[a] + box.max[a] + 1) / 2;
    origin[a] = Math.min(paddedEnd - size, Math.max(0, Math.round((centre - size / 2) / m) * m));
    dims[a] = size;
  }
  return { origin, dims };
}

export function cropVoxelCount(c: Crop): number {
  return c.dims[0] * c.dims[1] * c.dims[2];
}

/** One channel of a volume on the crop grid, zero outside the volume. */
export function cropChannel(src: Float32Array | Int32Array | Uint8Array, dimsXyz: readonly number[], crop: Crop): Float32Array {
  const [nx, ny, nz] = dimsXyz;
  const [cx, cy, cz] = crop.dims;
  const [ox, oy, oz] = crop.origin;
  const out = new Float32Array(cx * cy * cz);
  for (let k = 0; k < cz; k++) {
    const z = oz + k;
    if (z < 0 || z >= nz) continue;
    for (let j = 0; j < cy; j++) {
      const y = oy + j;
      if (y < 0 || y >= ny) continue;
      const x0 = Math.max(0, -ox);
      const x1 = Math.min(cx, nx - ox);
      if (x1 <= x0) continue;
      const from = ox + x0 + nx * (y + ny * z);
      out.set(src.subarray(from, from + x1 - x0), x0 + cx * (j + cy * k));
    }
  }
  return out;
}

/** Input channels on the crop grid (zero beyond the volume). */
export function extractCrop(channels: readonly Float32Array[], dimsXyz: readonly number[], crop: Crop): Float32Array[] {
  return channels.map((c) => cropChannel(c, dimsXyz, crop));
}

/** Volume indices -> crop indices; throws when a voxel lies outside the crop. */
export function toCropIndices(voxels: ArrayLike<number>, dimsXyz: readonly number[], crop: Crop): Int32Array {
  const [nx, ny] = dimsXyz;
  const [cx, cy, cz] = crop.dims;
  const out = new Int32Array(voxels.length);
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    const x = (v % nx) - crop.origin[0];
    const y = (Math.floor(v / nx) % ny) - crop.origin[1];
    const z = Math.floor(v / (nx * ny)) - crop.origin[2];
    if (x < 0 || y < 0 || z < 0 || x >= cx || y >= cy || z >= cz) throw new Error(`voxel ${v} is outside the crop`);
    out[i] = x + cx * (y + cy * z);
  }
  return out;
}

/** A map on the crop grid pasted into a full-size volume (`fill` elsewhere). */
export function pasteCrop(values: Float32Array, crop: Crop, dimsXyz: readonly number[], fill = 0): Float32Array {
  const [nx, ny, nz] = dimsXyz;
  const [cx, cy, cz] = crop.dims;
  const out = new Float32Array(nx * ny * nz).fill(fill);
  for (let k = 0; k < cz; k++) {
    const z = crop.origin[2] + k;
    if (z >= nz) break;
    for (let j = 0; j < cy; j++) {
      const y = crop.origin[1] + j;
      if (y >= ny) break;
      const len = Math.min(cx, nx - crop.origin[0]);
      const from = cx * (j + cy * k);
      out.set(values.subarray(from, from + len), crop.origin[0] + nx * (y + ny * z));
    }
  }
  return out;
}
