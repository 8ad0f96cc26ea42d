// THE place where ONNX's channels-first layout meets tfjs's channels-last kernels.
// Strategy: the executor keeps every tensor in ONNX's own layout (NC + spatial), so Reshape,
// Transpose, Gather, Slice... follow the ONNX spec literally. Only the ops whose tfjs kernels are
// channels-last (Conv, ConvTranspose, pools) switch layout around the kernel call, and the model
// wrapper switches the app's channels-last input/output at the boundary.
import * as tf from '@tensorflow/tfjs';

/** [N, C, d1, ..., dk] -> [N, d1, ..., dk, C] */
export function toChannelsLast<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  return tf.transpose(x, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1]) as T;
}

/** [N, d1, ..., dk, C] -> [N, C, d1, ..., dk] */
export function toChannelsFirst<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  return tf.transpose(x, [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]) as T;
}
