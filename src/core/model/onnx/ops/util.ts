import * as tf from '@tensorflow/tfjs';
import { padConstant, slice } from '../../safeOps.ts';

export { padConstant, slice };
import { hostInts, isHost, type HostTensor } from '../hostTensor.ts';
import type { Value } from './types.ts';

export function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`missing input: ${what}`);
  return v;
}

export function shapeOf(v: Value): number[] {
  return isHost(v) ? v.shape : v.shape;
}

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Ints from a constant or shape-derived input (never read back from the GPU). */
export function constInts(v: Value | undefined, what: string): number[] {
  const value = need(v, what);
  if (!isHost(value)) throw new Error(`${what} must be a constant or derived from shapes`);
  return hostInts(value);
}

export function allHost(inputs: (Value | undefined)[]): inputs is (HostTensor | undefined)[] {
  return inputs.every((v) => v === undefined || isHost(v));
}

/** Pad or crop (negative amounts) one axis. */
export function padOrCrop(x: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
  if (before < 0 || after < 0) {
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    if (before < 0) { begin[axis] = -before; size[axis] += before; }
    if (after < 0) size[axis] += after;
    x = slice(x, begin, size);
  }
  if (before > 0 || after > 0) {
    const pads = x.shape.map((): [number, number] => [0, 0]);
    pads[axis] = [Math.max(0, before), Math.max(0, after)];
    x = padConstant(x, pads);
  }
  return x;
}

/** Same values with leading 1s up to `rank`. tfjs-webgpu's broadcasting binary ops emit invalid
 * WGSL when a 1-D operand meets a rank-5 one (shared-memory path indexes a vec5); equal ranks
 * avoid that path. Every broadcasting op here goes through this. */
export function toRank(t: tf.Tensor, rank: number): tf.Tensor {
  return t.rank >= rank ? t : tf.reshape(t, [...new Array(rank - t.rank).fill(1), ...t.shape]);
}

export function binaryAligned(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const rank = Math.max(a.rank, b.rank);
  return f(toRank(a, rank), toRank(b, rank));
}
/** Take every `step`-th element along an axis from `start` (step > 0), `count` elements.
 * Built from pad/reshape/slice because tfjs has no gradient for StridedSlice. */
export function stepSlice(x: tf.Tensor, axis: number, start: number, count: number, step: number): tf.Tensor {
  if (count <= 0) {
    const size = [...x.shape];
    size[axis] = 0;
    return tf.zeros(size, x.dtype);
  }
  if (step === 1) {
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    begin[axis] = start;
    size[axis] = count;
    return slice(x, begin, size);
  }
  const span = count * step;
  const available = x.shape[axis] - start;
  let y = padOrCrop(x, axis, -start, span - available);
  const grouped = [...y.shape.slice(0, axis), count, step, ...y.shape.slice(axis + 1)];
  y = tf.reshape(y, grouped);
  const begin = grouped.map(() => 0);
  const size = [...grouped];
  size[axis + 1] = 1;
  y = slice(y, begin, size);
  return tf.reshape(y, [...x.shape.slice(0, axis), count, ...x.shape.slice(axis + 1)]);
}
