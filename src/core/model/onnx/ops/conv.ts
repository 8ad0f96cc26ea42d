// Conv and ConvTranspose (3D), channels-last inside (see ../layout.ts).
// Dilations and flips are baked into the constant filters once, so only tf.conv3d (whose input
// gradient is correct on cpu, webgl and webgpu) runs; tfjs has no gradient for conv3dTranspose.
import * as tf from '@tensorflow/tfjs';
import { fusedConv, fusedConvAvailable, fusedConvInputGradient, fusedConvTranspose } from '../../cpuFused.ts';
import { isHost, type HostTensor } from '../hostTensor.ts';
import { toChannelsFirst, toChannelsLast } from '../layout.ts';
import type { OnnxNode } from '../proto.ts';
import { Attrs, type OpContext, type OpDef, type Value } from './types.ts';
import { binaryAligned, need, padConstant, padOrCrop, slice } from './util.ts';

function checkConv(node: { inputs: string[]; attributes: Map<string, unknown> }, constants: Map<string, HostTensor>): string | null {
  const w = constants.get(node.inputs[1]);
  if (!w) return 'weights must be constant (an initializer)';
  if (w.shape.length !== 5) return `only 3D convolutions are supported (weights have rank ${w.shape.length})`;
  return null;
}

/** tfjs conv3d filters [kd, kh, kw, in, out] per group from ONNX weights, dilated with zeros and,
 * for transposed convolutions, flipped. ONNX: Conv [M, C/g, k..], ConvTranspose [C, M/g, k..]. */
function makeFilters(w: HostTensor, group: number, dil: number[], transposed: boolean): tf.Tensor[] {
  const [a, b, kd, kh, kw] = w.shape;
  const ke = [kd, kh, kw].map((k, i) => (k - 1) * dil[i] + 1);
  const inPerGroup = transposed ? a / group : b;
  const outPerGroup = transposed ? b : a / group;
  const filters: tf.Tensor[] = [];
  for (let g = 0; g < group; g++) {
    const f = new Float32Array(ke[0] * ke[1] * ke[2] * inPerGroup * outPerGroup);
    for (let i = 0; i < inPerGroup; i++) {
      for (let o = 0; o < outPerGroup; o++) {
        const base = transposed ? ((g * inPerGroup + i) * b + o) : ((g * outPerGroup + o) * b + i);
        for (let z = 0; z < kd; z++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
          let ez = z * dil[0], ey = y * dil[1], ex = x * dil[2];
          if (transposed) { ez = ke[0] - 1 - ez; ey = ke[1] - 1 - ey; ex = ke[2] - 1 - ex; }
          const dst = (((ez * ke[1] + ey) * ke[2] + ex) * inPerGroup + i) * outPerGroup + o;
          f[dst] = w.data[((base * kd + z) * kh + y) * kw + x];
        }
      }
    }
    filters.push(tf.tensor5d(f, [ke[0], ke[1], ke[2], inPerGroup, outPerGroup]));
  }
  return filters;
}

/** The same zero padding on every side as tfjs's `pad`: the kernel pads itself (tfjs's convolutions take a
 * number there, though their types say 'valid' | 'same'), so there is no padded copy, and no concatenation
 * whose gradient is a split. */
const kernelPad = (pad: number) => (pad === 0 ? 'valid' : pad) as 'valid';

/** pad: see kernelPad. */
function groupedConv(x: tf.Tensor5D, filters: tf.Tensor[], strides: number[], group: number, pad = 0): tf.Tensor5D {
  const channels = x.shape[4] / group;
  const parts = filters.map((f, g) => {
    const xg = group === 1 ? x : slice(x, [0, 0, 0, 0, g * channels], [-1, -1, -1, -1, channels]) as tf.Tensor5D;
    return tf.conv3d(xg, f as tf.Tensor5D, strides as [number, number, number], kernelPad(pad));
  });
  return (parts.length === 1 ? parts[0] : tf.concat(parts, 4)) as tf.Tensor5D;
}

function addBias(y: tf.Tensor, bias: Value | undefined, ctx: OpContext): tf.Tensor {
  return bias === undefined ? y : binaryAligned(tf.add, y, ctx.tensor(bias));
}

/** Explicit [begin..., end...] pads from auto_pad for the given input size. */
function autoPads(attrs: Attrs, inSize: number[], kernel: number[], strides: number[], dil: number[]): number[] {
  const mode = attrs.string('auto_pad', 'NOTSET');
  const n = inSize.length;
  if (mode === 'NOTSET') return attrs.ints('pads', new Array(2 * n).fill(0));
  if (mode === 'VALID') return new Array(2 * n).fill(0);
  const pads = new Array(2 * n).fill(0);
  for (let i = 0; i < n; i++) {
    const out = Math.ceil(inSize[i] / strides[i]);
    const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - inSize[i]);
    const small = Math.floor(total / 2);
    pads[i] = mode === 'SAME_UPPER' ? small : total - small;
    pads[i + n] = total - pads[i];
  }
  return pads;
}

/** One group, one padding on every side given as pads (no auto_pad, no output_shape): the cases whose input
 * gradient is one kernel call (the others are differentiated through `run`). */
function evenLinear(node: OnnxNode, constants: Map<string, HostTensor>, transposed: boolean): boolean {
  const a = new Attrs(node);
  const pads = a.ints('pads', [0]);
  const strides = a.ints('strides', [1, 1, 1]);
  return checkConv(node, constants) === null && a.int('group', 1) === 1
    && a.string('auto_pad', 'NOTSET') === 'NOTSET' && pads.every((p) => p === pads[0])
    && (!transposed || (!a.has('output_shape') && a.ints('dilations', [1, 1, 1]).every((d) => d === 1)
      && a.ints('output_padding', [0, 0, 0]).every((p, i) => p < strides[i])));
}

export const Conv: OpDef = {
  check: checkConv,
  linear: {
    applies: (node, constants) => evenLinear(node, constants, false),
    vjp(dy, [xShape], [, wv], attrs, ctx) {
      const w = wv as HostTensor;
      const dil = attrs.ints('dilations', [1, 1, 1]);
      const strides = attrs.ints('strides', [1, 1, 1]) as [number, number, number];
      const pad = attrs.ints('pads', [0])[0];
      const [filter] = ctx.cached(w, `conv g1 d${dil}`, () => makeFilters(w, 1, dil, false));
      if (fusedConvAvailable(1)) return [fusedConvInputGradient(dy, filter, strides, pad, false, xShape!)];
      const [n, c, d, h, ww] = xShape!;
      // what tf.conv3d's own gradient computes (conv3DBackpropInput), called directly
      const g = tf.conv3dTranspose(toChannelsLast(dy) as tf.Tensor5D, filter as tf.Tensor5D, [n, d, h, ww, c], strides, kernelPad(pad));
      return [toChannelsFirst(g)];
    },
  },
  run([xv, wv, bv], attrs, ctx) {
    const w = need(wv, 'W') as HostTensor;
    const group = attrs.int('group', 1);
    const dil = attrs.ints('dilations', [1, 1, 1]);
    const strides = attrs.ints('strides', [1, 1, 1]);
    const filters = ctx.cached(w, `conv g${group} d${dil}`, () => makeFilters(w, group, dil, false));
    const xCf = ctx.tensor(need(xv, 'X'));
    const pads = autoPads(attrs, xCf.shape.slice(2, 5), w.shape.slice(2), strides, dil);
    const even = pads[0] > 0 && pads.every((p) => p === pads[0]) ? pads[0] : 0;
    if (fusedConvAvailable(group) && (even || pads.every((p) => p === 0))) {
      return [fusedConv(xCf, filters[0], bv === undefined ? undefined : ctx.tensor(bv), strides as [number, number, number], even)];
    }
    let x = toChannelsLast(xCf) as tf.Tensor5D;
    if (!even) for (let i = 0; i < 3; i++) x = padOrCrop(x, i + 1, pads[i], pads[i + 3]) as tf.Tensor5D;
    const y = addBias(groupedConv(x, filters, strides, group, even), bv, ctx);
    return [toChannelsFirst(y)];
  },
};

/** Insert (s - 1) zeros between neighbours along an axis: length L -> (L - 1) * s + 1. */
function zeroInsert(x: tf.Tensor, axis: number, s: number): tf.Tensor {
  if (s === 1) return x;
  const shape = x.shape;
  let y = tf.reshape(x, [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)]);
  const pads = y.shape.map((): [number, number] => [0, 0]);
  pads[axis + 1] = [0, s - 1];
  y = padConstant(y, pads);
  y = tf.reshape(y, [...shape.slice(0, axis), shape[axis] * s, ...shape.slice(axis + 1)]);
  return padOrCrop(y, axis, 0, -(s - 1));
}

/** tfjs conv3dTranspose filters [kd, kh, kw, out, in] per group from ONNX ConvTranspose weights [C, M/g, k..]. */
function transposeFilters(w: HostTensor, group: number): tf.Tensor[] {
  const [c, outPerGroup, kd, kh, kw] = w.shape;
  const inPerGroup = c / group;
  const k3 = kd * kh * kw;
  const filters: tf.Tensor[] = [];
  for (let g = 0; g < group; g++) {
    const f = new Float32Array(k3 * outPerGroup * inPerGroup);
    for (let i = 0; i < inPerGroup; i++)
      for (let o = 0; o < outPerGroup; o++)
        for (let k = 0; k < k3; k++) f[(k * outPerGroup + o) * inPerGroup + i] = w.data[((g * inPerGroup + i) * outPerGroup + o) * k3 + k];
    filters.push(tf.tensor5d(f, [kd, kh, kw, outPerGroup, inPerGroup]));
  }
  return filters;
}

/**
 * Transposed convolution by tfjs's conv3dTranspose, which does s^3 times less work than a convolution over a
 * zero-inserted input: without padding ('valid': output (L - 1) * s + k), or with the same padding p on
 * every side (output (L - 1) * s - 2 p + k + outPad, outPad < s: ONNX's pads and output_padding, without a
 * crop). tfjs has no gradient for it, so its input gradient is given here: the adjoint of a transposed
 * convolution is the forward convolution with the same padding.
 */
function convTranspose(x: tf.Tensor5D, f: tf.Tensor5D, strides: [number, number, number], pad = 0, outPad = [0, 0, 0]): tf.Tensor5D {
  const [b, d, h, w] = x.shape;
  const [kd, kh, kw, out] = f.shape;
  const outShape: [number, number, number, number, number] = [b, (d - 1) * strides[0] - 2 * pad + kd + outPad[0],
    (h - 1) * strides[1] - 2 * pad + kh + outPad[1], (w - 1) * strides[2] - 2 * pad + kw + outPad[2], out];
  const padding = kernelPad(pad);
  const op = tf.customGrad(((xi: tf.Tensor) => ({
    value: tf.conv3dTranspose(xi as tf.Tensor5D, f, outShape, strides, padding),
    gradFunc: (dy: tf.Tensor) => tf.conv3d(dy as tf.Tensor5D, f, strides, padding),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor5D;
}

export const ConvTranspose: OpDef = {
  check: checkConv,
  linear: {
    applies: (node, constants) => evenLinear(node, constants, true),
    vjp(dy, [xShape], [, wv], attrs, ctx) {
      const w = wv as HostTensor;
      const strides = attrs.ints('strides', [1, 1, 1]) as [number, number, number];
      const pad = attrs.ints('pads', [0])[0];
      const [filter] = ctx.cached(w, 'convT-direct g1', () => transposeFilters(w, 1));
      if (fusedConvAvailable(1)) return [fusedConvInputGradient(dy, filter, strides, pad, true, xShape!)];
      // the adjoint of a transposed convolution: the forward convolution with the same padding (convTranspose)
      return [toChannelsFirst(tf.conv3d(toChannelsLast(dy) as tf.Tensor5D, filter as tf.Tensor5D, strides, kernelPad(pad)))];
    },
  },
  run([xv, wv, bv], attrs, ctx) {
    const w = need(wv, 'W') as HostTensor;
    if (!isHost(w)) throw new Error('weights must be constant');
    const group = attrs.int('group', 1);
    const dil = attrs.ints('dilations', [1, 1, 1]);
    const strides = attrs.ints('strides', [1, 1, 1]);
    const kernel = w.shape.slice(2);
    if (dil.every((v) => v === 1) && !attrs.has('output_shape')) {
      const direct = ctx.cached(w, `convT-direct g${group}`, () => transposeFilters(w, group));
      const s3 = strides as [number, number, number];
      const pads = attrs.ints('pads', [0, 0, 0, 0, 0, 0]);
      const outPad = attrs.ints('output_padding', [0, 0, 0]);
      // the same padding on every side (and output_padding < stride): the kernel pads, nothing is cropped
      const even = pads.every((p) => p === pads[0]) && outPad.every((p, i) => p < s3[i]);
      const xCf = ctx.tensor(need(xv, 'X'));
      if (even && fusedConvAvailable(group)) {
        return [fusedConvTranspose(xCf, direct[0], bv === undefined ? undefined : ctx.tensor(bv), s3, pads[0], outPad)];
      }
      const xIn = toChannelsLast(xCf) as tf.Tensor5D;
      const channels = xIn.shape[4] / group;
      const parts = direct.map((f, g) => {
        const xg = group === 1 ? xIn : (slice(xIn, [0, 0, 0, 0, g * channels], [-1, -1, -1, -1, channels]) as tf.Tensor5D);
        return even ? convTranspose(xg, f as tf.Tensor5D, s3, pads[0], outPad) : convTranspose(xg, f as tf.Tensor5D, s3);
      });
      let y: tf.Tensor = parts.length === 1 ? parts[0] : tf.concat(parts, 4);
      if (even) return [toChannelsFirst(addBias(y, bv, ctx))];
      // one crop for all three axes (a 5D slice copies the whole tensor), then output_padding beyond the end
      const begin = [0, pads[0], pads[1], pads[2], 0];
      const size = y.shape.map((n, a) => (a >= 1 && a <= 3 ? n - pads[a - 1] - Math.max(0, pads[a + 2] - outPad[a - 1]) : n));
      if (begin.some((v) => v > 0) || size.some((n, a) => n !== y.shape[a])) y = slice(y, begin, size);
      for (let i = 0; i < 3; i++) if (outPad[i] > pads[i + 3]) y = padOrCrop(y, i + 1, 0, outPad[i] - pads[i + 3]);
      return [toChannelsFirst(addBias(y, bv, ctx))];
    }
    const filters = ctx.cached(w, `convT g${group} d${dil}`, () => makeFilters(w, group, dil, true));
    let x = toChannelsLast(ctx.tensor(need(xv, 'X'))) as tf.Tensor5D;
    const inSize = x.shape.slice(1, 4);
    const outPad = attrs.ints('output_padding', [0, 0, 0]);
    let pads = attrs.ints('pads', [0, 0, 0, 0, 0, 0]);
    if (attrs.has('output_shape')) {
      const outShape = attrs.ints('output_shape', []).slice(-3);
      const upper = attrs.string('auto_pad', 'NOTSET') === 'SAME_UPPER';
      pads = [0, 0, 0, 0, 0, 0];
      for (let i = 0; i < 3; i++) {
        const total = strides[i] * (inSize[i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 - outShape[i];
        const half = Math.floor(total / 2);
        pads[i] = upper ? half : total - half;
        pads[i + 3] = total - pads[i];
      }
      outPad.fill(0);
    }
    for (let i = 0; i < 3; i++) {
      const reach = (kernel[i] - 1) * dil[i];
      x = zeroInsert(x, i + 1, strides[i]) as tf.Tensor5D;
      x = padOrCrop(x, i + 1, reach - pads[i], reach - pads[i + 3] + outPad[i]) as tf.Tensor5D;
    }
    const y = addBias(groupedConv(x, filters, [1, 1, 1], group), bv, ctx);
    return [toChannelsFirst(y)];
  },
};
