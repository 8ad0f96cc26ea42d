// Between the app's volumes (Float32Array, x fastest: index = x + nx * (y + ny * z)) and model
// tensors [batch, z, y, x, channel]. A volume of dims [nx, ny, nz] is, in C order, an array of
// shape [nz, ny, nx], so no voxel reordering is needed, only channel interleaving.
import * as tf from '@tensorflow/tfjs';
import { slice } from './safeOps.ts';

export type DimsXyz = readonly [number, number, number];

/** Channels (e.g. [flair, mprage]) -> input tensor [1, nz, ny, nx, channels]. */
export function volumesToInput(channels: readonly Float32Array[], dimsXyz: DimsXyz): tf.Tensor5D {
  const [nx, ny, nz] = dimsXyz;
  const n = nx * ny * nz;
  const c = channels.length;
  channels.forEach((v, i) => {
    if (v.length !== n) throw new Error(`channel ${i} has ${v.length} voxels, dims [${dimsXyz}] need ${n}`);
  });
  const data = new Float32Array(n * c);
  for (let k = 0; k < c; k++) {
    const src = channels[k];
    for (let v = 0; v < n; v++) data[v * c + k] = src[v];
  }
  return tf.tensor5d(data, [1, nz, ny, nx, c]);
}

/** One channel of [1, nz, ny, nx, k] (or a [1, nz, ny, nx] / [nz, ny, nx] tensor) as a volume
 * Float32Array, x fastest. The tensor is not disposed. */
export async function tensorToVolume(t: tf.Tensor, channel = 0): Promise<Float32Array> {
  if (t.rank === 3 || t.rank === 4) return new Float32Array(await t.data());
  if (t.rank !== 5 || t.shape[0] !== 1) throw new Error(`expected [1, z, y, x, k], got [${t.shape}]`);
  const picked = tf.tidy(() => slice(t, [0, 0, 0, 0, channel], [1, -1, -1, -1, 1]));
  const data = await picked.data();
  picked.dispose();
  return new Float32Array(data);
}
