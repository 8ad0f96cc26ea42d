// Tiled WGSL programs for tfjs-webgpu's Conv3D and Conv3DBackpropInputV2 (the input gradient of a convolution,
// and so the transposed convolution too). tfjs-webgpu runs both as one thread per output value, each reading
// its whole receptive field from global memory. Here both are one implicit matrix product (no im2col buffer):
//   output [M = output voxels] x [N = output channels] = A [M x K] . B [K x N],   K = taps x source channels,
// where A gathers the source voxel a tap reads (zero outside the volume, or where a stride does not divide)
// and B is the filter. A workgroup of 64 threads computes a 64 x 16 block of outputs; per step of 16 K it
// stages the A and B tiles it needs in workgroup memory, each thread then accumulates a 4 x 4 register tile.
//   forward:        y[o] = sum_t x[o * s - p + t * dil] W[t, ci, co]                 (N = co, source x)
//   input gradient: dx[i] = sum_t dy[(i + p - t) / s] W[t, ci, co], where s divides  (N = ci, source dy)
// Correct for any stride, padding and dilation, channels-last float32 only (what tfjs-webgpu supports).
// Checked against the cpu backend on SwiftShader (e2e/model-runtime.spec.ts, test-pages/runtime.ts).
import * as tf from '@tensorflow/tfjs';

const TM = 64, TN = 16, TK = 16; // block of outputs per workgroup, K per step
const WG = 64; // threads: (TM / 4) x (TN / 4)

interface ConvPlan {
  mode: 'forward' | 'inputGradient';
  batch: number;
  /** output grid [d, h, w] and channels */
  out: [number, number, number]; outChannels: number;
  /** source grid (x, or dy) [d, h, w] and channels */
  src: [number, number, number]; srcChannels: number;
  filter: [number, number, number]; strides: [number, number, number]; pads: [number, number, number]; dilations: [number, number, number];
  /** the filter's [.., in, out] channel counts as stored */
  filterIn: number; filterOut: number;
}

/** A tfjs-webgpu program object (the fields runWebGPUProgram reads). */
class TiledConvProgram {
  readonly variableNames = ['src', 'W'];
  readonly workgroupSize: [number, number, number] = [WG, 1, 1];
  /** tfjs then passes uniforms.size (the output's length): the shader must read its uniforms, or their binding
   * drops out of the pipeline layout and tfjs's bind group no longer fits it */
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly shaderKey: string;

  constructor(private readonly p: ConvPlan) {
    this.outputShape = [p.batch, ...p.out, p.outChannels];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    const tilesM = Math.ceil((p.batch * p.out[0] * p.out[1] * p.out[2]) / TM);
    const gx = Math.min(tilesM, 65535); // a dispatch axis holds at most 65535 workgroups
    this.dispatch = [gx, Math.ceil(tilesM / gx), Math.ceil(p.outChannels / TN)];
    this.shaderKey = `lesionlensTiledConv_${JSON.stringify(p)}`;
  }

  getUserCode(): string {
    const p = this.p;
    const [od, oh, ow] = p.out;
    const [sd, sh, sw] = p.src;
    const [kd, kh, kw] = p.filter;
    const M = p.batch * od * oh * ow;
    const N = p.outChannels;
    const C = p.srcChannels;
    const K = kd * kh * kw * C;
    const forward = p.mode === 'forward';
    // source coordinate along one axis for output coordinate o and tap t; -1 where none
    const axis = (o: string, t: string, a: number) => forward
      ? `${o} * ${p.strides[a]} - ${p.pads[a]} + ${t} * ${p.dilations[a]}`
      : `${o} + ${p.pads[a]} - ${t}`;
    const fetch = forward
      ? `
        let id = ${axis('od', 'td', 0)}; let ih = ${axis('oh', 'th', 1)}; let iw = ${axis('ow', 'tw', 2)};
        if (id < 0 || id >= ${sd} || ih < 0 || ih >= ${sh} || iw < 0 || iw >= ${sw}) { return 0.0; }
        return src[(((b * ${sd} + id) * ${sh} + ih) * ${sw} + iw) * ${C} + c];`
      : `
        let qd = ${axis('od', 'td', 0)}; let qh = ${axis('oh', 'th', 1)}; let qw = ${axis('ow', 'tw', 2)};
        if (qd < 0 || qh < 0 || qw < 0 || qd % ${p.strides[0]} != 0 || qh % ${p.strides[1]} != 0 || qw % ${p.strides[2]} != 0) { return 0.0; }
        let id = qd / ${p.strides[0]}; let ih = qh / ${p.strides[1]}; let iw = qw / ${p.strides[2]};
        if (id >= ${sd} || ih >= ${sh} || iw >= ${sw}) { return 0.0; }
        return src[(((b * ${sd} + id) * ${sh} + ih) * ${sw} + iw) * ${C} + c];`;
    // B[k, n]: forward W[t, c, n] (k = t * C + c); input gradient W[t, n, c] (the filter's in and out swapped)
    const weight = forward
      ? `W[k * ${N} + n]`
      : `W[((k / ${C}) * ${p.filterIn} + n) * ${p.filterOut} + k % ${C}]`;
    return `
      var<workgroup> tileA : array<array<f32, ${TM}>, ${TK}>;
      var<workgroup> tileB : array<array<f32, ${TN}>, ${TK}>;

      fn gather(m : i32, k : i32) -> f32 {
        if (m >= ${M} || k >= ${K}) { return 0.0; }
        let ow = m % ${ow}; let r1 = m / ${ow};
        let oh = r1 % ${oh}; let r2 = r1 / ${oh};
        let od = r2 % ${od}; let b = r2 / ${od};
        let c = k % ${C}; let t = k / ${C};
        let tw = t % ${kw}; let t2 = t / ${kw};
        let th = t2 % ${kh}; let td = t2 / ${kh};
        ${fetch}
      }

      fn weightAt(k : i32, n : i32) -> f32 {
        if (k >= ${K} || n >= ${N}) { return 0.0; }
        return ${weight};
      }

      fn main(index : i32) {  // tfjs's entry point passes a global index; the tile is from workgroupId
        let tile = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
        let m0 = tile * ${TM};
        let n0 = i32(workgroupId.z) * ${TN};
        // no early return for tiles past the end (the dispatch's rounding): barriers need uniform control flow, and
        // tfjs copies workgroupId into a private variable, which the compiler cannot prove uniform
        let lid = i32(localIndex);
        let tm = (lid % ${TM / 4}) * 4;  // this thread's 4 rows (output voxels) and 4 columns (channels)
        let tn = (lid / ${TM / 4}) * 4;
        var acc : array<vec4<f32>, 4>;
        for (var k0 = 0; k0 < ${K}; k0 += ${TK}) {
          // stage A (${TK} x ${TM}): each thread ${(TK * TM) / WG} values; B (${TK} x ${TN}): ${(TK * TN) / WG}
          for (var j = 0; j < ${(TK * TM) / WG}; j++) {
            let e = j * ${WG} + lid;
            tileA[e / ${TM}][e % ${TM}] = gather(m0 + e % ${TM}, k0 + e / ${TM});
          }
          for (var j = 0; j < ${(TK * TN) / WG}; j++) {
            let e = j * ${WG} + lid;
            tileB[e / ${TN}][e % ${TN}] = weightAt(k0 + e / ${TN}, n0 + e % ${TN});
          }
          workgroupBarrier();
          for (var kk = 0; kk < ${TK}; kk++) {
            let b4 = vec4<f32>(tileB[kk][tn], tileB[kk][tn + 1], tileB[kk][tn + 2], tileB[kk][tn + 3]);
            for (var r = 0; r < 4; r++) { acc[r] = acc[r] + tileA[kk][tm + r] * b4; }
          }
          workgroupBarrier();
        }
        for (var r = 0; r < 4; r++) {
          let m = m0 + tm + r;
          if (m < ${M}) {
            for (var q = 0; q < 4; q++) {
              let n = n0 + tn + q;
              if (n < ${N} && m * ${N} + n < uniforms.size) { result[m * ${N} + n] = acc[r][q]; }
            }
          }
        }
      }
    `;
  }
}

type Shape5 = [number, number, number, number, number];
interface WebGpuBackendLike { runWebGPUProgram(program: unknown, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo }

function conv3dTiled({ inputs, backend, attrs }: { inputs: { x: tf.TensorInfo; filter: tf.TensorInfo }; backend: unknown; attrs: Record<string, unknown> }) {
  const { x, filter } = inputs;
  const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filter.shape as Shape5, attrs.strides as [number, number, number],
    (attrs.dilations ?? 1) as [number, number, number], attrs.pad as 'valid');
  const program = new TiledConvProgram({
    mode: 'forward', batch: info.batchSize,
    out: [info.outDepth, info.outHeight, info.outWidth], outChannels: info.outChannels,
    src: [info.inDepth, info.inHeight, info.inWidth], srcChannels: info.inChannels,
    filter: [info.filterDepth, info.filterHeight, info.filterWidth], strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    pads: [info.padInfo.front, info.padInfo.top, info.padInfo.left], dilations: [info.dilationDepth, info.dilationHeight, info.dilationWidth],
    filterIn: info.inChannels, filterOut: info.outChannels,
  });
  return (backend as WebGpuBackendLike).runWebGPUProgram(program, [x, filter], 'float32');
}

function conv3dInputGradientTiled({ inputs, backend, attrs }: { inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo }; backend: unknown; attrs: Record<string, unknown> }) {
  const { dy, filter } = inputs;
  const info = tf.backend_util.computeConv3DInfo(attrs.inputShape as Shape5, filter.shape as Shape5, attrs.strides as [number, number, number], 1, attrs.pad as 'valid');
  const program = new TiledConvProgram({
    mode: 'inputGradient', batch: info.batchSize,
    out: [info.inDepth, info.inHeight, info.inWidth], outChannels: info.inChannels,
    src: [info.outDepth, info.outHeight, info.outWidth], srcChannels: info.outChannels,
    filter: [info.filterDepth, info.filterHeight, info.filterWidth], strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    pads: [info.padInfo.front, info.padInfo.top, info.padInfo.left], dilations: [1, 1, 1],
    filterIn: info.inChannels, filterOut: info.outChannels,
  });
  return (backend as WebGpuBackendLike).runWebGPUProgram(program, [dy, filter], 'float32');
}

const KERNELS = { Conv3D: conv3dTiled, Conv3DBackpropInputV2: conv3dInputGradientTiled } as const;
const stock = new Map<string, tf.KernelConfig>();

/** Registers the tiled programs for webgpu (on) or puts tfjs-webgpu's own back (off, e.g. to compare). Call
 * after the webgpu backend is registered; a no-op before. */
export function setTiledWebGpuConv(on: boolean): void {
  for (const [name, kernelFunc] of Object.entries(KERNELS)) {
    const current = tf.getKernel(name, 'webgpu');
    if (!current) continue;
    if (!stock.has(name) && !(current as { lesionLens?: boolean }).lesionLens) stock.set(name, current);
    tf.unregisterKernel(name, 'webgpu');
    const config = on ? { kernelName: name, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc, lesionLens: true } : stock.get(name)!;
    tf.registerKernel(config as tf.KernelConfig);
  }
}
