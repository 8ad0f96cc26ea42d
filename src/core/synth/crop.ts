import { type Volume, makeVolume, subGrid } from '../volume';

/** The box [start, start + size) of a volume, with the affine moved so each voxel keeps its mm position. */
export function cropVolume(vol: Volume, start: [number, number, number], size: [number, number, number]): Volume {
  const out = makeVolume(subGrid(vol, start, size));
  const [nx, ny] = vol.dims;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++)
        out.data[i + size[0] * (j + size[1] * k)] = vol.data[start[0] + i + nx * (start[1] + j + ny * (start[2] + k))];
  return out;
}
