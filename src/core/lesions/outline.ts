import type { Grid } from '../volume';

/**
 * Border voxels of a label map: a labelled voxel with a face neighbour of another label (or the volume
 * edge). Keeps the label id, so each outline has its lesion's colour.
 */
export function outlineOf(grid: Pick<Grid, 'dims'>, labels: Int32Array): Int32Array {
  const [nx, ny, nz] = grid.dims;
  const out = new Int32Array(labels.length);
  const sxy = nx * ny;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * j + sxy * k;
        const id = labels[v];
        if (!id) continue;
        const border =
          i === 0 || i === nx - 1 || j === 0 || j === ny - 1 || k === 0 || k === nz - 1 ||
          labels[v - 1] !== id || labels[v + 1] !== id || labels[v - nx] !== id || labels[v + nx] !== id ||
          labels[v - sxy] !== id || labels[v + sxy] !== id;
        if (border) out[v] = id;
      }
  return out;
}

/**
 * The voxels just outside lesion `id`: not in it, with a face neighbour in it. Drawn instead of its border while
 * its saliency map is shown, so the outline does not cover the map inside the lesion.
 */
export function outerRing(grid: Pick<Grid, 'dims'>, labels: Int32Array, id: number): Uint8Array {
  const [nx, ny, nz] = grid.dims;
  const out = new Uint8Array(labels.length);
  const sxy = nx * ny;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * j + sxy * k;
        if (labels[v] === id) continue;
        out[v] = Number(
          (i > 0 && labels[v - 1] === id) || (i < nx - 1 && labels[v + 1] === id) ||
          (j > 0 && labels[v - nx] === id) || (j < ny - 1 && labels[v + nx] === id) ||
          (k > 0 && labels[v - sxy] === id) || (k < nz - 1 && labels[v + sxy] === id),
        );
      }
  return out;
}

/**
 * The lesion at or nearest to a voxel, within `radiusVox` voxels (Euclidean, in voxel units), or 0.
 * A click that lands just beside a small lesion still selects it.
 */
export function lesionNear(grid: Pick<Grid, 'dims'>, labels: Int32Array, vox: [number, number, number], radiusVox = 2): number {
  const [nx, ny, nz] = grid.dims;
  let best = 0;
  let bestD2 = Infinity;
  const r = Math.ceil(radiusVox);
  for (let dk = -r; dk <= r; dk++)
    for (let dj = -r; dj <= r; dj++)
      for (let di = -r; di <= r; di++) {
        const d2 = di * di + dj * dj + dk * dk;
        if (d2 > radiusVox * radiusVox || d2 >= bestD2) continue;
        const i = vox[0] + di;
        const j = vox[1] + dj;
        const k = vox[2] + dk;
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
        const id = labels[i + nx * (j + ny * k)];
        if (id) {
          best = id;
          bestD2 = d2;
        }
      }
  return best;
}
