import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFastCpuKernels } from './cpuKernels.ts';

// The fast convolutions against tfjs-cpu's own kernels (an independent implementation) on the same
// inputs; sums run in another order, so agreement is to float32 rounding.
const run = (fast: boolean, f: () => tf.Tensor) => {
  setFastCpuKernels(fast);
  const t = f();
  return { shape: t.shape, values: t.dataSync() as Float32Array };
};

const seeded = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.5);
const tensor = (shape: number[], seed: number) => tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('fast cpu conv3d', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });
  afterAll(() => setFastCpuKernels(true));
  const x = tensor([2, 7, 6, 9, 3], 1);
  const cases: [string, () => tf.Tensor][] = [
    ['3x3x3 same, 3 -> 5 channels (not a multiple of 4)', () => tf.conv3d(x as tf.Tensor5D, tensor([3, 3, 3, 3, 5], 2) as tf.Tensor5D, 1, 'same')],
    ['3x3x3 stride 2 same, odd sizes', () => tf.conv3d(x as tf.Tensor5D, tensor([3, 3, 3, 3, 8], 3) as tf.Tensor5D, 2, 'same')],
    ['2x3x2 valid, dilation 2', () => tf.conv3d(x as tf.Tensor5D, tensor([2, 3, 2, 3, 4], 4) as tf.Tensor5D, 1, 'valid', 'NDHWC', 2)],
    ['1x1x1, 3 -> 7', () => tf.conv3d(x as tf.Tensor5D, tensor([1, 1, 1, 3, 7], 5) as tf.Tensor5D, 1, 'valid')],
    ['input gradient of a stride-1 conv', () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, tensor([3, 3, 3, 3, 6], 6) as tf.Tensor5D, 1, 'same'), tensor([2, 7, 6, 9, 6], 7))))(x)],
    ['input gradient of a stride-2 conv', () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, tensor([3, 3, 3, 3, 4], 8) as tf.Tensor5D, 2, 'same'), tensor([2, 4, 3, 5, 4], 9))))(x)],
    ['transposed conv, kernel 2 stride 2', () => tf.conv3dTranspose(tensor([1, 3, 4, 5, 6], 10) as tf.Tensor5D, tensor([2, 2, 2, 4, 6], 11) as tf.Tensor5D, [1, 6, 8, 10, 4], 2, 'valid')],
    ['transposed conv, kernel 3 stride 2 same', () => tf.conv3dTranspose(tensor([1, 3, 4, 5, 6], 12) as tf.Tensor5D, tensor([3, 3, 3, 5, 6], 13) as tf.Tensor5D, [1, 6, 8, 10, 5], 2, 'same')],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      const ours = run(true, f);
      const theirs = run(false, f);
      expect(ours.shape).toEqual(theirs.shape);
      const scale = Math.max(...theirs.values.map(Math.abs));
      expect(scale).toBeGreaterThan(0.1);
      let worst = 0;
      for (let i = 0; i < ours.values.length; i++) worst = Math.max(worst, Math.abs(ours.values[i] - theirs.values[i]));
      expect(worst / scale).toBeLessThan(1e-5);
    });
  }

  it('a hand-worked 1-channel 3x1x1 convolution with zero padding', () => {
    setFastCpuKernels(true);
    const y = tf.conv3d(tf.tensor([1, 2, 3], [1, 3, 1, 1, 1]) as tf.Tensor5D, tf.tensor([10, 100, 1000], [3, 1, 1, 1, 1]) as tf.Tensor5D, 1, 'same');
    // y[z] = 10 x[z-1] + 100 x[z] + 1000 x[z+1]
    expect(Array.from(y.dataSync())).toEqual([100 + 2000, 10 + 200 + 3000, 20 + 300]);
  });
});
