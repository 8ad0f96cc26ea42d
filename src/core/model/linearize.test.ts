// Dag.linearize (max SmoothGrad's path): one kept forward pass, then backward passes that neither re-run the
// convolutions' forward nor depend on one another. Values are checked against PyTorch in onnx/parity.test.ts.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureModel } from '../xai/testing.ts';
import type { DagSegmentationModel } from './dagModel.ts';

const kernelCounts = async (f: () => tf.Tensor) => {
  const info = await tf.profile(() => f());
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
};

describe('one forward pass, many backward passes (tfjs cpu kernels)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('U-Net: a backward pass runs no forward convolution, only the input gradients', async () => {
    const model = (await loadFixtureModel('unet3d')) as DagSegmentationModel;
    const ops = model.traceOps([16, 16, 16]);
    const convs = ops.filter((o) => o.opType === 'Conv').length;
    const transposed = ops.filter((o) => o.opType === 'ConvTranspose').length;
    expect(convs).toBeGreaterThanOrEqual(4);
    const x = tf.randomNormal([1, 16, 16, 16, 2], 0, 1, 'float32', 3) as tf.Tensor5D;
    const target = tf.oneHot(tf.tensor1d([1000], 'int32'), 16 ** 3).reshape([1, 16, 16, 16]) as tf.Tensor4D;
    const viaGrad = await kernelCounts(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(model.lesionLogits(xi as tf.Tensor5D), target)))(x));
    const lin = model.linearizeLesion(x)!;
    const viaLin = await kernelCounts(() => lin.backward(target));
    console.log(convs, transposed, [...viaGrad], [...viaLin]);
    // tfjs names a transposed convolution Conv3DBackpropInputV2 and its adjoint Conv3D.
    // tf.grad: every forward again, then every input gradient; kept: the input gradients only
    expect(viaGrad.get('Conv3D')).toBe(convs + transposed);
    expect(viaGrad.get('Conv3DBackpropInputV2')).toBe(convs + transposed);
    expect(viaLin.get('Conv3D') ?? 0).toBe(transposed);
    expect(viaLin.get('Conv3DBackpropInputV2')).toBe(convs);
    lin.dispose();
    model.dispose();
  });

  it('backward passes of one forward pass are independent of their order, and linear in the target', async () => {
    const model = await loadFixtureModel('dynunet'); // instance norm, LeakyReLU: differentiated node by node
    const x = tf.randomNormal([1, 16, 16, 16, 2], 0, 1, 'float32', 5) as tf.Tensor5D;
    const t1 = tf.randomUniform([1, 16, 16, 16], 0, 1, 'float32', 6) as tf.Tensor4D;
    const t2 = tf.randomUniform([1, 16, 16, 16], -1, 1, 'float32', 7) as tf.Tensor4D;
    model.linearizeLesion!(x)!.dispose(); // the first run converts and caches the weights for the model's life
    const before = tf.memory().numTensors;
    const lin = model.linearizeLesion!(x)!;
    const g1 = lin.backward(t1), g2 = lin.backward(t2), g12 = lin.backward(tf.add(t1, t2) as tf.Tensor4D), g1again = lin.backward(t1);
    expect(Array.from(g1again.dataSync())).toEqual(Array.from(g1.dataSync()));
    const sum = tf.add(g1, g2).dataSync(), both = g12.dataSync();
    let maxDiff = 0, maxRef = 0;
    for (let i = 0; i < both.length; i++) { maxDiff = Math.max(maxDiff, Math.abs(both[i] - sum[i])); maxRef = Math.max(maxRef, Math.abs(both[i])); }
    expect(maxRef).toBeGreaterThan(0);
    expect(maxDiff / maxRef).toBeLessThan(1e-5);
    [g1, g2, g12, g1again].forEach((g) => g.dispose());
    lin.dispose();
    expect(tf.memory().numTensors).toBe(before + 2); // t1 + t2 and g1 + g2, made above
    model.dispose();
  });
});
