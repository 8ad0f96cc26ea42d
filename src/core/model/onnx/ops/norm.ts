// BatchNormalization (inference), InstanceNormalization, LayerNormalization.
import * as tf from '@tensorflow/tfjs';
import { fusedChannelAffine } from '../../cpuFused.ts';
import { isHost, type HostTensor } from '../hostTensor.ts';
import type { OpDef } from './types.ts';
import { binaryAligned, need, normAxis } from './util.ts';

/** [C] -> [1, C, 1, ..., 1]: broadcasts over channels-first [N, C, ...] at equal rank. */
function perChannel(t: tf.Tensor, rank: number): tf.Tensor {
  return tf.reshape(t, [1, t.size, ...new Array(rank - 2).fill(1)]);
}

export const BatchNormalization: OpDef = {
  check(node) {
    return node.attributes.get('training_mode') ? 'training_mode=1 is not supported' : null;
  },
  run([xv, sv, bv, mv, vv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    const eps = attrs.float('epsilon', 1e-5);
    const [s, b, m, v] = [sv, bv, mv, vv].map((t, i) => need(t, ['scale', 'B', 'mean', 'var'][i]));
    if ([s, b, m, v].every(isHost)) {
      // Fold into one scale and one shift, once.
      const [scale, shift] = ctx.cached(s as HostTensor, `bn ${eps}`, () => {
        const [S, B, M, V] = [s, b, m, v].map((t) => (t as HostTensor).data);
        const a = S.map((si, i) => si / Math.sqrt(V[i] + eps));
        const c = B.map((bi, i) => bi - M[i] * a[i]);
        return [tf.tensor1d(Float32Array.from(a)), tf.tensor1d(Float32Array.from(c))];
      });
      const scaleC = perChannel(scale, x.rank), shiftC = perChannel(shift, x.rank);
      return [fusedChannelAffine(x, scaleC, shiftC) ?? tf.add(tf.mul(x, scaleC), shiftC)];
    }
    const [S, B, M, V] = [s, b, m, v].map((t) => perChannel(ctx.tensor(t), x.rank));
    return [tf.add(tf.mul(tf.div(tf.sub(x, M), tf.sqrt(tf.add(V, eps))), S), B)];
  },
};

function normalise(x: tf.Tensor, axes: number[], eps: number): tf.Tensor {
  const mean = tf.mean(x, axes, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axes, true);
  return tf.div(centred, tf.sqrt(tf.add(variance, eps)));
}

export const InstanceNormalization: OpDef = {
  run([xv, sv, bv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
    const y = normalise(x, axes, attrs.float('epsilon', 1e-5));
    const scale = perChannel(ctx.tensor(need(sv, 'scale')), x.rank);
    const bias = perChannel(ctx.tensor(need(bv, 'B')), x.rank);
    return [tf.add(tf.mul(y, scale), bias)];
  },
};

export const LayerNormalization: OpDef = {
  check(node) {
    return node.outputs.slice(1).some((o) => o !== '') ? 'only the Y output is supported' : null;
  },
  run([xv, sv, bv], attrs, ctx) {
    const x = ctx.tensor(need(xv, 'X'));
    const axis = normAxis(attrs.int('axis', -1), x.rank);
    const axes = Array.from({ length: x.rank - axis }, (_, i) => i + axis);
    let y = binaryAligned(tf.mul, normalise(x, axes, attrs.float('epsilon', 1e-5)), ctx.tensor(need(sv, 'Scale')));
    if (bv !== undefined) y = binaryAligned(tf.add, y, ctx.tensor(bv));
    return [y];
  },
};

