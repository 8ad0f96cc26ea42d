// Model runtime benchmark: forward and forward+backward time and tf.memory() peak for the three
// architectures on 64^3 and 96^3 two-channel inputs, on cpu (Node) and on webgpu (Node, Dawn via
// the `webgpu` package) when an adapter is available.
//   npx tsx bench/model-runtime.ts [--backends cpu,webgpu] [--sizes 64,96] [--models unet3d,dynunet,swin_unetr] [--from fixtures|shipped]
// Backend 'cpu-tfjs' is the cpu backend with tfjs's stock kernels (before src/core/model/cpuKernels.ts).
// --from shipped times the trained models in public/models instead of the small-width test fixtures.
// Timings name their backend and device; compare only ratios measured in one run.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { installNodeWebGpu, reexecWithVulkanLoader } from '../src/cli/nodeWebgpu.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : fallback).split(',');
};
const backends = arg('backends', 'cpu,webgpu');
const sizes = arg('sizes', '64,96').map(Number);
const models = arg('models', 'unet3d,dynunet,swin_unetr');
const from = arg('from', 'fixtures')[0];

if (backends.includes('webgpu')) {
  reexecWithVulkanLoader();
  const why = await installNodeWebGpu();
  if (why) console.log(`webgpu: not available in Node (${why})`);
}

const tf = await import('@tensorflow/tfjs');
const { initBackend } = await import('../src/core/model/backend.ts');
const { setFastCpuKernels } = await import('../src/core/model/cpuKernels.ts');
const { loadSegmentationModel } = await import('../src/core/model/loadModel.ts');

const fixtures = resolve(import.meta.dirname, from === 'shipped' ? '../public/models' : '../public/test-fixtures/model');


async function timeIt(f: () => TF.Tensor): Promise<{ ms: number; peakMB: number }> {
  const start = tf.memory().numBytes;
  const t0 = performance.now();
  const prof = await tf.profile(async () => {
    const out = f();
    await out.data();
    out.dispose();
  });
  const ms = performance.now() - t0;
  return { ms, peakMB: Math.max(prof.peakBytes, start) / 2 ** 20 };
}

console.log('backend | device | model | input (z,y,x,c) | forward ms | forward+backward ms | peak MB (fwd / fwd+bwd) | tensors leaked');
for (const backendName of backends) {
  let info;
  try {
    info = await initBackend([backendName === 'cpu-tfjs' ? 'cpu' : backendName]);
    if (backendName === 'cpu-tfjs') {
      setFastCpuKernels(false);
      info = { ...info, name: 'cpu-tfjs' };
    }
  } catch (e) {
    console.log(`${backendName}: unavailable (${(e as Error).message})`);
    continue;
  }
  for (const name of models) {
    const read = async (p: string) => new Uint8Array(await readFile(resolve(fixtures, name, p)));
    const model = await loadSegmentationModel(read);
    for (const n of sizes) {
      const x = tf.randomNormal([1, n, n, n, 2]) as TF.Tensor5D;
      const mask = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([1, n, n, n]), 0.999), 'float32'));
      const score = (v: TF.Tensor) => tf.sum(tf.mul(model.lesionLogits(v as TF.Tensor5D), mask));
      await timeIt(() => model.logits(x)); // warm-up: shader compilation, cached constants
      const before = tf.memory().numTensors;
      const fwd = await timeIt(() => model.logits(x));
      const bwd = await timeIt(() => tf.grad(score)(x));
      const leaked = tf.memory().numTensors - before;
      console.log(`${info.name} | ${info.adapter} | ${name} | ${n},${n},${n},2 | ${fwd.ms.toFixed(0)} | ${bwd.ms.toFixed(0)} | ${fwd.peakMB.toFixed(0)} / ${bwd.peakMB.toFixed(0)} | ${leaked}`);
      x.dispose();
      mask.dispose();
    }
    model.dispose();
  }
}
