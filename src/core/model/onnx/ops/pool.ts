// MaxPool and AveragePool (3D), channels-last inside (see ../layout.ts).
import * as tf from '@tensorflow/tfjs';
import { toChannelsFirst, toChannelsLast } from '../layout.ts';
import type { OpDef } from './types.ts';
import { need, padConstant } from './util.ts';

function checkPool(node: { outputs: string[]; attributes: Map<string, unknown>; opType: string }): string | null {
  const a = node.attributes;
  const kernel = a.get('kernel_shape') as number[] | undefined;
  if (!kernel || kernel.length !== 3) return 'only 3D pooling is supported';
  if (a.get('ceil_mode')) return 'ceil_mode=1 is not supported';
  if ((a.get('dilations') as number[] | undefined)?.some((d) => d !== 1)) return 'dilated pooling is not supported';
  if (node.outputs.length > 1 && node.outputs[1] !== '') return 'the Indices output is not supported';
  const mode = (a.get('auto_pad') as string | undefined) ?? 'NOTSET';
  if (mode !== 'NOTSET' && mode !== 'VALID') return `auto_pad ${mode} is not supported`;
  const pads = (a.get('pads') as number[] | undefined) ?? [];
  if (node.opType === 'AveragePool' && pads.some((p) => p) && !a.get('count_include_pad')) {
    return 'padded AveragePool without count_include_pad is not supported';
  }
  return null;
}

function pool(kind: 'max' | 'avg'): OpDef {
  return {
    check: checkPool,
    run([xv], attrs, ctx) {
      const kernel = attrs.ints('kernel_shape', []) as [number, number, number];
      const strides = attrs.ints('strides', [1, 1, 1]) as [number, number, number];
      const pads = attrs.string('auto_pad', 'NOTSET') === 'VALID' ? [0, 0, 0, 0, 0, 0] : attrs.ints('pads', [0, 0, 0, 0, 0, 0]);
      let x = toChannelsLast(ctx.tensor(need(xv, 'X'))) as tf.Tensor5D;
      if (pads.some((p) => p)) {
        const fill = kind === 'max' ? -3.4e38 : 0;
        x = padConstant(x, [[0, 0], [pads[0], pads[3]], [pads[1], pads[4]], [pads[2], pads[5]], [0, 0]], fill) as tf.Tensor5D;
      }
      const y = kind === 'max' ? tf.maxPool3d(x, kernel, strides, 'valid') : tf.avgPool3d(x, kernel, strides, 'valid');
      return [toChannelsFirst(y)];
    },
  };
}

export const MaxPool = pool('max');
export const AveragePool = pool('avg');
