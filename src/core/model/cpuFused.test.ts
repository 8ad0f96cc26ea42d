import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedChannelAffine, fusedPRelu } from './cpuFused.ts';

// The fused PReLU against the composition the importer uses on every other backend, relu(x) - s relu(-x).
const composed = (x: tf.Tensor, s: tf.Tensor | number) => tf.sub(tf.relu(x), tf.mul(typeof s === 'number' ? s : tf.reshape(s, [...new Array(x.rank - s.rank).fill(1), ...s.shape]), tf.relu(tf.neg(x))));

describe('fused PReLU (cpu)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });
  const x = tf.tensor(Float32Array.from({ length: 2 * 3 * 4 * 5 * 2 }, (_, i) => Math.sin(i * 1.7) * 3 + 0.01), [2, 3, 4, 5, 2]);
  const dy = tf.tensor(Float32Array.from({ length: x.size }, (_, i) => Math.cos(i * 0.3)), x.shape);
  const slopes: [string, tf.Tensor | number][] = [
    ['per channel, channels first [3, 1, 1, 1]', tf.tensor([0.1, -0.2, 0.3], [3, 1, 1, 1])],
    ['per channel, channels last [2]', tf.tensor([0.25, 0.5], [2])],
    ['one value [1]', tf.tensor([0.2], [1])],
    ['a number (LeakyRelu)', 0.01],
  ];
  for (const [name, s] of slopes) {
    it(`${name}: the same values and input gradient`, () => {
      const ours = fusedPRelu(x, s)!;
      expect(ours).not.toBeNull();
      expect(Array.from(ours.dataSync())).toEqual(Array.from(composed(x, s).dataSync()));
      const g = (f: (a: tf.Tensor) => tf.Tensor) => Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), dy)))(x).dataSync());
      expect(g((a) => fusedPRelu(a, s)!)).toEqual(g((a) => composed(a, s)));
    });
  }

  it('a hand-worked gradient, x = 0 included (PyTorch\'s convention: the slope side)', () => {
    // the slope made inside the differentiated function: it must live until the gradient runs
    const g = tf.grad((a: tf.Tensor) => tf.sum(fusedPRelu(a, tf.tensor([0.5], [1]))!))(tf.tensor([-2, 0, 3]));
    expect(Array.from(g.dataSync())).toEqual([0.5, 0.5, 1]);
  });

  it('slopes over two axes are left to the composition', () => {
    expect(fusedPRelu(x, tf.ones([4, 5, 1]))).toBeNull();
  });

  it('batch norm\'s per-channel scale and shift: the same values and input gradient as multiply then add', () => {
    const cf = tf.tensor(Float32Array.from({ length: 2 * 3 * 4 * 5 * 2 }, (_, i) => Math.sin(i * 0.37) * 5), [2, 3, 4, 5, 2]);
    const a = tf.tensor([1.5, -0.3, 0.7], [1, 3, 1, 1, 1]), b = tf.tensor([0.1, 2, -4], [1, 3, 1, 1, 1]);
    expect(Array.from(fusedChannelAffine(cf, a, b)!.dataSync())).toEqual(Array.from(tf.add(tf.mul(cf, a), b).dataSync()));
    const g = (f: (v: tf.Tensor) => tf.Tensor) => Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy.reshape(cf.shape))))(cf).dataSync());
    expect(g((v) => fusedChannelAffine(v, a, b)!)).toEqual(g((v) => tf.add(tf.mul(v, a), b)));
  });
});
