import { type Volume, makeVolume } from '../volume';

/** The box [start, start + size) of a volume, with the affine moved so each voxel keeps its mm position. */
export function cropVolume(vol: Volume, start: [number, number, number], size: [number, number, number]): Volume {
  const m = [...vol.voxToMm];
  for (let r = 0; r < 3; r++) m[4 * r + 3] += m[4 * r] * start[0] + m[4 * r + 1] * start[1] + m[4 * r + 2] * start[2];
  const out = makeVolume({ dims: size, spacingMm: vol.spacingMm, voxToMm: m });
  const [nx, ny] = vol.dims;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++)
        out.data[i + size[0] * (j + size[1] * k)] = vol.data[start[0] + i + nx * (start[1] + j + ny * (start[2] + k))];
  return out;
}
