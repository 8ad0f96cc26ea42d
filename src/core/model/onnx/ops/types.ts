import type * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../hostTensor.ts';
import type { AttributeValue, OnnxNode } from '../proto.ts';

export type Value = tf.Tensor | HostTensor;

export interface OpContext {
  opset: number;
  /** A tfjs tensor for a value (constants are converted once and cached for the model's life). */
  tensor(v: Value): tf.Tensor;
  /** Tensors derived from constants (e.g. rearranged filters), made once per key and kept. */
  cached(key: object, variant: string, make: () => tf.Tensor[]): tf.Tensor[];
}

export class Attrs {
  constructor(private readonly node: OnnxNode) {}
  has(name: string): boolean { return this.node.attributes.has(name); }
  private get(name: string): AttributeValue | undefined { return this.node.attributes.get(name); }
  int(name: string, fallback: number): number { return (this.get(name) as number | undefined) ?? fallback; }
  float(name: string, fallback: number): number { return (this.get(name) as number | undefined) ?? fallback; }
  ints(name: string, fallback: number[]): number[] { return (this.get(name) as number[] | undefined) ?? fallback; }
  floats(name: string, fallback: number[]): number[] { return (this.get(name) as number[] | undefined) ?? fallback; }
  string(name: string, fallback: string): string { return (this.get(name) as string | undefined) ?? fallback; }
  tensor(name: string): HostTensor | undefined { return this.get(name) as HostTensor | undefined; }
}

/** Inputs may be undefined where an optional ONNX input is omitted (''). */
export type OpRun = (inputs: (Value | undefined)[], attrs: Attrs, ctx: OpContext, node: OnnxNode) => Value[];

export interface OpDef {
  run: OpRun;
  /** Load-time check of attributes / constant inputs; returns why the node is refused, or null. */
  check?: (node: OnnxNode, constants: Map<string, HostTensor>) => string | null;
  /** For ops linear in their non-constant inputs (a convolution, a concat): the inputs' cotangents from the
   * output's and the inputs' shapes alone, so a backward pass keeps no input and runs no forward again
   * (DagNode.linearVjp). `applies` is asked once at load time; where it says no, Dag.linearize's other ways. */
  linear?: {
    applies(node: OnnxNode, constants: Map<string, HostTensor>): boolean;
    vjp(dy: tf.Tensor, inputShapes: (number[] | undefined)[], constants: (Value | undefined)[], attrs: Attrs, ctx: OpContext): (tf.Tensor | undefined)[];
  };
}
