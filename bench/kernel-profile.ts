// Per-kernel time of one forward pass of a shipped model on the cpu backend (Node), to find what to speed up.
//   npx tsx bench/kernel-profile.ts [--model swin_unetr] [--size 96] [--compare Relu,Neg,Step,Mean]
// --compare: first run with tfjs's stock kernels for the named ones (our other kernels on), then with ours;
// the two runs come from one process on one machine, so their ratio is meaningful.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/model/backend.ts';
import { setFastCpuKernels } from '../src/core/model/cpuKernels.ts';
import { loadSegmentationModel } from '../src/core/model/loadModel.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const name = arg('model', 'swin_unetr');
const n = Number(arg('size', '96'));
const compare = arg('compare', '').split(',').filter(Boolean);
const info = await initBackend(['cpu']);
const model = await loadSegmentationModel(async (p) => new Uint8Array(await readFile(resolve(import.meta.dirname, '../public/models', name, p))));
const x = tf.randomNormal([1, n, n, n, 2]) as tf.Tensor5D;
const run = async () => {
  const y = model.logits(x);
  await y.data();
  y.dispose();
};

async function profile(label: string) {
  await run(); // warm-up
  const t0 = performance.now();
  const prof = await tf.profile(run);
  const total = performance.now() - t0;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of prof.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs) || 0;
    e.calls += 1;
    byKernel.set(k.name, e);
  }
  console.log(`\n${label}: ${info.name} | ${info.adapter} | ${name} | ${n}^3 x 2 | forward ${total.toFixed(0)} ms`);
  console.log('kernel | calls | ms | share of forward');
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  for (const [k, e] of compare.length ? rows.filter(([k]) => compare.includes(k)) : rows.slice(0, 20))
    console.log(`${k} | ${e.calls} | ${e.ms.toFixed(0)} | ${((100 * e.ms) / total).toFixed(1)} %`);
  return total;
}

if (compare.length) {
  setFastCpuKernels(false, compare);
  const before = await profile(`tfjs kernels for ${compare.join(', ')}`);
  setFastCpuKernels(true, compare);
  const after = await profile(`our kernels for ${compare.join(', ')}`);
  console.log(`\nforward time ratio (ours / tfjs): ${(after / before).toFixed(2)}`);
} else {
  await profile('all our kernels');
}
