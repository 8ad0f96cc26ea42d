// Pointwise and reduction kernels for the instance-norm models (DynUNet, Swin UNETR) on the cpu backend.
// Their LeakyRelu is relu(x) - a relu(-x) (Relu, Neg, and Step in the gradient) and every instance or layer
// norm takes two Means; tfjs-cpu runs each element through a callback (Relu, Step), a broadcasting multiply
// by -1 (Neg) or a cast, a division and a sum into new tensors (Mean). Profile of one Swin UNETR window
// (96^3): Mean 10 %, Relu 5 %, Neg 2.5 % of forward time (bench/kernel-profile.ts).
// Each returns tfjs's own result bit for bit (cpuKernels.test.ts compares them).
import { backend_util, util } from '@tensorflow/tfjs';
import { outputArray } from './cpuArrays.ts';
import { stridedCopy } from './cpuStrided.ts';

/** max(0, x) as Math.max does it: NaN stays NaN, -0 becomes +0. */
export function relu(x: Float32Array): Float32Array {
  const out = outputArray(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return out;
}

export function neg(x: Float32Array): Float32Array {
  const out = outputArray(x.length);
  for (let i = 0; i < x.length; i++) out[i] = -x[i];
  return out;
}

/** 1 where x > 0, alpha elsewhere, NaN where x is NaN (the derivative of relu-like functions). */
export function step(x: Float32Array, alpha: number): Float32Array {
  const out = outputArray(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v !== v ? NaN : v > 0 ? 1 : alpha;
  }
  return out;
}

/**
 * Mean over `axes` as tfjs-cpu computes it: each element divided by the count in float32, then summed in
 * double along the reduced axes in row-major order (moved innermost first), the sum stored as float32.
 */
export function mean(x: Float32Array, shape: readonly number[], axisAttr: number | number[], keepDims: boolean): { values: Float32Array; shape: number[] } {
  return reduce(x, shape, axisAttr, keepDims, true);
}

/** Sum over `axes` as tfjs-cpu computes it (as mean, without the division): the score of every gradient. */
export function sum(x: Float32Array, shape: readonly number[], axisAttr: number | number[], keepDims: boolean): { values: Float32Array; shape: number[] } {
  return reduce(x, shape, axisAttr, keepDims, false);
}

function reduce(x: Float32Array, shape: readonly number[], axisAttr: number | number[], keepDims: boolean, divide: boolean) {
  const rank = shape.length;
  const axes = util.parseAxisParam(axisAttr, [...shape]);
  const perm = backend_util.getAxesPermutation(axes, rank);
  let src = x;
  let permuted = [...shape];
  if (perm) {
    permuted = perm.map((p) => shape[p]);
    const strides = [...util.computeStrides([...shape]), 1];
    src = new Float32Array(x.length);
    stridedCopy(x, permuted, perm.map((p) => strides[p]), 0, src);
  }
  const inner = backend_util.getInnerMostAxes(axes.length, rank);
  const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(permuted, inner);
  const n = util.sizeFromShape(reduceShape);
  const out = new Float32Array(util.sizeFromShape(outShape));
  for (let i = 0, o = 0; i < out.length; i++) {
    let total = 0;
    if (divide) for (const end = o + n; o < end; o++) total += Math.fround(src[o] / n);
    else for (const end = o + n; o < end; o++) total += src[o];
    out[i] = total;
  }
  return { values: out, shape: keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape };
}

/**
 * Softmax along the last axis as tfjs-cpu computes it (max, x - max, exp, sum in double, divide), row by
 * row in one pass: its kernel does the subtraction and the division with its own broadcasting arithmetic,
 * which builds coordinate arrays per element (0.7 s of each 96^3 window's 1.5 s in segmentation).
 */
export function softmaxLast(x: Float32Array, shape: readonly number[]): Float32Array {
  const n = shape[shape.length - 1];
  const out = outputArray(x.length);
  for (let o = 0; o < x.length; o += n) {
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (x[o + k] > max || x[o + k] !== x[o + k]) max = x[o + k];
    let total = 0;
    for (let k = 0; k < n; k++) {
      const e = Math.fround(Math.exp(Math.fround(x[o + k] - max)));
      out[o + k] = e;
      total += e;
    }
    const sum32 = Math.fround(total);
    for (let k = 0; k < n; k++) out[o + k] = out[o + k] / sum32;
  }
  return out;
}
