// Faster cpu kernels for the memory-bound ops that gradients of the U-Net are made of: Slice, SplitV
// (the gradient of every concatenation: skip connections, and padding, which is built from concat)
// and Transpose (layout switches around every convolution). tfjs-cpu computes each element's
// position with a freshly allocated index array; these walk the output in order with strides, so
// the innermost axis is a tight loop (a plain row copy for slices). Profile of mean SmoothGrad on a
// 48^3 crop before this: SplitV + Slice + Transpose took 45 % of kernel time (docs/performance.md).
// Same results bit for bit; installed by initBackend('cpu') unless disabled (for before/after runs).
// Conv3D and its input gradient are the compute-bound part: WebAssembly SIMD (wasmConv.ts) once
// initWasmKernels() has run, else JavaScript (cpuConv.ts); both agree with tfjs to float32 rounding.
// Relu, Neg, Step and Mean (cpuPointwise.ts) are the instance-norm models' share, again bit for bit.
import * as tf from '@tensorflow/tfjs';
import { backend_util, slice_util, util } from '@tensorflow/tfjs';
import { conv3dForward, conv3dInputGradient } from './cpuConv.ts';
import { batchMatMulWasm, conv3dForwardWasm, conv3dInputGradientWasm } from './wasmConv.ts';
import { outputArray } from './cpuArrays.ts';
import { stridedCopy } from './cpuStrided.ts';
import { mean, neg, relu, softmaxLast, step, sum } from './cpuPointwise.ts';
import { type BinaryOp, broadcastBinary } from './cpuBinary.ts';
import { setFusedCpuOps } from './cpuFused.ts';

interface CpuData { values: Float32Array | Int32Array | Uint8Array }
interface CpuBackend { data: { get(id: unknown): CpuData }; makeTensorInfo(shape: number[], dtype: tf.DataType, values: unknown): tf.TensorInfo }
type Args = { inputs: { x: tf.TensorInfo }; backend: CpuBackend; attrs: Record<string, unknown> };
type ConvArgs = { inputs: { x?: tf.TensorInfo; dy?: tf.TensorInfo; filter: tf.TensorInfo }; backend: CpuBackend; attrs: Record<string, unknown> };
type BinaryArgs = { inputs: { a: tf.TensorInfo; b: tf.TensorInfo }; backend: CpuBackend };

/** An output array of `length` of src's element type (float32 ones from the reuse pool, cpuArrays.ts). */
function outputLike(src: ArrayLike<number>, length: number) {
  return src instanceof Float32Array ? outputArray(length) : new (src.constructor as Float32ArrayConstructor)(length);
}

function sliceValues(backend: CpuBackend, x: tf.TensorInfo, begin: number[], size: number[]) {
  const src = backend.data.get(x.dataId).values;
  const strides = [...util.computeStrides(x.shape), 1];
  const offset = begin.reduce((s, b, a) => s + b * strides[a], 0);
  const dst = outputLike(src, util.sizeFromShape(size));
  stridedCopy(src, size, strides.slice(0, size.length), offset, dst);
  return backend.makeTensorInfo(size, x.dtype, dst);
}

function fastSlice({ inputs: { x }, backend, attrs }: Args): tf.TensorInfo {
  const [begin, size] = slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
  return sliceValues(backend, x, begin, size);
}

function fastSplitV({ inputs: { x }, backend, attrs }: Args): tf.TensorInfo[] {
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[], axis);
  const begin = new Array(x.shape.length).fill(0);
  return sizes.map((n) => {
    const size = [...x.shape];
    size[axis] = n;
    const out = sliceValues(backend, x, begin, size);
    begin[axis] += n;
    return out;
  });
}

function fastTranspose({ inputs: { x }, backend, attrs }: Args): tf.TensorInfo {
  const perm = attrs.perm as number[];
  const src = backend.data.get(x.dataId).values;
  const inStrides = [...util.computeStrides(x.shape), 1];
  const shape = perm.map((p) => x.shape[p]);
  const dst = outputLike(src, src.length);
  stridedCopy(src, shape, perm.map((p) => inStrides[p]), 0, dst);
  return backend.makeTensorInfo(shape, x.dtype, dst);
}

function fastConv3D({ inputs: { x, filter }, backend, attrs }: ConvArgs): tf.TensorInfo {
  const info = backend_util.computeConv3DInfo(x!.shape as [number, number, number, number, number], filter.shape as [number, number, number, number, number],
    attrs.strides as [number, number, number], attrs.dilations as [number, number, number], attrs.pad as 'valid' | 'same');
  const xs = backend.data.get(x!.dataId).values as Float32Array, w = backend.data.get(filter.dataId).values as Float32Array;
  const y = conv3dForwardWasm(xs, w, info) ?? conv3dForward(xs, w, info);
  return backend.makeTensorInfo(info.outShape, 'float32', y);
}

function fastConv3DBackpropInput({ inputs: { dy, filter }, backend, attrs }: ConvArgs): tf.TensorInfo {
  const inputShape = attrs.inputShape as [number, number, number, number, number];
  const info = backend_util.computeConv3DInfo(inputShape, filter.shape as [number, number, number, number, number],
    attrs.strides as [number, number, number], 1, attrs.pad as 'valid' | 'same');
  const dys = backend.data.get(dy!.dataId).values as Float32Array, w = backend.data.get(filter.dataId).values as Float32Array;
  const dx = conv3dInputGradientWasm(dys, w, info) ?? conv3dInputGradient(dys, w, info);
  return backend.makeTensorInfo(inputShape, 'float32', dx);
}

const fastBinary = (op: BinaryOp) => ({ inputs: { a, b }, backend }: BinaryArgs): tf.TensorInfo => {
  const { values, shape } = broadcastBinary(op, backend.data.get(a.dataId).values, a.shape, backend.data.get(b.dataId).values, b.shape);
  return backend.makeTensorInfo(shape, 'float32', values);
};

const values32 = (backend: CpuBackend, x: tf.TensorInfo) => backend.data.get(x.dataId).values as Float32Array;
const fastUnary = (f: (x: Float32Array) => Float32Array) => ({ inputs: { x }, backend }: Args): tf.TensorInfo =>
  backend.makeTensorInfo(x.shape, 'float32', f(values32(backend, x)));

function fastStep({ inputs: { x }, backend, attrs }: Args): tf.TensorInfo {
  return backend.makeTensorInfo(x.shape, 'float32', step(values32(backend, x), attrs.alpha as number));
}

const fastReduce = (f: typeof mean) => ({ inputs: { x }, backend, attrs }: Args): tf.TensorInfo => {
  const r = f(values32(backend, x), x.shape, attrs.axis as number | number[], attrs.keepDims as boolean);
  return backend.makeTensorInfo(r.shape, 'float32', r.values);
};

function fastSoftmax({ inputs, backend, attrs }: { inputs: { logits: tf.TensorInfo }; backend: CpuBackend; attrs: Record<string, unknown> }): tf.TensorInfo {
  const x = inputs.logits;
  const dim = attrs.dim as number;
  if (dim !== -1 && dim !== x.shape.length - 1) throw new Error('Softmax along a non-last dimension is not supported');
  return backend.makeTensorInfo(x.shape, 'float32', softmaxLast(values32(backend, x), x.shape));
}

/** BatchMatMul on the wasm kernels (attention in the Swin UNETR: tfjs-cpu's reached 0.3 GFLOP/s here); tfjs's
 * own where they cannot take it (broadcast batch dimensions, not initialised). */
function fastBatchMatMul(args: { inputs: { a: tf.TensorInfo; b: tf.TensorInfo }; backend: CpuBackend; attrs: Record<string, unknown> }): tf.TensorInfo {
  const { a, b } = args.inputs;
  const r = batchMatMulWasm(values32(args.backend, a), a.shape, values32(args.backend, b), b.shape, args.attrs.transposeA as boolean, args.attrs.transposeB as boolean);
  return r ? args.backend.makeTensorInfo(r.shape, 'float32', r.values) : (original.get('BatchMatMul')!.kernelFunc(args as never) as tf.TensorInfo);
}

/** Concatenation along any axis: per outer index, each input's contiguous block in turn (tfjs-cpu copies
 * element by element; the gradient of a one-channel slice is a concatenation with blocks of one). */
function fastConcat({ inputs, backend, attrs }: { inputs: tf.TensorInfo[]; backend: CpuBackend; attrs: Record<string, unknown> }): tf.TensorInfo {
  const parts = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  const axis = util.parseAxisParam(attrs.axis as number, inputs[0].shape)[0];
  const shape = [...inputs[0].shape];
  shape[axis] = inputs.reduce((n, t) => n + t.shape[axis], 0);
  const outer = util.sizeFromShape(shape.slice(0, axis));
  const blocks = parts.map((t) => util.sizeFromShape(t.shape.slice(axis)));
  const values = parts.map((t) => backend.data.get(t.dataId).values as Float32Array);
  const out = outputArray(util.sizeFromShape(shape));
  const row = blocks.reduce((a, b) => a + b, 0);
  if (blocks.every((n) => n <= 16)) { // short blocks (a channel each): one long read per part instead
    for (let p = 0, at = 0; p < parts.length; at += blocks[p], p++) {
      const n = blocks[p], v = values[p];
      for (let r = 0; r < outer; r++) for (let k = 0; k < n; k++) out[r * row + at + k] = v[r * n + k];
    }
  } else {
    let o = 0;
    for (let r = 0; r < outer; r++) {
      for (let p = 0; p < parts.length; p++) {
        const n = blocks[p], from = r * n;
        out.set(values[p].subarray(from, from + n), o);
        o += n;
      }
    }
  }
  return backend.makeTensorInfo(shape, 'float32', out);
}

type AnyArgs = Args & ConvArgs & BinaryArgs;
type Fast = (a: AnyArgs) => tf.TensorInfo | tf.TensorInfo[];
const FAST: Record<string, Fast> = {
  Slice: fastSlice, SplitV: fastSplitV, Transpose: fastTranspose, Conv3D: fastConv3D, Conv3DBackpropInputV2: fastConv3DBackpropInput,
  Add: fastBinary('Add'), Sub: fastBinary('Sub'), Multiply: fastBinary('Multiply'), RealDiv: fastBinary('RealDiv'),
  Relu: fastUnary(relu), Neg: fastUnary(neg), Step: fastStep, Mean: fastReduce(mean), Sum: fastReduce(sum), Concat: fastConcat as unknown as Fast,
  Softmax: fastSoftmax as unknown as Fast, BatchMatMul: fastBatchMatMul as unknown as Fast,
};
/** Kernels whose fast version takes float32 inputs only (the others also take int32 and bool). */
const FLOAT_ONLY = new Set(['Conv3D', 'Conv3DBackpropInputV2', 'Add', 'Sub', 'Multiply', 'RealDiv', 'Relu', 'Neg', 'Step', 'Mean', 'Sum', 'Concat', 'Softmax', 'BatchMatMul']);
const original = new Map<string, tf.KernelConfig>();

/** Installs (true) or removes (false) the faster cpu kernels (or only those named, for before/after
 * benchmarks); string and complex tensors keep tfjs's. */
export function setFastCpuKernels(on: boolean, only?: readonly string[]): void {
  if (!only) setFusedCpuOps(on);
  for (const [name, fast] of Object.entries(FAST)) {
    if (only && !only.includes(name)) continue;
    const current = tf.getKernel(name, 'cpu');
    if (!current) continue;
    if (!original.has(name)) original.set(name, current);
    const tfjs = original.get(name)!;
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(on ? {
      kernelName: name, backendName: 'cpu',
      kernelFunc: ((args: AnyArgs) => {
        const inputs = Object.values(args.inputs) as tf.TensorInfo[];
        const dtype = inputs[0].dtype;
        const ok = FLOAT_ONLY.has(name) ? inputs.every((t) => t.dtype === 'float32') : dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
        return ok ? fast(args) : tfjs.kernelFunc(args as never);
      }) as unknown as tf.KernelFunc,
    } : tfjs);
  }
}
