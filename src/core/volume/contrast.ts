import { type Volume } from './volume';

/**
 * How T1-like an image's contrast is: the bright end (upper quartile) of the brain 10 to 14 mm deep,
 * mostly white matter, over the bright end of its outer 4 mm, mostly cortex. White matter is clearly
 * brighter than cortex on a T1 / MPRAGE (about 1.15 to 1.5 here) and a little darker on a FLAIR (about
 * 1.0 to 1.15). Both bands are close together, so a smooth bias field (brighter centre) barely moves it.
 * Computed on a ~2 mm subsample. Null when there is too little brain to judge (e.g. a small crop).
 */
export function t1Likeness(vol: Volume): number | null {
  const step = vol.spacingMm.map((s) => Math.max(1, Math.round(2 / s)));
  const dims = vol.dims.map((d, a) => Math.ceil(d / step[a]));
  const [nx, ny, nz] = dims;
  const values = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        values[i + nx * (j + ny * k)] = vol.data[i * step[0] + vol.dims[0] * (j * step[1] + vol.dims[1] * k * step[2])];

  // background: under a tenth of the bright end of the image (CSF on both contrasts stays above it)
  const threshold = 0.1 * quantile(values.filter((x) => x > 0), 0.98);
  if (!(threshold > 0)) return null;
  const depth = depthFromOutside(values, dims, threshold);
  const stepMm = step.reduce((sum, s, a) => sum + s * vol.spacingMm[a], 0) / 3;
  const rim: number[] = [];
  const deep: number[] = [];
  for (let v = 0; v < values.length; v++) {
    const mm = depth[v] * stepMm;
    if (depth[v] <= 0) continue;
    if (mm <= 4) rim.push(values[v]);
    else if (mm >= 10 && mm <= 14) deep.push(values[v]);
  }
  if (rim.length < 100 || deep.length < 100) return null;
  const rimBright = quantile(rim, 0.75);
  return rimBright > 0 ? quantile(deep, 0.75) / rimBright : null;
}

/**
 * Depth of each voxel below the outside of the head, in steps of the grid (0 outside, -1 where no outside
 * is reachable). "Outside" is every voxel under `threshold` connected to the array's border, so dark
 * ventricles and sulci inside the brain are not outside. Two breadth-first passes: flood the outside, then
 * count layers inward (a city-block distance).
 */
function depthFromOutside(values: Float32Array, dims: number[], threshold: number): Int32Array {
  const [nx, ny, nz] = dims;
  const depth = new Int32Array(values.length).fill(-1);
  const queue = new Int32Array(values.length);
  let tail = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const border = i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;
        if (border && values[v] < threshold) {
          depth[v] = 0;
          queue[tail++] = v;
        }
      }
  const strides = [1, nx, nx * ny];
  const visit = (from: number, outsideOnly: boolean) => {
    const at = [from % nx, Math.floor(from / nx) % ny, Math.floor(from / (nx * ny))];
    for (let a = 0; a < 3; a++)
      for (const dir of [-1, 1]) {
        if (at[a] + dir < 0 || at[a] + dir >= dims[a]) continue;
        const u = from + dir * strides[a];
        if (depth[u] >= 0 || (outsideOnly && values[u] >= threshold)) continue;
        depth[u] = outsideOnly ? 0 : depth[from] + 1;
        queue[tail++] = u;
      }
  };
  for (let head = 0; head < tail; head++) visit(queue[head], true);
  // every voxel is queued at most once: the outside first, then each layer inward
  for (let head = 0; head < tail; head++) visit(queue[head], false);
  return depth;
}

function quantile(xs: ArrayLike<number>, q: number): number {
  if (!xs.length) return 0;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** How much more T1-like the FLAIR must look than the MPRAGE before the user is warned. */
export const SWAP_MARGIN = 0.05;

/**
 * A warning (not a refusal) when the contrasts say the two scans were given the wrong roles: the image
 * opened as FLAIR looks more like a T1 than the one opened as MPRAGE. Null when they look right or
 * when either cannot be judged.
 */
export function swappedRolesNotice(flair: Volume, mprage: Volume, flairLabel: string, mprageLabel: string): string | null {
  const f = t1Likeness(flair);
  const m = t1Likeness(mprage);
  if (f === null || m === null || f - m <= SWAP_MARGIN) return null;
  return (
    `${flairLabel} and ${mprageLabel} look swapped: white matter is brighter relative to the cortex in the FLAIR ` +
    `(deep-to-rim ratio ${f.toFixed(2)}) than in the MPRAGE (${m.toFixed(2)}), which is T1 contrast. ` +
    'If the roles are wrong, open the files again and swap their roles in the Assign scans dialog.'
  );
}
