import type { Grid } from '../volume';

/** Face (6), face+edge (18, the paper's choice) or face+edge+corner (26) neighbourhood. */
export type Connectivity = 6 | 18 | 26;

export interface Labelling {
  /** 0 = background, 1..count = component id, ordered by first voxel in raster order. */
  labels: Int32Array;
  count: number;
  /** sizes[id] = number of voxels of component id (sizes[0] unused). */
  sizes: number[];
}

/** Neighbour offsets (di, dj, dk) that come earlier in raster order (k slowest, i fastest). */
function backwardOffsets(connectivity: Connectivity): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let dk = -1; dk <= 0; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const earlier = dk < 0 || (dk === 0 && (dj < 0 || (dj === 0 && di < 0)));
        const order = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        const maxOrder = connectivity === 6 ? 1 : connectivity === 18 ? 2 : 3;
        if (earlier && order <= maxOrder) out.push([di, dj, dk]);
      }
  return out;
}

/**
 * Connected components of voxels where `inside(index)` is true: one raster pass with union-find,
 * then a relabelling pass. Linear time; correct at the volume border (no wrap-around).
 */
export function labelComponents(grid: Pick<Grid, 'dims'>, inside: (index: number) => boolean, connectivity: Connectivity = 18): Labelling {
  const [nx, ny, nz] = grid.dims;
  const n = nx * ny * nz;
  const provisional = new Int32Array(n);
  const parent: number[] = [0];
  const find = (a: number) => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const offsets = backwardOffsets(connectivity);
  let idx = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, idx++) {
        if (!inside(idx)) continue;
        let label = 0;
        for (const [di, dj, dk] of offsets) {
          const ii = i + di;
          const jj = j + dj;
          const kk = k + dk;
          if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny) continue;
          const other = provisional[ii + nx * (jj + ny * kk)];
          if (!other) continue;
          if (!label) label = find(other);
          else {
            const a = find(other);
            if (a !== label) {
              // keep the smaller root so ids follow raster order
              if (a < label) parent[label] = a;
              else parent[a] = label;
              label = Math.min(a, label);
            }
          }
        }
        if (!label) {
          label = parent.length;
          parent.push(label);
        }
        provisional[idx] = label;
      }
  const finalId = new Int32Array(parent.length);
  let count = 0;
  const sizes = [0];
  const labels = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const p = provisional[v];
    if (!p) continue;
    const root = find(p);
    if (!finalId[root]) {
      finalId[root] = ++count;
      sizes.push(0);
    }
    const id = finalId[root];
    labels[v] = id;
    sizes[id]++;
  }
  return { labels, count, sizes };
}

/** Drops components of `maxDroppedSize` voxels or fewer and renumbers the rest 1..count in order. */
export function dropSmall(l: Labelling, maxDroppedSize: number): Labelling {
  const newId = new Int32Array(l.count + 1);
  const sizes = [0];
  for (let id = 1; id <= l.count; id++)
    if (l.sizes[id] > maxDroppedSize) {
      newId[id] = sizes.length;
      sizes.push(l.sizes[id]);
    }
  const labels = new Int32Array(l.labels.length);
  for (let v = 0; v < labels.length; v++) labels[v] = newId[l.labels[v]];
  return { labels, count: sizes.length - 1, sizes };
}

/** Lesion instances of a probability map: threshold, components, small ones dropped (method.md). */
export function lesionInstances(
  grid: Pick<Grid, 'dims'>,
  probability: Float32Array,
  threshold: number,
  connectivity: Connectivity = 18,
  maxDroppedSize = 5,
): Labelling {
  return dropSmall(labelComponents(grid, (i) => probability[i] >= threshold, connectivity), maxDroppedSize);
}
