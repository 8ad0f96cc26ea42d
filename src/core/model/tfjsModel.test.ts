// A tfjs LayersModel through the same SegmentationModel interface.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateManifest } from './manifest.ts';
import { LayersSegmentationModel } from './tfjsModel.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tinyUnet(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, null, 2], name: 'image' });
  const enc = tf.layers.conv3d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'enc' }).apply(input) as tf.SymbolicTensor;
  const mid = tf.layers.conv3d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'mid' }).apply(enc) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([enc, mid]) as tf.SymbolicTensor;
  const out = tf.layers.conv3d({ filters: 2, kernelSize: 1, name: 'logits' }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const manifest = validateManifest({
  name: 'tiny-layers', format: 'tfjs-layers', file: 'model.json', inputChannels: ['FLAIR', 'MPRAGE'], normalisation: 'zscore-brain',
  spacingMm: [1, 1, 1], windowSizeVoxels: [16, 16, 16], sizeMultiple: 2, output: { kind: 'softmax2', lesionChannel: 1 },
  threshold: 0.5, gradCamLayer: 'mid', receptiveFieldVoxels: null, provenance: 'random weights', metrics: {}, intendedUse: 'tests',
});

describe('LayersModel as a SegmentationModel', () => {
  it('logits equal model.predict, and the head reproduces them from the layer activations', async () => {
    tf.setBackend('cpu');
    const keras = tinyUnet();
    const model = LayersSegmentationModel.fromModel(keras, manifest);
    const x = tf.randomNormal([1, 8, 6, 4, 2]) as tf.Tensor5D;
    const ours = model.logits(x);
    const direct = keras.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(ours, direct))).dataSync()[0]).toBeLessThan(1e-6);

    const ah = model.activationsAndHead(x, 'mid');
    expect(ah.activations.shape).toEqual([1, 8, 6, 4, 4]);
    const again = ah.head(ah.activations);
    expect(tf.max(tf.abs(tf.sub(again, ours))).dataSync()[0]).toBeLessThan(1e-6);

    // Gradient w.r.t. the activations against a finite difference of the head.
    const lesion = (a: tf.Tensor) => tf.sum(tf.slice(ah.head(a as tf.Tensor5D), [0, 0, 0, 0, 1], [-1, -1, -1, -1, 1]));
    const g = tf.grad(lesion)(ah.activations);
    const h = 1e-2;
    const bump = tf.tensor5d([h], [1, 1, 1, 1, 1]);
    const e = tf.pad(bump, [[0, 0], [1, 6], [1, 4], [0, 3], [2, 1]]) as tf.Tensor5D;
    const fd = (lesion(tf.add(ah.activations, e) as tf.Tensor5D).dataSync()[0] - lesion(tf.sub(ah.activations, e) as tf.Tensor5D).dataSync()[0]) / (2 * h);
    expect((g.arraySync() as number[][][][][])[0][1][1][0][2]).toBeCloseTo(fd, 3);
    expect(model.layers().map((l) => l.name)).toContain('mid');
    ah.dispose();
    model.dispose();
  });
});
