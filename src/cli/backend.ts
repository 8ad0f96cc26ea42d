// The command line's backend: WebGPU through Dawn when the machine has a real GPU adapter, else tfjs' CPU
// backend. A software adapter (SwiftShader, llvmpipe) is never taken for 'auto': on a CPU it is slower than the CPU backend.
import { initBackend, type BackendInfo } from '../core/model';
import { installNodeWebGpu } from './nodeWebgpu.ts';

export type CliBackend = 'auto' | 'webgpu' | 'cpu';

export interface ChosenBackend {
  info: BackendInfo;
  /** why WebGPU was not used, when it was not */
  why: string | null;
}

export async function chooseBackend(requested: CliBackend): Promise<ChosenBackend> {
  if (requested === 'cpu') return { info: await initBackend(['cpu']), why: 'asked for (--backend cpu)' };
  const problem = await installNodeWebGpu({ software: false });
  let why = problem ? `WebGPU could not be set up in Node (${problem})` : null;
  if (!why) {
    try {
      const info = await initBackend(['webgpu']);
      if (!info.software) return { info, why: null };
      why = `the only WebGPU adapter is a software one (${info.adapter})`;
    } catch (e) {
      why = (e as Error).message;
    }
  }
  if (requested === 'webgpu') throw new Error(`--backend webgpu: no GPU adapter: ${why}. Use --backend auto or cpu.`);
  return { info: await initBackend(['cpu']), why };
}
