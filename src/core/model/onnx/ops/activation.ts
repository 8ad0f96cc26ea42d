// Pointwise activations and Softmax.
import * as tf from '@tensorflow/tfjs';
import { fusedPRelu } from '../../cpuFused.ts';
import type { OpContext, OpDef, Value } from './types.ts';
import { binaryAligned, need, normAxis } from './util.ts';

const unary = (f: (x: tf.Tensor) => tf.Tensor): OpDef => ({
  run: ([x], _attrs, ctx) => [f(ctx.tensor(need(x, 'X')))],
});

export const Relu = unary(tf.relu);
export const Sigmoid = unary(tf.sigmoid);
export const Tanh = unary(tf.tanh);
export const Erf = unary(tf.erf);
export const Exp = unary(tf.exp);
export const Log = unary(tf.log);
export const Softplus = unary(tf.softplus);

/** relu(x) - alpha * relu(-x): tfjs's LeakyRelu gradient uses a rank-5 Where that WebGPU lacks. */
export const LeakyRelu: OpDef = {
  run([xv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    const alpha = attrs.float('alpha', 0.01);
    return [fusedPRelu(x, alpha) ?? tf.sub(tf.relu(x), tf.mul(tf.relu(tf.neg(x)), alpha))];
  },
};

export const Elu: OpDef = {
  run([xv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    const alpha = attrs.float('alpha', 1);
    return [tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), alpha))];
  },
};

/** PRelu as relu(x) - slope * relu(-x): one broadcasting rule on every backend (fused on the cpu). */
export const PRelu: OpDef = {
  run([xv, sv], _attrs, ctx: OpContext) {
    const x = ctx.tensor(need(xv, 'X'));
    const slope = ctx.tensor(need(sv as Value, 'slope'));
    return [fusedPRelu(x, slope) ?? tf.sub(tf.relu(x), binaryAligned(tf.mul, slope, tf.relu(tf.neg(x))))];
  },
};

export const Gelu: OpDef = {
  run([xv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    if (attrs.string('approximate', 'none') === 'tanh') {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return [tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1))];
    }
    return [tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1))];
  },
};

function softmaxOn(x: tf.Tensor, axis: number, log: boolean): tf.Tensor {
  const f = log ? tf.logSoftmax : tf.softmax;
  if (axis === x.rank - 1) return f(x);
  const perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis).concat(axis);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return tf.transpose(f(tf.transpose(x, perm)), inverse);
}

const softmax = (log: boolean): OpDef => ({
  run([xv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    if (ctx.opset >= 13) return [softmaxOn(x, normAxis(attrs.int('axis', -1), x.rank), log)];
    // Before opset 13: the input is coerced to 2D at `axis`.
    const axis = normAxis(attrs.int('axis', 1), x.rank);
    const rows = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const flat = tf.reshape(x, [rows, x.size / rows]);
    return [tf.reshape(f2(flat, log), x.shape)];
  },
});
const f2 = (x: tf.Tensor, log: boolean) => (log ? tf.logSoftmax(x) : tf.softmax(x));

export const Softmax = softmax(false);
export const LogSoftmax = softmax(true);

export const Clip: OpDef = {
  run([xv, minv, maxv], attrs, ctx) {
    let x = ctx.tensor(need(xv, 'X'));
    const lo = minv !== undefined ? ctx.tensor(minv) : attrs.has('min') ? tf.scalar(attrs.float('min', 0)) : null;
    const hi = maxv !== undefined ? ctx.tensor(maxv) : attrs.has('max') ? tf.scalar(attrs.float('max', 0)) : null;
    if (lo) x = tf.maximum(x, lo);
    if (hi) x = tf.minimum(x, hi);
    return [x];
  },
};
