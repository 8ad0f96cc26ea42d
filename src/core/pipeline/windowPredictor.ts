import * as tf from '@tensorflow/tfjs';
import { volumesToInput, type SegmentationModel } from '../model';
import type { WindowPredictor } from '../segment';

/** Lesion probability of one window through any SegmentationModel; every tensor is freed before returning. */
export function windowPredictor(model: SegmentationModel): WindowPredictor {
  const { kind, lesionChannel } = model.manifest.output;
  return async (channels, size) => {
    const x = volumesToInput(channels, size);
    const prob = tf.tidy(() => {
      const logits = model.logits(x);
      const p = kind === 'softmax2' ? tf.softmax(logits, -1) : tf.sigmoid(logits);
      return tf.slice(p, [0, 0, 0, 0, kind === 'softmax2' ? lesionChannel : 0], [-1, -1, -1, -1, 1]);
    });
    x.dispose();
    try {
      return new Float32Array(await prob.data());
    } finally {
      prob.dispose();
    }
  };
}
