import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFastCpuKernels } from './cpuKernels.ts';

// The fast kernels must give tfjs's own results exactly: compare both on the same inputs.
const run = (fast: boolean, f: () => tf.Tensor | tf.Tensor[]) => {
  setFastCpuKernels(fast);
  const out = f();
  return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
};

describe('fast cpu kernels', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });
  afterAll(() => setFastCpuKernels(true));
  const x = tf.tensor(Float32Array.from({ length: 2 * 3 * 4 * 5 * 6 }, (_, i) => i * 0.5 - 7), [2, 3, 4, 5, 6]);
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ['slice 5D inner box', () => tf.slice(x, [1, 1, 0, 2, 1], [1, 2, 3, 2, 4])],
    ['slice to the end', () => tf.slice(x, [0, 2, 1, 0, 3], [-1, -1, -1, -1, -1])],
    ['slice int32', () => tf.slice(tf.cast(x, 'int32'), [0, 1, 1, 1, 1], [2, 1, 2, 3, 2])],
    ['split spatial axis', () => tf.split(x, [1, 2, 1], 2)],
    ['split channels', () => tf.split(x, [2, 4], 4)],
    ['transpose channels first -> last', () => tf.transpose(x, [0, 2, 3, 4, 1])],
    ['transpose channels last -> first', () => tf.transpose(x, [0, 4, 1, 2, 3])],
    ['transpose 2D', () => tf.transpose(tf.reshape(x, [24, 30]))],
    ['transpose two channels last (the model input)', () => tf.transpose(tf.reshape(x, [2, 2, 9, 5, 4]), [0, 2, 3, 4, 1])],
    ['one channel of two (a slice of a short last axis)', () => tf.slice(tf.reshape(x, [2, 3, 4, 15, 2]), [0, 0, 0, 0, 1], [-1, -1, -1, -1, 1])],
    ['concat along the last axis, blocks of one', () => tf.concat([tf.slice(x, [0, 0, 0, 0, 0], [-1, -1, -1, -1, 1]), tf.slice(x, [0, 0, 0, 0, 3], [-1, -1, -1, -1, 1])], 4)],
    ['concat along channels first, three parts', () => tf.concat([x, tf.mul(x, 2), tf.slice(x, [0, 1, 0, 0, 0], [-1, 1, -1, -1, -1])], 1)],
    ['sum of everything', () => tf.sum(x)],
    ['softmax over two channels (the segmentation head)', () => tf.softmax(tf.reshape(x, [2, 3, 4, 15, 2]))],
    ['softmax over six, large logits', () => tf.softmax(tf.mul(x, 40))],
    ['sum over spatial axes, kept', () => tf.sum(x, [1, 3], true)],
    ['add per channel (channels first)', () => tf.add(x, tf.tensor([1.5, -2, 3], [1, 3, 1, 1, 1]))],
    ['subtract a mean over the spatial axes', () => tf.sub(x, tf.mean(x, [2, 3, 4], true))],
    ['multiply by a scalar', () => tf.mul(x, tf.scalar(0.01))],
    ['multiply, lower rank on the right', () => tf.mul(x, tf.reshape(tf.range(1, 31), [5, 6]))],
    ['both sides broadcast', () => tf.add(tf.reshape(tf.range(0, 48), [2, 1, 4, 1, 6]), tf.reshape(tf.range(0, 15), [3, 1, 5, 1]))],
    ['divide with zeros (inf, nan)', () => tf.div(x, tf.tensor([0, 1, -2, 0, 3, 0.5], [6]))],
    ['equal shapes', () => tf.sub(x, tf.square(x))],
    ['int32 stays tfjs', () => tf.add(tf.cast(x, 'int32'), tf.scalar(3, 'int32'))],
    ['relu with -0, NaN and infinities', () => tf.relu(tf.tensor([-0, 0, -1.5, 2, NaN, -Infinity, Infinity]))],
    ['relu 5D', () => tf.relu(x)],
    ['neg', () => tf.neg(tf.tensor([-0, 0, -1.5, 2, NaN, -Infinity]))],
    ['step (relu gradient)', () => tf.step(tf.tensor([-0, 0, -1.5, 2, NaN, Infinity]), 0.25)],
    ['leaky relu as the importer builds it, and its gradient', () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.sub(tf.relu(a), tf.mul(tf.relu(tf.neg(a)), 0.01)), tf.sin(a))))(x)],
    ['mean over the spatial axes (instance norm, channels first)', () => tf.mean(tf.mul(x, 1.37), [2, 3, 4], true)],
    ['mean over the channels (layer norm, channels last)', () => tf.mean(tf.mul(x, 0.71), -1, true)],
    ['mean over axes that are not innermost', () => tf.mean(tf.mul(x, 0.93), [1, 3])],
    ['mean of everything', () => tf.mean(tf.mul(x, 1.1))],
    ['mean gradient', () => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.sub(a, tf.mean(a, [2, 3, 4], true)))))(x)],
    ['int32 mean stays tfjs', () => tf.mean(tf.cast(x, 'int32'), [1, 2])],
    ['concat gradient', () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, tf.square(a)], 3), 1.5)))(x)],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      expect(run(true, f)).toEqual(run(false, f));
    });
  }
});
