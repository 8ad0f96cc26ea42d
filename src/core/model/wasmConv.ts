// Conv3D, its input gradient and the transposed convolution on WebAssembly SIMD kernels (wasm/conv3d.c),
// on one thread or several (wasmThreads.ts). Used by the cpu backend's Conv3D and
// Conv3DBackpropInputV2 kernels (cpuKernels.ts) once initWasmKernels() has run; they fall back to the
// JavaScript kernels (cpuConv.ts) when it has not, or when a call would not fit the kernels' memory.
//
// Layout per call in the wasm memory: the source padded with zeros (so that no tap reads outside it),
// the filter (forward: tfjs's [kd, kh, kw, in, out] as is; gradient: [tap][out][in]), tap offsets, a
// row mask, one parameter block per output grid, the output. A strided input gradient is one grid per
// stride phase (dx voxels i with the same i mod stride receive from the same taps).
import type { backend_util } from '@tensorflow/tfjs';
import { outputArray } from './cpuArrays.ts';
import { stridedCopy } from './cpuStrided.ts';
import { CONV3D_WASM_PLAIN, CONV3D_WASM_SHARED } from './wasm/kernels.generated.ts';
import { CONTROL_BYTES, type Job, type KernelExports, type KernelPool, rowRunner, startPool } from './wasmThreads.ts';

type Conv3DInfo = backend_util.Conv3DInfo;

export interface WasmKernelInfo {
  /** threads the kernels run on (this one included) */
  threads: number;
  /** why there are fewer threads than asked for, if so (no cross-origin isolation, no Worker) */
  note?: string;
}

interface Exports extends KernelExports {
  rowMask(src: number, rows: number, rowLen: number, mask: number): void;
}

/** Channels first in and out (ONNX's layout: no transposes around the call), and a bias added to the output. */
export interface ConvLayout { channelsFirst?: boolean; bias?: Float32Array }

interface State { memory: WebAssembly.Memory; exports: Exports; pool: KernelPool | null; info: WasmKernelInfo }
let state: State | null = null;
let enabled = true;
/** false: run on the caller's thread only, although a pool exists (before/after benchmarks) */
let useThreads = true;

const PAGE = 65536;
/** The C code's stack and nothing else lies below this; everything here is laid out above it. */
const BASE = 4 * PAGE;
const MAX_BYTES = 2 ** 31;
/** 32 int32 fields: see Params in conv3d.c */
const PARAM_WORDS = 32;
/** Each thread's scratch (a list of taps, int32) lies below BASE: thread t's at BASE - (t + 1) * MAX_TAPS * 4. */
const MAX_TAPS = 4096;
const MAX_THREADS = 8;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The threads worth starting here: one per core, at most MAX_THREADS. */
export async function coreCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  let n = nav?.hardwareConcurrency;
  if (!n && typeof (globalThis as { process?: unknown }).process !== 'undefined') {
    try {
      n = (await import(/* @vite-ignore */ 'node:os' as string) as typeof import('node:os')).availableParallelism();
    } catch { n = 1; }
  }
  return Math.max(1, Math.min(MAX_THREADS, n ?? 1));
}

/**
 * Compiles the kernels and starts `threads - 1` worker threads on a shared memory. Threads need
 * SharedArrayBuffer (in a browser: a cross-origin isolated page); without it, one thread and a note.
 */
export async function initWasmKernels(threads = 1): Promise<WasmKernelInfo> {
  if (state) return state.info;
  const canShare = typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
  const module = await WebAssembly.compile(decode(canShare ? CONV3D_WASM_SHARED : CONV3D_WASM_PLAIN));
  const memory = new WebAssembly.Memory({ initial: BASE / PAGE + 1, maximum: MAX_BYTES / PAGE, shared: canShare } as WebAssembly.MemoryDescriptor);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  let pool: KernelPool | null = null;
  let note: string | undefined;
  if (threads > 1 && !canShare) note = 'one thread: the page is not cross-origin isolated, so it cannot share memory with worker threads';
  else if (threads > 1) {
    try {
      const control = BASE - (MAX_THREADS + 1) * MAX_TAPS * 4 - CONTROL_BYTES;
      pool = await startPool(module, memory, Math.min(threads, MAX_THREADS) - 1, control, (t) => BASE - (t + 1) * MAX_TAPS * 4);
    } catch (e) {
      note = `one thread: worker threads did not start (${(e as Error).message})`;
    }
  }
  const info: WasmKernelInfo = { threads: pool ? pool.size + 1 : 1, ...(note ? { note } : {}) };
  state = { memory, exports: instance.exports as unknown as Exports, pool, info };
  return info;
}

/** The kernels in use, or null (not initialised, or switched off for a before/after run). */
export function wasmKernels(): WasmKernelInfo | null {
  if (!enabled || !state) return null;
  return useThreads ? state.info : { threads: 1, note: 'worker threads switched off' };
}

/** Switches the wasm kernels off (the JavaScript kernels run) or back on, and their worker threads
 * off or on, for before/after benchmarks. */
export function setWasmKernels(on: boolean, threads = true): void {
  enabled = on;
  useThreads = threads;
}

/** A bump allocator over the wasm memory for one call; grows the memory once, before any view is made. */
class Arena {
  top = BASE;
  take(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / 16) * 16;
    return at;
  }
}

interface Grid {
  taps: { src: [number, number, number]; weight: number }[]; // source voxel offset (z, y, x), weight tap index
  origin: [number, number, number]; step: [number, number, number]; count: [number, number, number];
  srcOrigin: [number, number, number]; srcStep: [number, number, number];
}

interface Plan {
  batch: number;
  srcDims: [number, number, number]; srcChannels: number;
  /** where source voxel 0 of the unpadded input lands in the padded one */
  srcOffset: [number, number, number]; srcInDims: [number, number, number];
  outDims: [number, number, number]; outChannels: number;
  weights: Float32Array;
  /** weights per batch item (a batched matmul: each item its own matrix); 0: one filter for all */
  weightsPerItem?: number;
  grids: Grid[];
  layout: ConvLayout;
}

/** Runs jobs on every thread (or on this one), returning when all their rows are done. */
function runJobs(s: State, jobs: Job[]): void {
  const here = rowRunner(s.exports, BASE - MAX_TAPS * 4);
  if (s.pool && useThreads) s.pool.run(jobs, here);
  else for (const j of jobs) here(j.kind, j.params, 0, j.rows);
}

/** Runs a plan; null when it does not fit the memory (the caller then uses the JavaScript kernel). */
function run(plan: Plan, src: Float32Array): Float32Array | null {
  const s = state!;
  const rows = (jobs: Job[]) => runJobs(s, jobs);
  const { batch: B, srcDims: [SD, SH, SW], srcChannels: CI, outDims: [OD, OH, OW], outChannels: CO } = plan;
  const { channelsFirst = false, bias } = plan.layout;
  const a = new Arena();
  const srcAt = a.take(B * SD * SH * SW * CI * 4);
  const maskAt = a.take(B * SD * SH);
  const wAt = a.take(plan.weights.length * 4);
  const outAt = a.take(B * OD * OH * OW * CO * 4);
  const grids = plan.grids.map((g) => ({ g, paramsAt: a.take(PARAM_WORDS * 4), toffAt: a.take(2 * g.taps.length * 4 + 4), woffAt: a.take(g.taps.length * 4 + 4) }));
  // channels first: the source staged as it is, the output turned back (plus the bias) after the kernel
  const stageAt = channelsFirst ? a.take(src.length * 4) : 0;
  const layoutAt = channelsFirst ? a.take(16 * 4) : 0; // the pack's and the unpack's parameters
  const finalAt = channelsFirst ? a.take(B * OD * OH * OW * CO * 4) : outAt;
  const biasAt = bias ? a.take(bias.length * 4) : 0;
  if (a.top > MAX_BYTES) return null;
  const have = s.memory.buffer.byteLength;
  if (a.top > have) s.memory.grow(Math.ceil((a.top - have) / PAGE));
  const buf = s.memory.buffer;
  const f32 = new Float32Array(buf);
  const i32 = new Int32Array(buf);

  // the padded source: zeros, then the input's rows at their offset
  const [oz, oy, ox] = plan.srcOffset;
  const [ID, IH, IW] = plan.srcInDims;
  const padded = oz !== 0 || oy !== 0 || ox !== 0 || ID !== SD || IH !== SH || IW !== SW;
  const srcBase = srcAt / 4;
  if (channelsFirst) {
    f32.set(src, stageAt / 4);
    if (padded) f32.fill(0, srcBase, srcBase + B * SD * SH * SW * CI);
    i32.set([stageAt, B, CI, ID, IH, IW, srcAt, SD, SH, SW, oz, oy, ox], layoutAt / 4);
    rows([{ kind: 'pack', params: layoutAt, rows: B * Math.min(ID, SD - oz) * Math.min(IH, SH - oy) }]);
  } else if (!padded) f32.set(src, srcBase);
  else {
    f32.fill(0, srcBase, srcBase + B * SD * SH * SW * CI);
    const rowLen = Math.min(IW, SW - ox) * CI;
    for (let b = 0; b < B; b++) {
      for (let z = 0; z < ID && z + oz < SD; z++) {
        for (let y = 0; y < IH && y + oy < SH; y++) {
          const from = ((b * ID + z) * IH + y) * IW * CI;
          f32.set(src.subarray(from, from + rowLen), srcBase + (((b * SD + z + oz) * SH + y + oy) * SW + ox) * CI);
        }
      }
    }
  }
  s.exports.rowMask(srcAt, B * SD * SH, SW * CI, maskAt);
  f32.set(plan.weights, wAt / 4);

  const jobs: Job[] = [];
  for (const { g, paramsAt, toffAt, woffAt } of grids) {
    const T = g.taps.length;
    g.taps.forEach((t, i) => {
      i32[toffAt / 4 + i] = ((t.src[0] * SH + t.src[1]) * SW + t.src[2]) * CI;
      i32[toffAt / 4 + T + i] = t.src[0] * SH + t.src[1];
      i32[woffAt / 4 + i] = t.weight * CI * CO;
    });
    i32.set([srcAt, wAt, outAt, toffAt, woffAt, maskAt, T, CI, CO, B, ...g.count, SD, SH, SW, OD, OH, OW,
      ...g.origin, ...g.step, ...g.srcOrigin, ...g.srcStep, plan.weightsPerItem ?? 0], paramsAt / 4);
    const n = B * g.count[0] * g.count[1];
    if (n > 0 && g.count[2] > 0) jobs.push({ kind: 'conv', params: paramsAt, rows: n });
  }
  rows(jobs);
  if (channelsFirst) {
    if (bias) f32.set(bias, biasAt / 4);
    i32.set([outAt, B, OD * OH * OW, CO, biasAt, finalAt], layoutAt / 4);
    rows([{ kind: 'unpack', params: layoutAt, rows: B * Math.ceil((OD * OH * OW) / 8) }]);
  }
  const out = outputArray(B * OD * OH * OW * CO);
  out.set(f32.subarray(finalAt / 4, finalAt / 4 + out.length));
  return out;
}

/** y = conv3d(x, filter), tfjs layouts (x NDHWC, filter [kd, kh, kw, in, out]) unless `layout` says channels
 * first; null: use the JS kernel. */
export function conv3dForwardWasm(x: Float32Array, filter: Float32Array, info: Conv3DInfo, layout: ConvLayout = {}): Float32Array | null {
  if (!enabled || !state) return null;
  const { batchSize, inDepth, inHeight, inWidth, inChannels, outDepth, outHeight, outWidth, outChannels, padInfo,
    filterDepth: kd, filterHeight: kh, filterWidth: kw, strideDepth: sd, strideHeight: sh, strideWidth: sw,
    dilationDepth: dd, dilationHeight: dh, dilationWidth: dw } = info;
  if (kd * kh * kw > MAX_TAPS) return null;
  // source extent the taps reach from output voxel 0 to the last one
  const need = (out: number, s: number, k: number, d: number) => (out - 1) * s + (k - 1) * d + 1;
  const taps: Grid['taps'] = [];
  for (let z = 0; z < kd; z++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++)
    taps.push({ src: [z * dd, y * dh, xx * dw], weight: (z * kh + y) * kw + xx });
  return run({
    batch: batchSize,
    srcDims: [need(outDepth, sd, kd, dd), need(outHeight, sh, kh, dh), need(outWidth, sw, kw, dw)], srcChannels: inChannels,
    srcOffset: [padInfo.front, padInfo.top, padInfo.left], srcInDims: [inDepth, inHeight, inWidth],
    outDims: [outDepth, outHeight, outWidth], outChannels,
    weights: filter,
    grids: [{ taps, origin: [0, 0, 0], step: [1, 1, 1], count: [outDepth, outHeight, outWidth], srcOrigin: [0, 0, 0], srcStep: [sd, sh, sw] }],
    layout,
  }, x);
}

/** One axis of the input gradient: per stride phase p, the filter taps k that reach dx voxels p + s j,
 * each reading dy voxel j + m (m = (p + pad - k) / s), and the zero padding those reads need. */
function gradientAxis(inLen: number, outLen: number, k: number, s: number, pad: number) {
  const phases: { p: number; count: number; taps: { k: number; m: number }[] }[] = [];
  let front = 0;
  for (let p = 0; p < s; p++) {
    const taps: { k: number; m: number }[] = [];
    for (let t = 0; t < k; t++) if ((((p + pad - t) % s) + s) % s === 0) taps.push({ k: t, m: (p + pad - t) / s });
    const count = p < inLen ? Math.ceil((inLen - p) / s) : 0;
    for (const t of taps) front = Math.max(front, -t.m);
    phases.push({ p, count, taps });
  }
  let len = outLen + front;
  for (const ph of phases) for (const t of ph.taps) if (ph.count > 0) len = Math.max(len, ph.count - 1 + t.m + front + 1);
  return { phases, front, len };
}

const turned = new WeakMap<Float32Array, Float32Array>();

/** Each of `blocks` consecutive [rows][cols] matrices of x as [cols][rows]. */
function turnBlocks(x: Float32Array, blocks: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  stridedCopy(x, [blocks, cols, rows], [rows * cols, 1, cols], 0, out);
  return out;
}

/** dx of conv3d (also a transposed convolution's output): dy NDHWC, filter [kd, kh, kw, in, out]. */
export function conv3dInputGradientWasm(dy: Float32Array, filter: Float32Array, info: Conv3DInfo, layout: ConvLayout = {}): Float32Array | null {
  if (!enabled || !state) return null;
  const { batchSize, inDepth, inHeight, inWidth, inChannels: ci, outDepth, outHeight, outWidth, outChannels: co, padInfo,
    filterDepth: kd, filterHeight: kh, filterWidth: kw, strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const nTaps = kd * kh * kw;
  if (nTaps > MAX_TAPS) return null;
  const az = gradientAxis(inDepth, outDepth, kd, sd, padInfo.front);
  const ay = gradientAxis(inHeight, outHeight, kh, sh, padInfo.top);
  const ax = gradientAxis(inWidth, outWidth, kw, sw, padInfo.left);
  // weights per tap as [out][in], so that dx's channels (the filter's inputs) are the SIMD lanes; a model's
  // filters are constants, so each is turned once
  let wT = turned.get(filter);
  if (!wT) {
    wT = turnBlocks(filter, nTaps, ci, co);
    turned.set(filter, wT);
  }
  const grids: Grid[] = [];
  for (const pz of az.phases) for (const py of ay.phases) for (const px of ax.phases) {
    const taps: Grid['taps'] = [];
    for (const tz of pz.taps) for (const ty of py.taps) for (const tx of px.taps)
      taps.push({ src: [tz.m, ty.m, tx.m], weight: (tz.k * kh + ty.k) * kw + tx.k });
    grids.push({ taps, origin: [pz.p, py.p, px.p], step: [sd, sh, sw], count: [pz.count, py.count, px.count],
      srcOrigin: [az.front, ay.front, ax.front], srcStep: [1, 1, 1] });
  }
  return run({
    batch: batchSize, srcDims: [az.len, ay.len, ax.len], srcChannels: co,
    srcOffset: [az.front, ay.front, ax.front], srcInDims: [outDepth, outHeight, outWidth],
    outDims: [inDepth, inHeight, inWidth], outChannels: ci, weights: wT, grids, layout,
  }, dy);
}

/**
 * C = op(A) op(B) for batched matrices (tfjs's BatchMatMul: A [n, M, K] or [n, K, M] with transposeA, B [n, K, N]
 * or [n, N, K]), as a 1x1x1 convolution of M voxels with K channels into N per batch item (the item's matrix
 * is its filter). Transposed operands are turned here first. null: shapes it does not take (broadcast batches).
 */
export function batchMatMulWasm(a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
  transposeA: boolean, transposeB: boolean): { values: Float32Array; shape: number[] } | null {
  if (!enabled || !state || aShape.length < 2 || bShape.length < 2) return null;
  const items = aShape.slice(0, -2).reduce((p, n) => p * n, 1);
  if (items !== bShape.slice(0, -2).reduce((p, n) => p * n, 1) || aShape.length !== bShape.length) return null;
  const [ar, ac] = aShape.slice(-2), [br, bc] = bShape.slice(-2);
  const M = transposeA ? ac : ar, K = transposeA ? ar : ac, N = transposeB ? br : bc;
  if ((transposeB ? bc : br) !== K) return null;
  const src = transposeA ? turnBlocks(a, items, ar, ac) : a;
  const weights = transposeB ? turnBlocks(b, items, br, bc) : b;
  const values = run({
    batch: items, srcDims: [1, 1, M], srcChannels: K, srcOffset: [0, 0, 0], srcInDims: [1, 1, M],
    outDims: [1, 1, M], outChannels: N, weights, weightsPerItem: K * N,
    grids: [{ taps: [{ src: [0, 0, 0], weight: 0 }], origin: [0, 0, 0], step: [1, 1, 1], count: [1, 1, M], srcOrigin: [0, 0, 0], srcStep: [1, 1, 1] }],
    layout: {},
  }, src);
  return values ? { values, shape: [...aShape.slice(0, -2), M, N] } : null;
}
