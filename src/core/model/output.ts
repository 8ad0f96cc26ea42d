// From a model's logits to the lesion probability, for every output kind of the manifest.
import * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from './manifest.ts';

/** logits [b, z, y, x, k] -> lesion probability [b, z, y, x, 1]: softmax over the k classes (softmax2, softmax)
 * or the sigmoid of the one logit (sigmoid1), then the lesion class. */
export function lesionProbability(logits: tf.Tensor5D, output: ModelManifest['output']): tf.Tensor5D {
  return tf.tidy(() => {
    if (output.kind === 'sigmoid1') return tf.sigmoid(logits);
    const p = tf.softmax(logits, -1);
    return tf.slice(p, [0, 0, 0, 0, output.lesionChannel], [-1, -1, -1, -1, 1]);
  });
}
