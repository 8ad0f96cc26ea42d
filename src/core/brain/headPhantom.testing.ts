// A head drawn by hand, for tests (unit and browser): a brain ellipsoid (tissue 0.7-0.9 with darker CSF in the
// middle), a dark CSF and skull layer around it (4 mm), bright scalp (5 mm) and air outside.
import { gridFromAffine, type Volume } from '../volume';

export interface HeadPhantomOptions {
  dims?: [number, number, number];
  spacingMm?: number;
  /** the brain ellipsoid's semi-axes, mm */
  brainRadiiMm?: [number, number, number];
  withSkull?: boolean;
}

export function headPhantom(o: HeadPhantomOptions = {}): { volume: Volume; brain: Uint8Array } {
  const { dims = [80, 96, 80], spacingMm: s = 1.5, brainRadiiMm: [ra, rb, rc] = [48, 60, 40], withSkull = true } = o;
  const [nx, ny, nz] = dims;
  const [cx, cy, cz] = [(s * nx) / 2, (s * ny) / 2, (s * nz) / 2];
  const grid = gridFromAffine(dims, [s, 0, 0, -cx, 0, s, 0, -cy, 0, 0, s, -cz, 0, 0, 0, 1]);
  const data = new Float32Array(nx * ny * nz);
  const brain = new Uint8Array(data.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const [x, y, z] = [s * i - cx, s * j - cy, s * k - cz];
        const r = Math.hypot(x / ra, y / rb, z / rc);
        const v = i + nx * (j + ny * k);
        const mm = (r - 1) * ((ra + rb + rc) / 3); // roughly mm outside the brain's surface
        if (r <= 1) {
          brain[v] = 1;
          data[v] = r < 0.25 ? 0.3 : 0.7 + 0.2 * Math.sin(x / 7) * Math.cos(y / 9);
        } else if (withSkull && mm <= 4) data[v] = 0.08;
        else if (withSkull && mm <= 9) data[v] = 1.0;
      }
  return { volume: { ...grid, data }, brain };
}
