// Arithmetic, comparison and logic, on host values (shape arithmetic) or tfjs tensors.
import * as tf from '@tensorflow/tfjs';
import { hostBinary, hostTensor, isHost, broadcastShape, broadcastIndex, type HostTensor } from '../hostTensor.ts';
import type { OpDef, Value } from './types.ts';
import { allHost, binaryAligned, need } from './util.ts';

type HostFn = (a: number, b: number) => number;

function binary(hostFn: HostFn, tfFn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, boolOut = false): OpDef {
  return {
    run([av, bv], _attrs, ctx) {
      const a = need(av, 'A');
      const b = need(bv, 'B');
      if (isHost(a) && isHost(b)) {
        const intDiv = a.dtype === 'int64' && hostFn === divide;
        return [hostBinary(a, b, intDiv ? (x, y) => Math.trunc(x / y) : hostFn, boolOut ? 'bool' : a.dtype)];
      }
      return [binaryAligned(tfFn, ctx.tensor(a), ctx.tensor(b))];
    },
  };
}

const divide: HostFn = (a, b) => a / b;

/** Comparisons and logic have a zero gradient, but tfjs has no gradient function for them and
 * fails when a gradient path crosses one (Swin's shift mask is built from the input's shape this
 * way). Declare the zero gradient explicitly. */
function zeroGrad(f: (...xs: tf.Tensor[]) => tf.Tensor): (...xs: tf.Tensor[]) => tf.Tensor {
  return (...xs) => {
    const g = tf.customGrad((...args: unknown[]) => {
      const inputs = args.slice(0, xs.length) as tf.Tensor[];
      return { value: f(...inputs), gradFunc: () => inputs.map((t) => tf.zeros(t.shape, 'float32')) };
    });
    return (g as (...t: tf.Tensor[]) => tf.Tensor)(...xs);
  };
}

/** x ** y, with the exponents PyTorch emits for norms (2, 0.5) mapped to exact tfjs ops. */
function power(a: tf.Tensor, b: tf.Tensor, exponent: Value): tf.Tensor {
  if (isHost(exponent) && exponent.data.length === 1) {
    if (exponent.data[0] === 2) return tf.square(a);
    if (exponent.data[0] === 0.5) return tf.sqrt(a);
    if (exponent.data[0] === 1) return tf.clone(a);
  }
  return binaryAligned(tf.pow, a, b);
}

export const Add = binary((a, b) => a + b, tf.add);
export const Sub = binary((a, b) => a - b, tf.sub);
export const Mul = binary((a, b) => a * b, tf.mul);
export const Div = binary(divide, tf.div);
export const Pow: OpDef = {
  run([av, bv], _attrs, ctx) {
    const a = need(av, 'X');
    const b = need(bv, 'Y');
    if (isHost(a) && isHost(b)) return [hostBinary(a, b, (x, y) => x ** y)];
    return [power(ctx.tensor(a), ctx.tensor(b), b)];
  },
};
export const Equal = binary((a, b) => Number(a === b), zeroGrad(tf.equal), true);
export const Less = binary((a, b) => Number(a < b), zeroGrad(tf.less), true);
export const Greater = binary((a, b) => Number(a > b), zeroGrad(tf.greater), true);
export const LessOrEqual = binary((a, b) => Number(a <= b), zeroGrad(tf.lessEqual), true);
export const GreaterOrEqual = binary((a, b) => Number(a >= b), zeroGrad(tf.greaterEqual), true);
export const And = binary((a, b) => Number(a && b), zeroGrad(tf.logicalAnd), true);
export const Or = binary((a, b) => Number(a || b), zeroGrad(tf.logicalOr), true);

function variadic(hostFn: HostFn, tfFn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpDef {
  return {
    run(inputs, _attrs, ctx) {
      const values = inputs.filter((v): v is Value => v !== undefined);
      if (allHost(values)) return [(values as HostTensor[]).reduce((a, b) => hostBinary(a, b, hostFn))];
      return [values.map((v) => ctx.tensor(v)).reduce((a, b) => binaryAligned(tfFn, a, b))];
    },
  };
}
export const Max = variadic(Math.max, tf.maximum);
export const Min = variadic(Math.min, tf.minimum);
export const Sum = variadic((a, b) => a + b, tf.add);

function unary(hostFn: (a: number) => number, tfFn: (a: tf.Tensor) => tf.Tensor, boolOut = false): OpDef {
  return {
    run([xv], _attrs, ctx) {
      const x = need(xv, 'X');
      if (isHost(x)) return [hostTensor(boolOut ? 'bool' : x.dtype, x.shape, Array.from(x.data, hostFn))];
      return [tfFn(ctx.tensor(x))];
    },
  };
}
export const Neg = unary((a) => -a, tf.neg);
export const Abs = unary(Math.abs, tf.abs);
export const Sqrt = unary(Math.sqrt, tf.sqrt);
export const Reciprocal = unary((a) => 1 / a, tf.reciprocal);
export const Floor = unary(Math.floor, tf.floor);
export const Ceil = unary(Math.ceil, tf.ceil);
export const Not = unary((a) => Number(!a), zeroGrad(tf.logicalNot), true);

export const Where: OpDef = {
  run([cv, av, bv], _attrs, ctx) {
    const [c, a, b] = [need(cv, 'condition'), need(av, 'X'), need(bv, 'Y')];
    const shape = broadcastShape(broadcastShape(c.shape, a.shape), b.shape);
    if (isHost(c) && isHost(a) && isHost(b)) {
      const [ic, ia, ib] = [c, a, b].map((t) => broadcastIndex(t.shape, shape));
      const out = Array.from(ic, (j, i) => (c.data[j] ? a.data[ia[i]] : b.data[ib[i]]));
      return [hostTensor(a.dtype, shape, out)];
    }
    // Broadcast, then select on flat views: tfjs-webgpu's Where stops at rank 4.
    const flat = (v: Value) => {
      const t = ctx.tensor(v);
      const r = tf.reshape(t, [...new Array(shape.length - t.rank).fill(1), ...t.shape]);
      return tf.reshape(r.shape.every((d, i) => d === shape[i]) ? r : tf.broadcastTo(r, shape), [-1]);
    };
    return [tf.reshape(tf.where(flat(c), flat(a), flat(b)), shape)];
  },
};

const castTo: Record<number, 'float32' | 'int64' | 'bool'> = {
  1: 'float32', 10: 'float32', 11: 'float32', 6: 'int64', 7: 'int64', 2: 'int64', 3: 'int64', 9: 'bool',
};

export const Cast: OpDef = {
  check(node) {
    return castTo[node.attributes.get('to') as number] ? null : `cast to ONNX type ${node.attributes.get('to')} is not supported`;
  },
  run([xv], attrs, ctx) {
    const x = need(xv, 'input');
    const to = castTo[attrs.int('to', 1)];
    if (isHost(x)) {
      const map = to === 'float32' ? (v: number) => v : to === 'bool' ? (v: number) => Number(v !== 0) : Math.trunc;
      return [hostTensor(to, x.shape, Array.from(x.data, map))];
    }
    return [tf.cast(ctx.tensor(x), to === 'int64' ? 'int32' : to)];
  },
};

