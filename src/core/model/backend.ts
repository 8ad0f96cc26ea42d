// Choosing the tfjs backend: WebGPU, then WebGL, then CPU. Never tfjs's wasm backend: its Conv3DBackpropInput
// returns wrong input gradients, and every explanation here is a gradient. The cpu backend runs our own
// WebAssembly convolutions instead (wasmConv.ts), on one thread per core where memory can be shared.
import * as tf from '@tensorflow/tfjs';
import { setTiledWebGpuConv } from './webgpuConv.ts';
import { setFastCpuKernels } from './cpuKernels.ts';
import { coreCount, initWasmKernels, type WasmKernelInfo } from './wasmConv.ts';
import { isSoftwareRendererName, webglRendererName } from './adapters.ts';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';
export const DEFAULT_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];
/** What the user asks for: a backend first, or 'auto' for DEFAULT_BACKENDS' order. */
export type BackendPreference = 'auto' | BackendName;

/** The backend in use as the page shows it: initBackend's BackendInfo, in words. */
export interface BackendChoice {
  /** tfjs backend name actually in use */
  name: string;
  /** adapter / renderer description, as the browser reports it */
  adapter: string;
  /** backends that were tried first and why they were not used */
  fallbacks: string[];
}

export interface BackendInfo {
  name: BackendName;
  /** Human-readable device: GPU adapter / renderer, or 'CPU (WebAssembly SIMD, 2 threads)' / 'CPU (JavaScript)'. */
  adapter: string;
  /** True for software adapters (e.g. SwiftShader): correct, but slow. */
  software: boolean;
  /** Backends tried before this one, with why they failed. */
  skipped: { name: string; reason: string }[];
  /** cpu only: the WebAssembly kernels' threads (and why fewer than the cores, if so); absent if they failed */
  kernels?: WasmKernelInfo;
}

let active: BackendInfo | null = null;

async function ensureWebGpuRegistered(): Promise<void> {
  if (tf.findBackendFactory('webgpu')) return;
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (!nav?.gpu) throw new Error('WebGPU is not available (navigator.gpu is missing)');
  await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' when navigator.gpu exists
  if (!tf.findBackendFactory('webgpu')) throw new Error('the tfjs WebGPU backend did not register');
}

/** navigator.gpu can exist while the browser refuses every adapter (blocklisted GPU, policy, no GPU). */
async function ensureWebGpuAdapter(): Promise<void> {
  const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
  if (!(await gpu.requestAdapter())) throw new Error('WebGPU refused: the browser offers no GPU adapter (no supported GPU, or WebGPU blocked)');
}

async function describe(name: BackendName): Promise<{ adapter: string; software: boolean }> {
  try {
    if (name === 'webgpu') {
      const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
      const adapter = await gpu.requestAdapter();
      const info = (adapter as unknown as { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } })?.info;
      const text = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
      const software = Boolean(info?.isFallbackAdapter ?? (adapter as unknown as { isFallbackAdapter?: boolean })?.isFallbackAdapter)
        || isSoftwareRendererName(text);
      return { adapter: text || 'unknown WebGPU adapter', software };
    }
    if (name === 'webgl') {
      const gl = (tf.backend() as unknown as { gpgpu?: { gl: WebGL2RenderingContext } }).gpgpu?.gl;
      const renderer = gl ? webglRendererName(gl) : 'unknown WebGL renderer';
      return { adapter: renderer, software: isSoftwareRendererName(renderer) };
    }
  } catch {
    // fall through: the backend works, only its description failed
  }
  return { adapter: name === 'cpu' ? 'CPU (JavaScript)' : `unknown ${name} device`, software: name === 'cpu' };
}

/** Activates the first backend of `preference` that initialises. 'wasm' is refused by name. */
export async function initBackend(preference: readonly string[] = DEFAULT_BACKENDS): Promise<BackendInfo> {
  const skipped: { name: string; reason: string }[] = [];
  for (const name of preference) {
    if (name === 'wasm') {
      skipped.push({ name, reason: 'refused: the wasm backend computes wrong Conv3D input gradients' });
      continue;
    }
    if (!DEFAULT_BACKENDS.includes(name as BackendName)) {
      skipped.push({ name, reason: 'unknown backend' });
      continue;
    }
    try {
      if (name === 'webgpu') {
        await ensureWebGpuRegistered();
        await ensureWebGpuAdapter();
      }
      if (!(await tf.setBackend(name))) throw new Error('initialisation failed');
      await tf.ready();
      if (name === 'webgpu') setTiledWebGpuConv(true); // tiled Conv3D and its input gradient
      let kernels: WasmKernelInfo | undefined;
      if (name === 'cpu') {
        setFastCpuKernels(true); // row copies instead of per-element index math
        kernels = await initWasmKernels(await coreCount()).catch(() => undefined); // else the JavaScript convolutions
      }
      const device = await describe(name as BackendName);
      if (kernels) device.adapter = `CPU (WebAssembly SIMD, ${kernels.threads} thread${kernels.threads > 1 ? 's' : ''})`;
      active = { name: name as BackendName, ...device, skipped, ...(kernels ? { kernels } : {}) };
      return active;
    } catch (e) {
      skipped.push({ name, reason: (e as Error).message });
    }
  }
  throw new Error(`no usable tfjs backend: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`);
}

/** The backend chosen by initBackend, or null before it ran. */
export function activeBackend(): BackendInfo | null {
  return active && tf.getBackend() === active.name ? active : null;
}
