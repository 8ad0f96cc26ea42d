// Resize (nearest and linear, any rank) as gathers and a lerp per resized axis: differentiable on
// every backend, no 3D resize kernel needed.
import * as tf from '@tensorflow/tfjs';
import { isHost, type HostTensor } from '../hostTensor.ts';
import type { OpDef } from './types.ts';
import { need } from './util.ts';

const COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];

/** Source coordinate of output index o along an axis. */
function sourceCoordinate(mode: string, o: number, inSize: number, outSize: number, scale: number): number {
  switch (mode) {
    case 'pytorch_half_pixel': return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case 'asymmetric': return o / scale;
    default: return (o + 0.5) / scale - 0.5;
  }
}

function nearestIndex(mode: string, c: number): number {
  switch (mode) {
    case 'floor': return Math.floor(c);
    case 'ceil': return Math.ceil(c);
    case 'round_prefer_ceil': return Math.round(c);
    default: return c === Math.floor(c) + 0.5 ? Math.floor(c) : Math.round(c); // round_prefer_floor
  }
}

export const Resize: OpDef = {
  check(node) {
    const a = node.attributes;
    const mode = (a.get('mode') as string | undefined) ?? 'nearest';
    if (mode !== 'nearest' && mode !== 'linear') return `mode '${mode}' is not supported`;
    const ct = (a.get('coordinate_transformation_mode') as string | undefined) ?? 'half_pixel';
    if (!COORDINATE_MODES.includes(ct)) return `coordinate_transformation_mode '${ct}' is not supported`;
    return null;
  },
  run(inputs, attrs, ctx) {
    let x = ctx.tensor(need(inputs[0], 'X'));
    const opset10 = ctx.opset < 11;
    const scalesV = (opset10 ? inputs[1] : inputs[2]) as HostTensor | undefined;
    const sizesV = opset10 ? undefined : (inputs[3] as HostTensor | undefined);
    const scales = scalesV && isHost(scalesV) && scalesV.data.length ? Array.from(scalesV.data) : null;
    const sizes = sizesV && isHost(sizesV) && sizesV.data.length ? Array.from(sizesV.data) : null;
    if (!scales && !sizes) throw new Error('Resize needs constant scales or sizes');
    const mode = attrs.string('mode', 'nearest');
    const ct = attrs.string('coordinate_transformation_mode', opset10 ? 'asymmetric' : 'half_pixel');
    const nearestMode = attrs.string('nearest_mode', 'round_prefer_floor');
    const inShape = [...x.shape];
    for (let axis = 0; axis < inShape.length; axis++) {
      const inSize = inShape[axis];
      const outSize = sizes ? sizes[axis] : Math.floor(inSize * scales![axis]);
      const scale = scales ? scales[axis] : outSize / inSize;
      if (outSize === inSize && scale === 1) continue;
      const coords = Array.from({ length: outSize }, (_, o) => sourceCoordinate(ct, o, inSize, outSize, scale));
      const clampIndex = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
      if (mode === 'nearest') {
        x = tf.gather(x, tf.tensor1d(coords.map((c) => clampIndex(nearestIndex(nearestMode, c))), 'int32'), axis);
        continue;
      }
      const clamped = coords.map((c) => Math.min(Math.max(c, 0), inSize - 1));
      const lo = clamped.map(Math.floor);
      const hi = lo.map((i) => clampIndex(i + 1));
      const weightShape = inShape.map((_, d) => (d === axis ? outSize : 1));
      const w = tf.tensor(clamped.map((c, i) => c - lo[i]), weightShape);
      const a = tf.gather(x, tf.tensor1d(lo, 'int32'), axis);
      const b = tf.gather(x, tf.tensor1d(hi, 'int32'), axis);
      x = tf.add(a, tf.mul(tf.sub(b, a), w));
    }
    return [x];
  },
};
