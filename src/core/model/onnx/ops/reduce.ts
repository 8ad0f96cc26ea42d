// Reductions, MatMul and Gemm.
import * as tf from '@tensorflow/tfjs';
import type { OpDef } from './types.ts';
import { binaryAligned, constInts, need, normAxis } from './util.ts';

function reduction(f: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor, axesInputSince: number): OpDef {
  return {
    run([xv, axesv], attrs, ctx) {
      const x = ctx.tensor(need(xv, 'data'));
      let axes = ctx.opset >= axesInputSince ? (axesv ? constInts(axesv, 'axes') : []) : attrs.ints('axes', []);
      if (axes.length === 0) {
        if (attrs.int('noop_with_empty_axes', 0)) return [tf.clone(x)];
        axes = x.shape.map((_, i) => i);
      }
      return [f(x, axes.map((a) => normAxis(a, x.rank)), attrs.int('keepdims', 1) === 1)];
    },
  };
}

export const ReduceMean = reduction(tf.mean, 18);
export const ReduceSum = reduction(tf.sum, 13);
export const ReduceMax = reduction(tf.max, 18);
export const ReduceMin = reduction(tf.min, 18);

export const GlobalAveragePool: OpDef = {
  run: ([xv], _attrs, ctx) => {
    const x = ctx.tensor(need(xv, 'X'));
    return [tf.mean(x, x.shape.map((_, i) => i).slice(2), true)];
  },
};

/** numpy matmul: batch dimensions broadcast; a constant 2D right-hand side is the common case
 * (Linear layers) and runs as one 2D product. */
export function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank === 1) return tf.squeeze(matMul(tf.reshape(a, [1, a.size]), b), [b.rank === 1 ? 0 : a.rank + b.rank - 3]);
  if (b.rank === 1) return tf.squeeze(matMul(a, tf.reshape(b, [b.size, 1])), [a.rank - 1]);
  if (b.rank === 2) {
    const k = a.shape[a.rank - 1];
    const flat = tf.matMul(tf.reshape(a, [-1, k]), b);
    return tf.reshape(flat, [...a.shape.slice(0, -1), b.shape[1] as number]);
  }
  const rank = Math.max(a.rank, b.rank);
  const batch: number[] = [];
  for (let i = 0; i < rank - 2; i++) {
    const da: number = a.shape[a.rank - rank + i] ?? 1;
    const db: number = b.shape[b.rank - rank + i] ?? 1;
    batch.push(Math.max(da, db));
  }
  const expand = (t: tf.Tensor) => {
    const full: number[] = [...batch, ...t.shape.slice(-2)];
    const r = tf.reshape(t, [...new Array(rank - t.rank).fill(1), ...t.shape]);
    const b2 = r.shape.every((d, i) => d === full[i]) ? r : tf.broadcastTo(r, full);
    return tf.reshape(b2, [-1, t.shape[t.rank - 2], t.shape[t.rank - 1]]) as tf.Tensor3D;
  };
  const out = tf.matMul(expand(a), expand(b));
  return tf.reshape(out, [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]]);
}

export const MatMul: OpDef = {
  run: ([a, b], _attrs, ctx) => [matMul(ctx.tensor(need(a, 'A')), ctx.tensor(need(b, 'B')))],
};

export const Gemm: OpDef = {
  run([av, bv, cv], attrs, ctx) {
    const a = ctx.tensor(need(av, 'A')) as tf.Tensor2D;
    const b = ctx.tensor(need(bv, 'B')) as tf.Tensor2D;
    let y = tf.matMul(a, b, attrs.int('transA', 0) === 1, attrs.int('transB', 0) === 1);
    const alpha = attrs.float('alpha', 1);
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (cv !== undefined) {
      const beta = attrs.float('beta', 1);
      const c = ctx.tensor(cv);
      y = binaryAligned(tf.add, y, beta === 1 ? c : tf.mul(c, beta));
    }
    return [y];
  },
};
