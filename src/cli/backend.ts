// The command line's backend: WebGPU through Dawn when the machine has a real GPU adapter, else tfjs' CPU
// backend. A software adapter (SwiftShader, llvmpipe) is never taken for 'auto': on a CPU it is slower than the CPU backend.
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo } from '../core/model';
import { installNodeWebGpu } from './nodeWebgpu.ts';

export type CliBackend = 'auto' | 'webgpu' | 'cpu';

export interface ChosenBackend {
  info: BackendInfo;
  /** why WebGPU was not used, when it was not */
  why: string | null;
}

async function cpu(): Promise<BackendInfo> {
  const info = await initBackend(['cpu']);
  // tfjs' CPU backend prints a banner for tfjs-node on first use; the log says which backend runs already
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return info;
}

export async function chooseBackend(requested: CliBackend): Promise<ChosenBackend> {
  if (requested === 'cpu') return { info: await cpu(), why: 'the CPU was asked for (--backend cpu)' };
  let why = await installNodeWebGpu({ software: false });
  if (why) why = `WebGPU could not be set up in Node (${why})`;
  else if (!(await (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu.requestAdapter())) why = 'Dawn found no GPU adapter (no GPU, or no Vulkan driver for it)';
  else {
    try {
      const info = await initBackend(['webgpu']);
      if (!info.software) return { info, why: null };
      why = `the only WebGPU adapter is a software one (${info.adapter})`;
    } catch (e) {
      why = (e as Error).message;
    }
  }
  if (requested === 'webgpu') throw new Error(`--backend webgpu: ${why}. Use --backend auto or cpu.`);
  return { info: await cpu(), why };
}
