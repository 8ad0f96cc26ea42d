// Arithmetic and memory traffic of a model graph, counted per op from tensor shapes (ONNX op
// semantics, float32), to say how far a measured time is from a device's limit.
// MAC = one multiply-add (2 floating-point operations). Traffic = every op reads its inputs and
// writes its outputs once: the unfused lower bound of what a runtime without fusion moves.

/** One executed op: its type and the shapes of its inputs (null: omitted) and outputs. */
export interface OpShape {
  opType: string;
  inputs: (readonly number[] | null)[];
  outputs: readonly number[][];
}

export interface Cost {
  macs: number;
  flops: number;
  bytes: number;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const BYTES_PER_VALUE = 4;
/** floating-point operations per output element of pointwise ops */
const POINTWISE_FLOPS: Record<string, number> = {
  Add: 1, Sub: 1, Mul: 1, Div: 1, Relu: 1, Neg: 1, Sigmoid: 4, Tanh: 4, Exp: 1, Softmax: 4,
  LeakyRelu: 2, PRelu: 2, BatchNormalization: 2, InstanceNormalization: 5, Sqrt: 1, Pow: 1, Erf: 4,
};

/** Cost of one op. Conv: output elements x (C_in/group x kernel); ConvTranspose: input elements x
 * (C_out/group x kernel), ONNX weights [C_in, C_out/group, k...]; MatMul/Gemm: output x K. */
export function opCost(op: OpShape): Cost {
  const [x, w, bias] = op.inputs;
  const y = op.outputs[0];
  let macs = 0;
  let extraFlops = 0;
  if (op.opType === 'Conv' && w) macs = size(y) * size(w.slice(1));
  else if (op.opType === 'ConvTranspose' && x && w) macs = size(x) * size(w.slice(1));
  else if ((op.opType === 'MatMul' || op.opType === 'Gemm') && x) macs = size(y) * x[x.length - 1];
  else extraFlops = (POINTWISE_FLOPS[op.opType] ?? 0) * size(y);
  if ((op.opType === 'Conv' || op.opType === 'ConvTranspose' || op.opType === 'Gemm') && bias) extraFlops += size(y);
  const values = op.inputs.reduce((s, i) => s + (i ? size(i) : 0), 0) + op.outputs.reduce((s, o) => s + size(o), 0);
  return { macs, flops: 2 * macs + extraFlops, bytes: BYTES_PER_VALUE * values };
}

export function graphCost(ops: readonly OpShape[]): Cost & { byOp: Record<string, Cost> } {
  const byOp: Record<string, Cost> = {};
  const total: Cost = { macs: 0, flops: 0, bytes: 0 };
  for (const op of ops) {
    const c = opCost(op);
    const t = (byOp[op.opType] ??= { macs: 0, flops: 0, bytes: 0 });
    for (const k of ['macs', 'flops', 'bytes'] as const) {
      t[k] += c[k];
      total[k] += c[k];
    }
  }
  return { ...total, byOp };
}

export interface ExplanationCost {
  /** one forward pass */
  forward: Cost;
  /** one input gradient (forward + backward to the input, no weight gradients) */
  gradient: Cost;
}

/** Gradient model: the backward pass to the input costs about one forward pass in arithmetic (each
 * conv's input gradient is a conv of the same size; weight gradients are not needed) and reads the
 * incoming gradient plus the saved activations: about twice the forward traffic. */
export function explanationCost(forward: Cost): ExplanationCost {
  return {
    forward,
    gradient: { macs: 2 * forward.macs, flops: 2 * forward.flops, bytes: 3 * forward.bytes },
  };
}
