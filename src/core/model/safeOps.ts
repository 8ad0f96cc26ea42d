// Rank-5 safe versions of tfjs ops whose GPU kernels fail for rank 5 in tfjs 4.22:
// - Pad: webgl's packed shader calls lessThan on a 5-vector; webgpu's indexes a vec5 struct.
// - Slice's gradient is a Pad, so slicing a rank-5 tensor broke every gradient through it.
// Both are rebuilt from concat and slice forward kernels, which work at any rank.
import * as tf from '@tensorflow/tfjs';

/** Constant padding as a concatenation. Returns a new tensor. */
export function padConstant(x: tf.Tensor, pads: [number, number][], value = 0): tf.Tensor {
  let y = x;
  pads.forEach(([before, after], axis) => {
    if (!before && !after) return;
    const parts: tf.Tensor[] = [];
    const side = (n: number) => tf.fill(y.shape.map((d, i) => (i === axis ? n : d)), value, y.dtype);
    if (before) parts.push(side(before));
    parts.push(y);
    if (after) parts.push(side(after));
    y = tf.concat(parts, axis);
  });
  return y === x ? tf.clone(x) : y;
}

/** tf.slice whose gradient pads by concatenation. size -1 = to the end. */
export function slice(x: tf.Tensor, begin: number[], size: number[]): tf.Tensor {
  const sizes = size.map((s, i) => (s === -1 ? x.shape[i] - begin[i] : s));
  if (sizes.every((s, i) => s === x.shape[i])) return tf.clone(x);
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.slice(input, begin, sizes),
    gradFunc: (dy: tf.Tensor) =>
      padConstant(dy, begin.map((b, i): [number, number] => [b, input.shape[i] - b - sizes[i]])),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as (t: tf.Tensor) => tf.Tensor)(x);
}
