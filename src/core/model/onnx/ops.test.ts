// Hand-worked cases for ops the three exported architectures do not exercise (or not in every
// variant): each expected value is written out, not computed by the code under test.
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxGraph } from './onnxGraph.ts';
import { transposeAnyRank } from './ops/shape.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type NodeSpec = { op: string; inputs: string[]; outputs?: string[]; attrs?: Record<string, number | number[]> };

/** A one-input model: x (float, shape as given) -> the last node's output 'y'. Integer constants
 * are int64 initializers. */
function model(shape: number[], nodes: NodeSpec[], ints: Record<string, number[]> = {}): Uint8Array {
  const { onnx } = onnxProto;
  const attribute = (name: string, v: number | number[]) => (Array.isArray(v)
    ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
    : Number.isInteger(v) ? { name, type: onnx.AttributeProto.AttributeType.INT, i: v } : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });
  return onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: nodes.map((n, i) => ({
        opType: n.op, name: `n${i}`, input: n.inputs, output: n.outputs ?? [i === nodes.length - 1 ? 'y' : `t${i}`],
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: Object.entries(ints).map(([name, v]) => ({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [v.length], int64Data: v })),
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  }).finish();
}

function run(bytes: Uint8Array, x: tf.Tensor): tf.Tensor {
  const g = loadOnnxGraph(bytes);
  const y = g.dag.run(new Map([['x', x]]), ['y']).get('y') as tf.Tensor;
  g.dispose();
  return y;
}

describe('ONNX ops, hand-worked', () => {
  it('Slice with a negative step', () => {
    const y = run(model([10], [{ op: 'Slice', inputs: ['x', 's', 'e', 'a', 'st'] }], { s: [8], e: [1], a: [0], st: [-3] }), tf.range(0, 10));
    expect(Array.from(y.dataSync())).toEqual([8, 5, 2]);
  });

  it('Slice with step 2 has gradient 1 on the picked elements', () => {
    const bytes = model([7], [{ op: 'Slice', inputs: ['x', 's', 'e', 'a', 'st'] }], { s: [1], e: [100], a: [0], st: [2] });
    const g = tf.grad((x: tf.Tensor) => tf.sum(run(bytes, x)))(tf.range(0, 7));
    expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 1, 0, 1, 0]);
  });

  it('Gather with a negative index, Expand, Unsqueeze and Squeeze', () => {
    const bytes = model([3, 2], [
      { op: 'Gather', inputs: ['x', 'idx'], attrs: { axis: 0 } },          // rows [-1, 0] -> [[4,5],[0,1]]
      { op: 'Unsqueeze', inputs: ['t0', 'ax0'] },                          // [1, 2, 2]
      { op: 'Expand', inputs: ['t1', 'shape'] },                           // [3, 2, 2]
      { op: 'Squeeze', inputs: ['t2', 'none'] },                           // nothing of size 1 left
    ], { idx: [-1, 0], ax0: [0], shape: [3, 1, 1], none: [] });
    const y = run(bytes, tf.tensor2d([[0, 1], [2, 3], [4, 5]]));
    expect(y.shape).toEqual([3, 2, 2]);
    expect(Array.from(y.dataSync())).toEqual([4, 5, 0, 1, 4, 5, 0, 1, 4, 5, 0, 1]);
  });

  it('Split by given sizes and into equal parts, then joined in another order', () => {
    // x = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]: sizes [2, 3] along axis 1 -> [[0,1],[5,6]] and [[2,3,4],[7,8,9]]
    const bytes = model([2, 5], [
      { op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b'], attrs: { axis: 1 } },
      { op: 'Concat', inputs: ['b', 'a'], attrs: { axis: 1 } },
    ], { sizes: [2, 3] });
    expect(Array.from(run(bytes, tf.range(0, 10).reshape([2, 5])).dataSync())).toEqual([2, 3, 4, 0, 1, 7, 8, 9, 5, 6]);
    // no sizes: one equal part per output, along axis 0
    const halves = model([4], [{ op: 'Split', inputs: ['x'], outputs: ['a', 'b'] }, { op: 'Sub', inputs: ['b', 'a'] }]);
    expect(Array.from(run(halves, tf.tensor1d([1, 2, 10, 20])).dataSync())).toEqual([9, 18]);
  });

  it('Identity and Dropout pass values through', () => {
    const y = run(model([3], [{ op: 'Dropout', inputs: ['x'] }, { op: 'Identity', inputs: ['t0'] }]), tf.tensor1d([1, -2, 3]));
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
  });

  it('Pad: constant with a crop (negative pad), reflect, edge', () => {
    const constant = run(model([3], [{ op: 'Pad', inputs: ['x', 'p'] }], { p: [2, -1] }), tf.tensor1d([1, 2, 3]));
    expect(Array.from(constant.dataSync())).toEqual([0, 0, 1, 2]);
    const edgeBytes = model([3], [{ op: 'Pad', inputs: ['x', 'p'] }], { p: [1, 2] });
    // mode is a string attribute: patch it in through the decoded node
    const { onnx } = onnxProto;
    const m = onnx.ModelProto.decode(edgeBytes);
    m.graph!.node![0].attribute = [{ name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('edge') }];
    expect(Array.from(run(onnx.ModelProto.encode(m).finish(), tf.tensor1d([1, 2, 3])).dataSync())).toEqual([1, 1, 2, 3, 3, 3]);
    m.graph!.node![0].attribute = [{ name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('reflect') }];
    expect(Array.from(run(onnx.ModelProto.encode(m).finish(), tf.tensor1d([1, 2, 3])).dataSync())).toEqual([2, 1, 2, 3, 2, 1]);
  });

  it('Resize linear with align_corners on one axis', () => {
    const { onnx } = onnxProto;
    const bytes = onnx.ModelProto.encode({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [{ opType: 'Resize', name: 'r', input: ['x', '', 'scales'], output: ['y'], attribute: [
          { name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('linear') },
          { name: 'coordinate_transformation_mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('align_corners') }] }],
        initializer: [{ name: 'scales', dataType: onnx.TensorProto.DataType.FLOAT, dims: [3], floatData: [1, 1, 2] }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 1 }, { dimValue: 3 }] } } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      },
    }).finish();
    // 3 -> 6 samples at positions o * 2 / 5 of [0, 10, 20]
    const y = run(bytes, tf.tensor3d([[[0, 10, 20]]]));
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0, 4, 8, 12, 16, 20][i], 5));
  });

  it('Transpose beyond rank 6 (Swin window partition) equals the cpu rank-8 transpose', () => {
    const shape = [1, 2, 2, 3, 2, 2, 2, 3];
    const x = tf.range(0, shape.reduce((a, b) => a * b)).reshape(shape);
    const perm = [0, 1, 3, 5, 2, 4, 6, 7];
    expect(Array.from(transposeAnyRank(x, perm).dataSync())).toEqual(Array.from(tf.transpose(x, perm).dataSync()));
  });
});
