import { type Grid, type Volume, makeVolume } from './volume';
import { invert4, multiply4 } from './affine';

export type Interpolation = 'linear' | 'nearest';

/**
 * Resamples `src` onto `target`'s grid through both voxel-to-mm affines: each target voxel takes the
 * value of `src` at the same millimetre position. Trilinear for images, nearest for masks and labels.
 * Positions outside `src` get `outside` (0: background after skull stripping).
 */
export function resampleToGrid(src: Volume, target: Grid, mode: Interpolation, outside = 0): Volume {
  const out = makeVolume(target);
  // target voxel -> mm -> src voxel, as one matrix
  const m = multiply4(invert4(src.voxToMm), target.voxToMm);
  const [nx, ny, nz] = target.dims;
  const [sx, sy, sz] = src.dims;
  const s = src.data;
  const sample = mode === 'nearest' ? nearest : trilinear;
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      // position of voxel (0, j, k) in src voxel space, then step by the first column along i
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < nx; i++, o++) {
        out.data[o] = sample(s, sx, sy, sz, x, y, z, outside);
        x += m[0];
        y += m[4];
        z += m[8];
      }
    }
  return out;
}

// Half a voxel of tolerance at the border so that grids sharing an edge do not lose their last slice.
const EDGE = 1e-4;

function nearest(s: Float32Array, sx: number, sy: number, sz: number, x: number, y: number, z: number, outside: number) {
  const i = Math.round(x);
  const j = Math.round(y);
  const k = Math.round(z);
  if (i < 0 || j < 0 || k < 0 || i >= sx || j >= sy || k >= sz) return outside;
  return s[i + sx * (j + sy * k)];
}

function trilinear(s: Float32Array, sx: number, sy: number, sz: number, x: number, y: number, z: number, outside: number) {
  if (x < -EDGE || y < -EDGE || z < -EDGE || x > sx - 1 + EDGE || y > sy - 1 + EDGE || z > sz - 1 + EDGE) return outside;
  // clamp so that the 2x2x2 neighbourhood stays inside
  const i0 = Math.min(Math.max(Math.floor(x), 0), Math.max(sx - 2, 0));
  const j0 = Math.min(Math.max(Math.floor(y), 0), Math.max(sy - 2, 0));
  const k0 = Math.min(Math.max(Math.floor(z), 0), Math.max(sz - 2, 0));
  const fx = Math.min(Math.max(x - i0, 0), 1);
  const fy = Math.min(Math.max(y - j0, 0), 1);
  const fz = Math.min(Math.max(z - k0, 0), 1);
  const i1 = Math.min(i0 + 1, sx - 1);
  const j1 = Math.min(j0 + 1, sy - 1);
  const k1 = Math.min(k0 + 1, sz - 1);
  // plain index arithmetic, no closure: this runs once per voxel of the target grid
  const r00 = sx * (j0 + sy * k0);
  const r10 = sx * (j1 + sy * k0);
  const r01 = sx * (j0 + sy * k1);
  const r11 = sx * (j1 + sy * k1);
  const c00 = s[i0 + r00] * (1 - fx) + s[i1 + r00] * fx;
  const c10 = s[i0 + r10] * (1 - fx) + s[i1 + r10] * fx;
  const c01 = s[i0 + r01] * (1 - fx) + s[i1 + r01] * fx;
  const c11 = s[i0 + r11] * (1 - fx) + s[i1 + r11] * fx;
  const c0 = c00 * (1 - fy) + c10 * fy;
  const c1 = c01 * (1 - fy) + c11 * fy;
  return c0 * (1 - fz) + c1 * fz;
}
