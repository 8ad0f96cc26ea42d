// WebGPU for tfjs in Node: Dawn (the `webgpu` npm package), on Chromium's SwiftShader Vulkan ICD for the benches
// (a GPU-free machine's WebGPU) or on the machine's own Vulkan drivers for the command line (a real GPU).
// Call before importing @tensorflow/tfjs-backend-webgpu (it registers only if navigator.gpu exists).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM_LIBS = '/usr/lib/chromium';

/** Dawn loads libvulkan.so.1; without a system loader, Debian's Chromium ships one. The dynamic
 * loader reads LD_LIBRARY_PATH only at process start, so this re-runs the current script with it
 * set (and exits with the child's status) when needed. */
export function reexecWithVulkanLoader(): void {
  if (existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') || !existsSync(`${CHROMIUM_LIBS}/libvulkan.so.1`)) return;
  if ((process.env.LD_LIBRARY_PATH ?? '').split(':').includes(CHROMIUM_LIBS)) return;
  const env = { ...process.env, LD_LIBRARY_PATH: [CHROMIUM_LIBS, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

/** Installs navigator.gpu; returns why not when WebGPU cannot be set up. `software`: SwiftShader (benches) unless
 * VK_ICD_FILENAMES says otherwise; false: whatever Vulkan drivers the machine has. */
export async function installNodeWebGpu(o: { software?: boolean } = { software: true }): Promise<string | null> {
  if (o.software) process.env.VK_ICD_FILENAMES ??= `${CHROMIUM_LIBS}/vk_swiftshader_icd.json`;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    // Robustness stays on: without it a tfjs-webgpu MatMul read out of bounds (see e2e spec).
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
