// Faster broadcasting element-wise Add, Sub, Multiply and RealDiv for the cpu backend. tfjs-cpu
// computes, for every element of a broadcast, its coordinates in freshly allocated arrays; instance
// and layer norms (x - mean) / std, biases and activations in the DynUNet and Swin UNETR broadcast
// on every op, and spent 2/3 of a forward pass there. Here axes that broadcast alike are merged and
// the innermost one is a tight loop. Each element is the same float32(a op b) as tfjs's: bit-identical.

import { outputArray } from './cpuArrays.ts';
import { broadcastShape } from './onnx/hostTensor.ts';

export type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';
type Row = (out: Float32Array, o: number, a: ArrayLike<number>, ai: number, sa: number, b: ArrayLike<number>, bi: number, sb: number, n: number) => void;

// one small function per op, so each inner loop stays monomorphic
const ROWS: Record<BinaryOp, Row> = {
  Add: (out, o, a, ai, sa, b, bi, sb, n) => { for (let k = 0; k < n; k++, ai += sa, bi += sb) out[o + k] = a[ai] + b[bi]; },
  Sub: (out, o, a, ai, sa, b, bi, sb, n) => { for (let k = 0; k < n; k++, ai += sa, bi += sb) out[o + k] = a[ai] - b[bi]; },
  Multiply: (out, o, a, ai, sa, b, bi, sb, n) => { for (let k = 0; k < n; k++, ai += sa, bi += sb) out[o + k] = a[ai] * b[bi]; },
  RealDiv: (out, o, a, ai, sa, b, bi, sb, n) => { for (let k = 0; k < n; k++, ai += sa, bi += sb) out[o + k] = a[ai] / b[bi]; },
};

/** Element strides of `shape` read along `outShape` (0 where it broadcasts), right-aligned. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array(outShape.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = outShape.length - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

export function broadcastBinary(op: BinaryOp, a: ArrayLike<number>, aShape: readonly number[], b: ArrayLike<number>, bShape: readonly number[]): { values: Float32Array; shape: number[] } {
  const outShape = broadcastShape(aShape, bShape);
  const total = outShape.reduce((p, d) => p * d, 1);
  const values = outputArray(total);
  if (total === 0) return { values, shape: outShape };
  // merge neighbouring axes that both operands walk contiguously (or both skip)
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const shape: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (outShape[i] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && sa[last] === as[i] * outShape[i] && sb[last] === bs[i] * outShape[i]) {
      shape[last] *= outShape[i];
      sa[last] = as[i];
      sb[last] = bs[i];
    } else {
      shape.push(outShape[i]);
      sa.push(as[i]);
      sb.push(bs[i]);
    }
  }
  const row = ROWS[op];
  if (shape.length === 0) {
    row(values, 0, a, 0, 0, b, 0, 0, 1);
    return { values, shape: outShape };
  }
  const rank = shape.length;
  const n = shape[rank - 1];
  const index = new Array(rank - 1).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; o < total; o += n) {
    row(values, o, a, ai, sa[rank - 1], b, bi, sb[rank - 1], n);
    for (let d = rank - 2; d >= 0; d--) { // odometer over the outer axes
      index[d]++;
      ai += sa[d];
      bi += sb[d];
      if (index[d] < shape[d]) break;
      ai -= index[d] * sa[d];
      bi -= index[d] * sb[d];
      index[d] = 0;
    }
  }
  return { values, shape: outShape };
}
