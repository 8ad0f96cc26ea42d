// Shape and indexing ops. Each works on host values (so shape subgraphs fold for the actual input
// size) and on tfjs tensors (differentiable: only slice/pad/reshape/gather/concat/transpose).
import * as tf from '@tensorflow/tfjs';
import {
  broadcastIndex, broadcastShape, hostInts, hostPick, hostTensor, isHost, sizeOf, stridesOf,
  transposeIndex, type HostTensor,
} from '../hostTensor.ts';
import type { Attrs, OpDef, Value } from './types.ts';
import { allHost, constInts, need, normAxis, padConstant, padOrCrop, shapeOf, stepSlice } from './util.ts';

const withShape = (x: Value, shape: number[], ctx: { tensor(v: Value): tf.Tensor }): Value =>
  isHost(x) ? hostTensor(x.dtype, shape, x.data) : tf.reshape(ctx.tensor(x), shape);

export const Shape: OpDef = {
  run([xv], attrs) {
    const shape = shapeOf(need(xv, 'data'));
    const start = normAxis(attrs.int('start', 0), shape.length);
    const end = attrs.has('end') ? normAxis(attrs.int('end', shape.length), shape.length) : shape.length;
    const dims = shape.slice(start, end);
    return [hostTensor('int64', [dims.length], dims)];
  },
};

export const Size: OpDef = {
  run: ([xv]) => [hostTensor('int64', [], [sizeOf(shapeOf(need(xv, 'data')))])],
};

export const Reshape: OpDef = {
  run([xv, sv], attrs, ctx) {
    const x = need(xv, 'data');
    const inShape = shapeOf(x);
    const target = constInts(sv, 'shape');
    const allowZero = attrs.int('allowzero', 0) === 1;
    const shape = target.map((d, i) => (d === 0 && !allowZero ? inShape[i] : d));
    const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const resolved = shape.map((d) => (d === -1 ? sizeOf(inShape) / known : d));
    return [withShape(x, resolved, ctx)];
  },
};

export const Flatten: OpDef = {
  run([xv], attrs, ctx) {
    const x = need(xv, 'input');
    const shape = shapeOf(x);
    const axis = normAxis(attrs.int('axis', 1), shape.length);
    return [withShape(x, [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis))], ctx)];
  },
};

function axesFrom(inputs: (Value | undefined)[], attrs: Attrs, opset: number): number[] | null {
  if (opset >= 13) return inputs[1] === undefined ? null : constInts(inputs[1], 'axes');
  return attrs.has('axes') ? attrs.ints('axes', []) : null;
}

export const Unsqueeze: OpDef = {
  run(inputs, attrs, ctx) {
    const x = need(inputs[0], 'data');
    const shape = [...shapeOf(x)];
    const axes = axesFrom(inputs, attrs, ctx.opset) ?? [];
    const rank = shape.length + axes.length;
    for (const a of axes.map((a) => normAxis(a, rank)).sort((p, q) => p - q)) shape.splice(a, 0, 1);
    return [withShape(x, shape, ctx)];
  },
};

export const Squeeze: OpDef = {
  run(inputs, attrs, ctx) {
    const x = need(inputs[0], 'data');
    const shape = shapeOf(x);
    const given = axesFrom(inputs, attrs, ctx.opset);
    const axes = given && given.length ? given.map((a) => normAxis(a, shape.length)) : shape.flatMap((d, i) => (d === 1 ? [i] : []));
    return [withShape(x, shape.filter((_, i) => !axes.includes(i)), ctx)];
  },
};

export const Identity: OpDef = {
  run: ([xv]) => {
    const x = need(xv, 'input');
    return [isHost(x) ? x : tf.clone(x)];
  },
};

export const Dropout = Identity; // inference: identity (a requested mask output is refused at load)

export const Constant: OpDef = {
  run(_inputs, attrs) {
    const t = attrs.tensor('value');
    if (t) return [t];
    if (attrs.has('value_float')) return [hostTensor('float32', [], [attrs.float('value_float', 0)])];
    if (attrs.has('value_floats')) { const v = attrs.floats('value_floats', []); return [hostTensor('float32', [v.length], v)]; }
    if (attrs.has('value_int')) return [hostTensor('int64', [], [attrs.int('value_int', 0)])];
    if (attrs.has('value_ints')) { const v = attrs.ints('value_ints', []); return [hostTensor('int64', [v.length], v)]; }
    throw new Error('Constant without a supported value attribute');
  },
};

export const ConstantOfShape: OpDef = {
  run([sv], attrs) {
    const shape = constInts(sv, 'shape');
    const value = attrs.tensor('value') ?? hostTensor('float32', [1], [0]);
    return [hostTensor(value.dtype, shape, new Float64Array(sizeOf(shape)).fill(value.data[0]))];
  },
};

export const Range: OpDef = {
  run([s, l, d]) {
    const [start, limit, delta] = [s, l, d].map((v) => (need(v, 'range') as HostTensor));
    const n = Math.max(0, Math.ceil((limit.data[0] - start.data[0]) / delta.data[0]));
    return [hostTensor(start.dtype, [n], Array.from({ length: n }, (_, i) => start.data[0] + i * delta.data[0]))];
  },
};

export const Concat: OpDef = {
  run(inputs, attrs, ctx) {
    const values = inputs.filter((v): v is Value => v !== undefined);
    const rank = shapeOf(values[0]).length;
    const axis = normAxis(attrs.int('axis', 0), rank);
    if (allHost(values)) {
      const parts = values as HostTensor[];
      const shape = [...parts[0].shape];
      shape[axis] = parts.reduce((s, p) => s + p.shape[axis], 0);
      const outer = sizeOf(shape.slice(0, axis));
      const out: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const p of parts) {
          const block = sizeOf(p.shape.slice(axis));
          for (let i = 0; i < block; i++) out.push(p.data[o * block + i]);
        }
      }
      return [hostTensor(parts[0].dtype, shape, out)];
    }
    return [tf.concat(values.map((v) => ctx.tensor(v)), axis)];
  },
  // linear: each input's cotangent is its part of the output's
  linear: {
    applies: (node) => node.inputs.every((v) => v !== ''),
    vjp(dy, shapes, _constants, attrs) {
      const axis = normAxis(attrs.int('axis', 0), dy.rank);
      if (shapes.some((sh) => !sh)) throw new Error('Concat: an input shape is unknown');
      return tf.split(dy, shapes.map((sh) => sh![axis]), axis);
    },
  },
};

/** Split along `axis`: sizes from the `split` input (opset >= 13) or attribute, else `num_outputs` parts of
 * ceil(n / parts) (opset 18: the last may be smaller), else equal parts, one per output. */
export const Split: OpDef = {
  run(inputs, attrs, ctx, node) {
    const x = need(inputs[0], 'input');
    const shape = shapeOf(x);
    const axis = normAxis(attrs.int('axis', 0), shape.length);
    const n = shape[axis];
    const given = ctx.opset >= 13 ? (inputs[1] !== undefined ? constInts(inputs[1], 'split') : null) : (attrs.has('split') ? attrs.ints('split', []) : null);
    const parts = attrs.int('num_outputs', node.outputs.length);
    const each = Math.ceil(n / parts);
    const sizes = given ?? Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, n - i * each)));
    if (sizes.reduce((a, b) => a + b, 0) !== n) throw new Error(`split sizes ${sizes.join(', ')} do not add up to ${n}`);
    if (!isHost(x)) return tf.split(ctx.tensor(x), sizes, axis);
    const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis + 1));
    let start = 0;
    return sizes.map((size) => {
      const out: number[] = [];
      for (let o = 0; o < outer; o++) for (let i = (o * n + start) * inner; i < (o * n + start + size) * inner; i++) out.push(x.data[i]);
      start += size;
      return hostTensor(x.dtype, shape.map((d, a) => (a === axis ? size : d)), out);
    });
  },
};

export const Gather: OpDef = {
  run([dv, iv], attrs, ctx) {
    const data = need(dv, 'data');
    const shape = shapeOf(data);
    const axis = normAxis(attrs.int('axis', 0), shape.length);
    const idx = need(iv, 'indices');
    const outShape = [...shape.slice(0, axis), ...idx.shape, ...shape.slice(axis + 1)];
    if (!isHost(idx)) {
      return [tf.reshape(tf.gather(ctx.tensor(data), tf.reshape(idx, [-1]), axis), outShape)];
    }
    const indices = hostInts(idx).map((i) => (i < 0 ? i + shape[axis] : i));
    if (isHost(data)) {
      const inner = sizeOf(shape.slice(axis + 1));
      const outer = sizeOf(shape.slice(0, axis));
      const pick: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const i of indices) for (let k = 0; k < inner; k++) pick.push((o * shape[axis] + i) * inner + k);
      }
      return [hostPick(data, outShape, pick)];
    }
    const index = tf.tensor1d(indices, 'int32');
    const gathered = tf.gather(ctx.tensor(data), index, axis);
    index.dispose();
    return [tf.reshape(gathered, outShape)];
  },
};

/** Normalised [start, count, step] per axis, as in the ONNX Slice spec. */
function sliceRanges(shape: number[], starts: number[], ends: number[], axes: number[], steps: number[]) {
  const ranges = shape.map((d) => ({ start: 0, count: d, step: 1 }));
  axes.forEach((a0, i) => {
    const a = normAxis(a0, shape.length);
    const d = shape[a];
    const step = steps[i] ?? 1;
    let start = starts[i] < 0 ? starts[i] + d : starts[i];
    let end = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      start = Math.min(Math.max(start, 0), d);
      end = Math.min(Math.max(end, 0), d);
    } else {
      start = Math.min(Math.max(start, 0), d - 1);
      end = Math.min(Math.max(end, -1), d - 1);
    }
    const count = Math.max(0, Math.ceil((end - start) / step));
    ranges[a] = { start, count, step };
  });
  return ranges;
}

export const Slice: OpDef = {
  run(inputs, attrs, ctx) {
    const x = need(inputs[0], 'data');
    const shape = shapeOf(x);
    let starts: number[], ends: number[], axes: number[], steps: number[];
    if (ctx.opset >= 10) {
      starts = constInts(inputs[1], 'starts');
      ends = constInts(inputs[2], 'ends');
      axes = inputs[3] ? constInts(inputs[3], 'axes') : starts.map((_, i) => i);
      steps = inputs[4] ? constInts(inputs[4], 'steps') : starts.map(() => 1);
    } else {
      starts = attrs.ints('starts', []);
      ends = attrs.ints('ends', []);
      axes = attrs.ints('axes', starts.map((_, i) => i));
      steps = starts.map(() => 1);
    }
    const ranges = sliceRanges(shape, starts, ends, axes, steps);
    const outShape = ranges.map((r) => r.count);
    if (isHost(x)) {
      const strides = stridesOf(shape);
      const n = sizeOf(outShape);
      const pick = new Int32Array(n);
      const coord = new Array<number>(shape.length).fill(0);
      for (let i = 0; i < n; i++) {
        pick[i] = coord.reduce((s, c, d) => s + (ranges[d].start + c * ranges[d].step) * strides[d], 0);
        for (let d = shape.length - 1; d >= 0; d--) { if (++coord[d] < outShape[d]) break; coord[d] = 0; }
      }
      return [hostPick(x, outShape, pick)];
    }
    let y = ctx.tensor(x);
    ranges.forEach((r, axis) => {
      if (r.start === 0 && r.count === shape[axis] && r.step === 1) return;
      if (r.step > 0) { y = stepSlice(y, axis, r.start, r.count, r.step); return; }
      // Negative step: mirror the axis, then it is a positive step.
      y = stepSlice(tf.reverse(y, axis), axis, shape[axis] - 1 - r.start, r.count, -r.step);
    });
    return [y === x ? tf.clone(y) : y];
  },
};

/** tfjs transposes up to rank 6 on GPU backends: merge axes that stay neighbours first. */
export function transposeAnyRank(x: tf.Tensor, perm: number[]): tf.Tensor {
  const groups: number[][] = [];
  for (const p of perm) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else groups.push([p]);
  }
  if (groups.length === perm.length) return tf.transpose(x, perm);
  const order = [...groups].sort((a, b) => a[0] - b[0]);
  const merged = order.map((g) => g.reduce((s, a) => s * x.shape[a], 1));
  const newPerm = groups.map((g) => order.indexOf(g));
  const y = tf.transpose(tf.reshape(x, merged), newPerm);
  return tf.reshape(y, perm.map((p) => x.shape[p]));
}

export const Transpose: OpDef = {
  run([xv], attrs, ctx) {
    const x = need(xv, 'data');
    const rank = shapeOf(x).length;
    const perm = attrs.ints('perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
    if (isHost(x)) {
      const { shape, index } = transposeIndex(x.shape, perm);
      return [hostPick(x, shape, index)];
    }
    return [transposeAnyRank(ctx.tensor(x), perm)];
  },
};

export const Expand: OpDef = {
  run([xv, sv], _attrs, ctx) {
    const x = need(xv, 'input');
    const shape = broadcastShape(shapeOf(x), constInts(sv, 'shape'));
    if (isHost(x)) return [hostPick(x, shape, broadcastIndex(x.shape, shape))];
    const t = ctx.tensor(x);
    return [tf.broadcastTo(tf.reshape(t, [...new Array(shape.length - t.rank).fill(1), ...t.shape]), shape)];
  },
};

export const Pad: OpDef = {
  check(node) {
    const mode = (node.attributes.get('mode') as string | undefined) ?? 'constant';
    return ['constant', 'reflect', 'edge'].includes(mode) ? null : `pad mode '${mode}' is not supported`;
  },
  run(inputs, attrs, ctx) {
    let x = ctx.tensor(need(inputs[0], 'data'));
    const rank = x.rank;
    let pads: number[];
    let value = 0;
    let axes = Array.from({ length: rank }, (_, i) => i);
    if (ctx.opset >= 11) {
      pads = constInts(inputs[1], 'pads');
      if (inputs[2]) value = (need(inputs[2], 'constant_value') as HostTensor).data[0] ?? 0;
      if (inputs[3]) axes = constInts(inputs[3], 'axes').map((a) => normAxis(a, rank));
    } else {
      pads = attrs.ints('pads', []);
      value = attrs.float('value', 0);
    }
    const mode = attrs.string('mode', 'constant');
    const n = axes.length;
    // Crops first (negative pads), then one pad call.
    axes.forEach((a, i) => { x = padOrCrop(x, a, Math.min(0, pads[i]), Math.min(0, pads[i + n])); });
    const amounts = x.shape.map((): [number, number] => [0, 0]);
    axes.forEach((a, i) => { amounts[a] = [Math.max(0, pads[i]), Math.max(0, pads[i + n])]; });
    if (mode === 'constant') return [padConstant(x, amounts, value)];
    if (mode === 'reflect') return [tf.mirrorPad(x, amounts, 'reflect')];
    // edge: repeat the border slices
    let y = x;
    axes.forEach((a) => {
      const [before, after] = amounts[a];
      const d = y.shape[a];
      const parts: tf.Tensor[] = [];
      if (before) parts.push(tf.concat(new Array(before).fill(stepSlice(y, a, 0, 1, 1)), a));
      parts.push(y);
      if (after) parts.push(tf.concat(new Array(after).fill(stepSlice(y, a, d - 1, 1, 1)), a));
      if (parts.length > 1) y = tf.concat(parts, a);
    });
    return [y];
  },
};
