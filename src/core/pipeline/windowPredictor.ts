import * as tf from '@tensorflow/tfjs';
import { lesionProbability, volumesToInput, type SegmentationModel } from '../model';
import type { WindowPredictor } from '../segment';

/** Lesion probability of one window through any SegmentationModel; every tensor is freed before returning. */
export function windowPredictor(model: SegmentationModel): WindowPredictor {
  return async (channels, size) => {
    const x = volumesToInput(channels, size);
    const prob = tf.tidy(() => lesionProbability(model.logits(x), model.manifest.output));
    x.dispose();
    try {
      return new Float32Array(await prob.data());
    } finally {
      prob.dispose();
    }
  };
}
