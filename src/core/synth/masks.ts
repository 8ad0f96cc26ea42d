import { distanceToMaskMm } from '../volume';

/** Neighbour offsets (di, dj, dk) sharing a face (6) or a face or an edge (18) with a voxel. */
export function neighbourOffsets(connectivity: 6 | 18): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const steps = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (steps === 1 || (connectivity === 18 && steps === 2)) out.push([di, dj, dk]);
      }
  return out;
}

/**
 * Connected components with 6-connectivity (faces) or 18 (faces and edges, the paper's lesion instances).
 * Labels start at 1; sizes[label] is the voxel count.
 */
export function labelComponents(mask: Uint8Array, dims: readonly number[], connectivity: 6 | 18 = 6): { labels: Int32Array; sizes: number[] } {
  const offsets = neighbourOffsets(connectivity);
  const [nx, ny, nz] = dims;
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const stack = new Int32Array(mask.length);
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || labels[seed]) continue;
    const label = sizes.length;
    let top = 0;
    let size = 0;
    stack[top++] = seed;
    labels[seed] = label;
    while (top > 0) {
      const v = stack[--top];
      size++;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      for (const [di, dj, dk] of offsets) {
        const [ii, jj, kk] = [i + di, j + dj, k + dk];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
        const w = ii + nx * (jj + ny * kk);
        if (mask[w] && !labels[w]) {
          labels[w] = label;
          stack[top++] = w;
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Morphological closing with a ball (dilate, then erode), through distance maps. */
export function closeMask(mask: Uint8Array, dims: readonly number[], spacingMm: readonly number[], radiusMm: number): Uint8Array {
  const toMask = distanceToMaskMm(mask, dims, spacingMm);
  const outside = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) outside[v] = toMask[v] > radiusMm ? 1 : 0;
  const toOutside = distanceToMaskMm(outside, dims, spacingMm);
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) out[v] = toOutside[v] > radiusMm ? 1 : 0;
  return out;
}

/** Sets every background voxel that cannot reach the grid border (a hole, such as a ventricle). */
export function fillHoles(mask: Uint8Array, dims: readonly number[]): Uint8Array {
  const [nx, ny, nz] = dims;
  const background = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) background[v] = mask[v] ? 0 : 1;
  const { labels } = labelComponents(background, dims);
  const reachesBorder = new Set<number>();
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1) continue;
        const l = labels[i + nx * (j + ny * k)];
        if (l) reachesBorder.add(l);
      }
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) out[v] = mask[v] || !reachesBorder.has(labels[v]) ? 1 : 0;
  return out;
}
