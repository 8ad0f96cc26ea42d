// An ONNX graph made ready to run with tfjs ops: decoded, checked (every op supported, else a load
// error naming it), constant subgraphs folded on the host, and wrapped as a Dag.
import * as tf from '@tensorflow/tfjs';
import { Dag, type DagNode, type DagValue } from '../dag.ts';
import { isHost, toTf, type HostTensor } from './hostTensor.ts';
import { OPS, Attrs, type OpContext } from './ops/index.ts';
import { decodeOnnx, type OnnxGraph, type OnnxValueInfo } from './proto.ts';

export interface LoadedOnnx {
  dag: Dag;
  input: OnnxValueInfo;
  output: OnnxValueInfo;
  opset: number;
  producer: string;
  /** Op type counts of the executed (not folded) graph. */
  opCounts: Map<string, number>;
  dispose(): void;
}

class Context implements OpContext {
  private readonly converted = new Map<HostTensor, tf.Tensor>();
  private readonly derived = new Map<object, Map<string, tf.Tensor[]>>();
  constructor(readonly opset: number, private readonly constants: Set<HostTensor>) {}

  tensor(v: DagValue): tf.Tensor {
    if (!isHost(v)) return v;
    if (!this.constants.has(v)) return toTf(v); // runtime shape value: freed by the node's tidy
    let t = this.converted.get(v);
    if (!t) {
      t = tf.keep(toTf(v));
      this.converted.set(v, t);
    }
    return t;
  }

  cached(key: object, variant: string, make: () => tf.Tensor[]): tf.Tensor[] {
    let byVariant = this.derived.get(key);
    if (!byVariant) this.derived.set(key, (byVariant = new Map()));
    let ts = byVariant.get(variant);
    if (!ts) {
      ts = make().map((t) => tf.keep(t));
      byVariant.set(variant, ts);
    }
    return ts;
  }

  dispose(): void {
    this.converted.forEach((t) => t.dispose());
    this.derived.forEach((m) => m.forEach((ts) => ts.forEach((t) => t.dispose())));
    this.converted.clear();
    this.derived.clear();
  }
}

/** Ops that treat every batch item apart whatever their attributes (DagNode.perSample); Concat when its axis is
 * not the batch. Reshapes, transposes and matmuls may fold the batch into other axes, so they are not listed. */
const PER_SAMPLE = new Set(['Conv', 'ConvTranspose', 'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Sigmoid', 'Tanh', 'Erf',
  'Identity', 'BatchNormalization', 'InstanceNormalization', 'Add', 'Sub', 'Mul', 'Div', 'MaxPool', 'AveragePool', 'GlobalAveragePool']);

/** Ops whose every output element depends on the same element of each input (DagNode.elementwise). */
const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Sigmoid', 'Tanh', 'Erf', 'Identity', 'BatchNormalization', 'Add', 'Sub', 'Mul', 'Div']);

/** The output to segment with: of several (deep supervision: one head per decoder level), the one whose spatial
 * dimensions are the input's (the same sizes, or the same named dynamic dimensions), else the first. */
export function segmentationOutput(input: OnnxValueInfo, outputs: OnnxValueInfo[]): OnnxValueInfo {
  if (outputs.length === 1 || !input.dims) return outputs[0];
  const spatial = (v: OnnxValueInfo) => v.dims?.slice(2);
  const same = (v: OnnxValueInfo) => {
    const a = spatial(v), b = spatial(input)!;
    return !!a && a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
  };
  return outputs.find(same) ?? outputs[0];
}

/** What this runtime cannot run in the graph: every unsupported op (with its opset and a node name) and
 * unsupported attribute; empty when it can run it all. */
export function onnxProblems(graph: OnnxGraph): string[] {
  const problems: string[] = [];
  const unsupported = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const op = node.domain && node.domain !== 'ai.onnx' ? undefined : OPS[node.opType];
    if (!op) {
      const key = node.domain ? `${node.domain}.${node.opType}` : node.opType;
      unsupported.set(key, [...(unsupported.get(key) ?? []), node.name]);
      continue;
    }
    const why = op.check?.(node, graph.initializers);
    if (why) problems.push(`${node.opType} node '${node.name}': ${why}`);
    if (node.opType === 'Dropout' && node.outputs.length > 1 && node.outputs[1]) {
      problems.push(`Dropout node '${node.name}': the mask output is not supported`);
    }
  }
  for (const [op, names] of unsupported) {
    problems.unshift(`unsupported ONNX op '${op}' (opset ${graph.opset}; ${names.length} node${names.length > 1 ? 's' : ''}, e.g. '${names[0]}')`);
  }
  return problems;
}

function checkOps(graph: OnnxGraph): void {
  const problems = onnxProblems(graph);
  if (problems.length) throw new Error(`ONNX model refused: ${problems.join('; ')}`);
}

export function loadOnnxGraph(bytes: Uint8Array): LoadedOnnx {
  const graph = decodeOnnx(bytes);
  checkOps(graph);
  if (graph.inputs.length !== 1) {
    throw new Error(`ONNX model refused: expected 1 input (the image), found ${graph.inputs.length}: ${graph.inputs.map((i) => i.name).join(', ')}`);
  }
  if (graph.outputs.length < 1) throw new Error('ONNX model refused: it has no output');

  const constants = new Map<string, DagValue>(graph.initializers);
  const constantSet = new Set<HostTensor>(graph.initializers.values());
  const ctx = new Context(graph.opset, constantSet);
  const nodes: DagNode[] = [];
  const opCounts = new Map<string, number>();
  for (const node of graph.nodes) {
    const op = OPS[node.opType];
    const attrs = new Attrs(node);
    const run = (inputs: (DagValue | undefined)[]) => op.run(inputs, attrs, ctx, node);
    const inputs = node.inputs.filter((v) => v !== '');
    // Fold: all inputs constant and the op computes on the host (shape arithmetic, constants).
    if (inputs.every((v) => constants.has(v)) && node.opType !== 'Resize') {
      const values = node.inputs.map((v) => (v === '' ? undefined : constants.get(v)));
      let outs: DagValue[] | null = null;
      try {
        outs = run(values);
      } catch (e) {
        throw new Error(`ONNX model refused: ${node.opType} node '${node.name}': ${(e as Error).message}`);
      }
      if (outs.every(isHost)) {
        node.outputs.forEach((o, j) => {
          constants.set(o, outs![j]);
          constantSet.add(outs![j] as HostTensor);
        });
        continue;
      }
      outs.forEach((t) => !isHost(t) && t.dispose());
    }
    const linear = op.linear?.applies(node, graph.initializers) ? op.linear : undefined;
    const linearVjp = linear && ((dys: (tf.Tensor | undefined)[], shapes: (number[] | undefined)[]) => {
      const given = node.inputs.map((v) => (v === '' ? undefined : constants.get(v)));
      return dys[0] ? linear.vjp(dys[0], shapes, given, attrs, ctx) : [];
    });
    const perSample = PER_SAMPLE.has(node.opType) || (node.opType === 'Concat' && attrs.int('axis', 0) >= 1);
    const elementwise = ELEMENTWISE.has(node.opType);
    nodes.push({ name: node.name, opType: node.opType, inputs: node.inputs, outputs: node.outputs, run, perSample, elementwise, ...(linearVjp ? { linearVjp } : {}) });
    opCounts.set(node.opType, (opCounts.get(node.opType) ?? 0) + 1);
  }

  return {
    dag: new Dag(nodes, constants),
    input: graph.inputs[0],
    output: segmentationOutput(graph.inputs[0], graph.outputs),
    opset: graph.opset,
    producer: graph.producer,
    opCounts,
    dispose: () => ctx.dispose(),
  };
}
