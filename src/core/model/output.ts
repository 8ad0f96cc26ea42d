// From a model's logits to the lesion probability, for every output kind of the manifest.
import * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from './manifest.ts';

/** logits [b, z, y, x, k] -> lesion probability [b, z, y, x, 1]: softmax over the k classes (softmax2, softmax)
 * or the sigmoid of the one logit (sigmoid1, and probability models, whose output the models turn into a logit:
 * outputAsLogits), then the lesion class. */
export function lesionProbability(logits: tf.Tensor5D, output: ModelManifest['output']): tf.Tensor5D {
  return tf.tidy(() => {
    if (output.kind === 'sigmoid1' || output.kind === 'probability') return tf.sigmoid(logits);
    const p = tf.softmax(logits, -1);
    return tf.slice(p, [0, 0, 0, 0, output.lesionChannel], [-1, -1, -1, -1, 1]);
  });
}

/** A probability model's output p is clamped to [P_MIN, 1 - P_MIN] before its logit: 1 - p is exact in float32 there,
 * and a saturated voxel (p rounded to 0 or 1) gives a finite logit and a zero gradient, as a sigmoid's would. */
const P_MIN = 1e-6;

/** The model's raw output [b, z, y, x, k] as logits: itself, except for a model that outputs the lesion probability
 * (output.kind 'probability'): log(p / (1 - p)), so that explanations differentiate a logit (method.md) for every
 * kind of model. */
export function outputAsLogits(out: tf.Tensor5D, output: ModelManifest['output']): tf.Tensor5D {
  if (output.kind !== 'probability') return out;
  return tf.tidy(() => {
    const p = tf.clipByValue(out, P_MIN, 1 - P_MIN);
    return tf.sub(tf.log(p), tf.log(tf.sub(1, p)));
  });
}

/** d logit / d p of outputAsLogits at a raw output (1 / (p (1 - p)) inside the clamp, 0 outside), for backward passes
 * that start from a kept raw output; null for the kinds whose output is the logit. */
export function logitSlope(out: tf.Tensor5D, output: ModelManifest['output']): tf.Tensor5D | null {
  if (output.kind !== 'probability') return null;
  return tf.tidy((): tf.Tensor5D => {
    const inside = tf.logicalAnd(tf.greater(out, P_MIN), tf.less(out, 1 - P_MIN));
    return tf.where(inside, tf.div(1, tf.mul(out, tf.sub(1, out))), tf.zerosLike(out)) as tf.Tensor5D;
  });
}
