// PReLU and LeakyReLU as one pass each way on the cpu backend. The ONNX importer writes them as
// relu(x) - slope * relu(-x) (one broadcasting rule on every backend, and no rank-5 Where, which WebGPU
// lacks): five kernels forward and five more for the gradient, a third of a U-Net gradient's time on the
// cpu once the convolutions ran in WebAssembly. Here: y = x > 0 ? x : slope x (the same float32 values as
// the composition), and dx = x > 0 ? dy : slope dy. At x = 0 exactly the composition's gradient is 0 and
// this one slope * dy (PyTorch's); nothing else differs.
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { outputArray } from './cpuArrays.ts';
import { conv3dForwardWasm, conv3dInputGradientWasm, wasmKernels } from './wasmConv.ts';

const FORWARD = 'LesionLensPRelu';
const GRADIENT = 'LesionLensPReluGrad';

interface CpuData { values: Float32Array }
interface CpuBackend { data: { get(id: unknown): CpuData }; makeTensorInfo(shape: number[], dtype: tf.DataType, values: unknown): tf.TensorInfo }
type Args = { inputs: Record<string, tf.TensorInfo>; backend: CpuBackend; attrs: Record<string, unknown> };

/** Elements per slope value and slope values per run along x: [outer, channels, inner]. */
function blocks(xShape: readonly number[], slopeShape: readonly number[]): [number, number, number] | null {
  const aligned = [...new Array(Math.max(0, xShape.length - slopeShape.length)).fill(1), ...slopeShape];
  if (aligned.length !== xShape.length) return null;
  const axes = aligned.flatMap((n, a) => (n === 1 ? [] : [a]));
  const size = (s: readonly number[]) => s.reduce((p, n) => p * n, 1);
  if (axes.length === 0) return [size(xShape), 1, 1];
  if (axes.length > 1 || aligned[axes[0]] !== xShape[axes[0]]) return null;
  const a = axes[0];
  return [size(xShape.slice(0, a)), xShape[a], size(xShape.slice(a + 1))];
}

/** out = v > 0 ? v : slope v where v = from, or (gradient) where x > 0 ? dy : slope dy. */
function apply(x: Float32Array, v: Float32Array, slope: Float32Array, [outer, channels, inner]: [number, number, number]): Float32Array {
  const out = outputArray(x.length);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = slope[c];
      for (const end = i + inner; i < end; i++) out[i] = x[i] > 0 ? v[i] : s * v[i];
    }
  }
  return out;
}

// inputs x (and dy for the gradient) and slope, or attribute alpha for a constant slope (LeakyRelu)
const kernel = (gradient: boolean) => ({ inputs, backend, attrs }: Args): tf.TensorInfo => {
  const x = inputs.x, slope = inputs.slope;
  const xs = backend.data.get(x.dataId).values;
  const ss = slope ? backend.data.get(slope.dataId).values : Float32Array.of(attrs.alpha as number);
  const v = gradient ? backend.data.get(inputs.dy.dataId).values : xs;
  return backend.makeTensorInfo(x.shape, 'float32', apply(xs, v, ss, blocks(x.shape, slope ? slope.shape : [])!));
};

for (const [name, gradient] of [[FORWARD, false], [GRADIENT, true]] as const)
  if (!tf.getKernel(name, 'cpu')) tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: kernel(gradient) as unknown as tf.KernelFunc });

let enabled = true;
/** Off: the importer's composition runs (before/after benchmarks, and tfjs's stock kernels). */
export function setFusedCpuOps(on: boolean): void {
  enabled = on;
}

/** PReLU fused, on the cpu backend and for a number or a one-axis slope; null otherwise (compose it then). */
export function fusedPRelu(x: tf.Tensor, slope: tf.Tensor | number): tf.Tensor | null {
  const constant = typeof slope === 'number';
  if (!enabled || tf.getBackend() !== 'cpu' || x.dtype !== 'float32' || !blocks(x.shape, constant ? [] : slope.shape)) return null;
  const run = (name: string, inputs: Record<string, tf.Tensor>, s?: tf.Tensor) =>
    tf.engine().runKernel(name, (s ? { ...inputs, slope: s } : inputs) as never, (constant ? { alpha: slope } : {}) as never) as tf.Tensor;
  const f = tf.customGrad(((xi: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
    save(constant ? [xi] : [xi, slope]); // kept for the gradient, even if made inside the caller's tidy
    return {
      value: run(FORWARD, { x: xi }, constant ? undefined : slope),
      gradFunc: (dy: tf.Tensor, [xs, s]: tf.Tensor[]) => run(GRADIENT, { dy, x: xs }, s),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x);
}

// Inference batch norm, x scale + shift per channel (folded at load), as one pass forward and one for the
// gradient (dx = dy scale): tfjs runs a broadcasting multiply and add, and their gradients. Same values.
const AFFINE = 'LesionLensChannelAffine';

function affineKernel({ inputs, backend }: Args): tf.TensorInfo {
  const { x, scale, shift } = inputs;
  const v = backend.data.get(x.dataId).values, a = backend.data.get(scale.dataId).values;
  const b = shift ? backend.data.get(shift.dataId).values : null;
  const [outer, channels, inner] = blocks(x.shape, scale.shape)!;
  const out = outputArray(v.length);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const m = a[c], add = b ? b[c] : 0;
      if (b) for (const end = i + inner; i < end; i++) out[i] = Math.fround(v[i] * m) + add;
      else for (const end = i + inner; i < end; i++) out[i] = v[i] * m;
    }
  }
  return backend.makeTensorInfo(x.shape, 'float32', out);
}
if (!tf.getKernel(AFFINE, 'cpu')) tf.registerKernel({ kernelName: AFFINE, backendName: 'cpu', kernelFunc: affineKernel as unknown as tf.KernelFunc });

/** x scale + shift with scale and shift over one axis of x (batch norm's channels), fused on the cpu
 * backend; null elsewhere (compose it then). */
export function fusedChannelAffine(x: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor): tf.Tensor | null {
  if (!enabled || tf.getBackend() !== 'cpu' || x.dtype !== 'float32' || !blocks(x.shape, scale.shape) || scale.size !== shift.size) return null;
  const run = (inputs: Record<string, tf.Tensor>) => tf.engine().runKernel(AFFINE, inputs as never, {}) as tf.Tensor;
  const f = tf.customGrad(((xi: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
    save([scale]);
    return { value: run({ x: xi, scale, shift }), gradFunc: (dy: tf.Tensor, [a]: tf.Tensor[]) => run({ x: dy, scale: a }) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x);
}

// Conv and ConvTranspose in ONNX's channels-first layout, padding and bias included, as one cpu kernel on the
// WebAssembly convolutions (wasmConv.ts): the importer's way on every other backend is a transpose to
// channels last, the conv, a bias add and a transpose back, each a fresh whole-tensor copy, forward and
// again for the gradient (on the U-Net, transposes were the largest share of a gradient's time after the
// convolutions went to WebAssembly). `adjoint` runs the convolution's input gradient (a transposed
// convolution's forward pass) instead of the convolution.
const CONV = 'LesionLensConv3DChannelsFirst';

interface ConvAttrs { strides: [number, number, number]; pad: number; adjoint: boolean; convInputShape: [number, number, number, number, number] }

function convKernel({ inputs, backend, attrs }: Args): tf.TensorInfo {
  const { strides, pad, adjoint, convInputShape } = attrs as unknown as ConvAttrs;
  const x = inputs.x, filter = inputs.filter;
  const f = filter.shape as [number, number, number, number, number];
  const info = backend_util.computeConv3DInfo(convInputShape, f, strides, 1, pad);
  const layout = { channelsFirst: true, bias: inputs.bias ? backend.data.get(inputs.bias.dataId).values : undefined };
  const xs = backend.data.get(x.dataId).values, fs = backend.data.get(filter.dataId).values;
  const y = adjoint ? conv3dInputGradientWasm(xs, fs, info, layout) : conv3dForwardWasm(xs, fs, info, layout);
  if (!y) throw new Error('the convolution does not fit the WebAssembly kernels\' memory');
  const [b, d, h, w, c] = adjoint ? convInputShape : info.outShape;
  return backend.makeTensorInfo([b, c, d, h, w], 'float32', y);
}
if (!tf.getKernel(CONV, 'cpu')) tf.registerKernel({ kernelName: CONV, backendName: 'cpu', kernelFunc: convKernel as unknown as tf.KernelFunc });

/** Whether the channels-first convolutions can run: cpu backend, WebAssembly kernels ready, one group. */
export function fusedConvAvailable(group: number): boolean {
  return enabled && group === 1 && tf.getBackend() === 'cpu' && wasmKernels() !== null;
}

const runConv = (x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | undefined, attrs: ConvAttrs) =>
  tf.engine().runKernel(CONV, (bias ? { x, filter, bias } : { x, filter }) as never, attrs as never) as tf.Tensor;

/** The kernel with `attrs`, whose input gradient is the same kernel with `adjoint` flipped (a convolution's
 * is the transposed convolution, and the reverse), without the bias. */
function withAdjoint(x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | undefined, attrs: ConvAttrs): tf.Tensor {
  const op = tf.customGrad(((xi: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
    save([filter]); // kept for the gradient, even if made inside the caller's tidy
    return {
      value: runConv(xi, filter, bias, attrs),
      gradFunc: (dy: tf.Tensor, [f]: tf.Tensor[]) => runConv(dy, f, undefined, { ...attrs, adjoint: !attrs.adjoint }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}

/** The input gradient of fusedConv (`transposed` false) or fusedConvTranspose (true) from the output's cotangent
 * dy alone, [n, c, d, h, w] of x's shape `xShape` (for a backward pass that keeps no x: Dag.linearize). */
export function fusedConvInputGradient(dy: tf.Tensor, filter: tf.Tensor, strides: [number, number, number], pad: number, transposed: boolean, xShape: number[]): tf.Tensor {
  // the plain convolution's input is x (Conv) or the output (ConvTranspose), channels last
  const [n, c, d, h, w] = transposed ? dy.shape : xShape;
  return runConv(dy, filter, undefined, { strides, pad, adjoint: !transposed, convInputShape: [n, d, h, w, c] });
}

/** Conv3D with the same zero padding `pad` on every side, x [n, c, d, h, w], tfjs filter [kd, kh, kw, in, out],
 * bias [out] or none; returns [n, out, d', h', w']. */
export function fusedConv(x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | undefined, strides: [number, number, number], pad: number): tf.Tensor {
  const [n, c, d, h, w] = x.shape;
  return withAdjoint(x, filter, bias, { strides, pad, adjoint: false, convInputShape: [n, d, h, w, c] });
}

/** ConvTranspose with padding `pad` on every side and output padding `outPad` (< stride), x [n, c, d, h, w],
 * tfjs conv3dTranspose filter [kd, kh, kw, out, in], bias [out] or none. */
export function fusedConvTranspose(x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | undefined, strides: [number, number, number], pad: number, outPad: number[]): tf.Tensor {
  const [n, , d, h, w] = x.shape;
  const size = (len: number, i: number) => (len - 1) * strides[i] - 2 * pad + filter.shape[i] + outPad[i];
  return withAdjoint(x, filter, bias, { strides, pad, adjoint: true, convInputShape: [n, size(d, 0), size(h, 1), size(w, 2), filter.shape[3] as number] });
}
