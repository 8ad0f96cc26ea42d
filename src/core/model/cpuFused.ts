// PReLU and LeakyReLU as one pass each way on the cpu backend. The ONNX importer writes them as
// relu(x) - slope * relu(-x) (one broadcasting rule on every backend, and no rank-5 Where, which WebGPU
// lacks): five kernels forward and five more for the gradient, a third of a U-Net gradient's time on the
// cpu once the convolutions ran in WebAssembly. Here: y = x > 0 ? x : slope x (the same float32 values as
// the composition), and dx = x > 0 ? dy : slope dy. At x = 0 exactly the composition's gradient is 0 and
// this one slope * dy (PyTorch's); nothing else differs.
import * as tf from '@tensorflow/tfjs';

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
  const out = new Float32Array(x.length);
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
