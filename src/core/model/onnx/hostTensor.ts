// Small tensors kept on the host (JavaScript arrays): initializers, constants and everything derived
// from shapes. Keeping them here lets the executor fold shape arithmetic for the actual input size
// without reading anything back from the GPU.
import * as tf from '@tensorflow/tfjs';

export type HostDtype = 'float32' | 'int64' | 'bool';

export interface HostTensor {
  readonly host: true;
  readonly dtype: HostDtype;
  readonly shape: number[];
  /** C order. int64 and bool values are stored as doubles (exact below 2^53). */
  readonly data: Float32Array | Float64Array;
}

export function hostTensor(dtype: HostDtype, shape: number[], data: ArrayLike<number>): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`host tensor: ${data.length} values for shape [${shape}]`);
  const typed = dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
  return { host: true, dtype, shape: [...shape], data: typed };
}

export function isHost(v: unknown): v is HostTensor {
  return typeof v === 'object' && v !== null && (v as HostTensor).host === true;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Values as plain numbers (for shape, axes and index inputs). */
export function hostInts(t: HostTensor): number[] {
  return Array.from(t.data, (v) => Math.trunc(v));
}

const INT32_MAX = 2147483647;

/** A tfjs tensor with the same values; int64 becomes int32 (clamped: only used for indices). */
export function toTf(t: HostTensor): tf.Tensor {
  if (t.dtype === 'float32') return tf.tensor(t.data as Float32Array, t.shape, 'float32');
  if (t.dtype === 'bool') return tf.tensor(Array.from(t.data, (v) => (v ? 1 : 0)), t.shape, 'bool');
  const clamped = Int32Array.from(t.data, (v) => Math.max(-INT32_MAX, Math.min(INT32_MAX, v)));
  return tf.tensor(clamped, t.shape, 'int32');
}

/** Broadcast shape of numpy-style (right-aligned) broadcasting. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each element of a tensor of shape `out`, the flat index into a tensor of shape `src`
 * broadcast to `out`. */
export function broadcastIndex(src: readonly number[], out: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const index = new Int32Array(n);
  const srcStrides = stridesOf(src);
  const offset = out.length - src.length;
  const coord = new Array<number>(out.length).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let d = offset; d < out.length; d++) {
      const sd = src[d - offset];
      if (sd !== 1) j += coord[d] * srcStrides[d - offset];
    }
    index[i] = j;
    for (let d = out.length - 1; d >= 0; d--) {
      if (++coord[d] < out[d]) break;
      coord[d] = 0;
    }
  }
  return index;
}

export function hostBinary(a: HostTensor, b: HostTensor, f: (x: number, y: number) => number,
  dtype: HostDtype = a.dtype): HostTensor {
  const shape = broadcastShape(a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = new Float64Array(ia.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[ia[i]], b.data[ib[i]]);
  return hostTensor(dtype, shape, out);
}

/** Gather elements: out[i] = src.data[index[i]] with a new shape. */
export function hostPick(src: HostTensor, shape: number[], index: ArrayLike<number>): HostTensor {
  const out = new Float64Array(index.length);
  for (let i = 0; i < out.length; i++) out[i] = src.data[index[i]];
  return hostTensor(src.dtype, shape, out);
}

/** Flat source index of every element of a transposed tensor. */
export function transposeIndex(shape: readonly number[], perm: readonly number[]): { shape: number[]; index: Int32Array } {
  const outShape = perm.map((p) => shape[p]);
  const srcStrides = stridesOf(shape);
  const n = sizeOf(shape);
  const index = new Int32Array(n);
  const coord = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let d = 0; d < outShape.length; d++) j += coord[d] * srcStrides[perm[d]];
    index[i] = j;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++coord[d] < outShape[d]) break;
      coord[d] = 0;
    }
  }
  return { shape: outShape, index };
}
