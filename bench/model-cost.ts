// The count behind docs/performance.md: floating-point work and memory traffic of the default model
// per input voxel (from the traced ONNX graph, src/core/model/cost.ts), and of each explanation per
// lesion for given crops. No timing, except the matmul reference of the cpu backend.
//   npx tsx bench/model-cost.ts [--crops 48x48x48,64x64x64,96x96x96,160x200x168] [--samples 50] [--lesion-voxels 124]
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explanationCost, graphCost, initBackend, loadSegmentationModel } from '../src/core/model/index.ts';
import type { DagSegmentationModel } from '../src/core/model/dagModel.ts';

const arg = (name: string, d: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : d);
const crops = arg('crops', '48x48x48,64x64x64,96x96x96,160x200x168').split(',').map((c) => c.split('x').map(Number));
const samples = Number(arg('samples', '50'));
const lesion = Number(arg('lesion-voxels', '124'));

await initBackend(['cpu']);
const root = resolve(import.meta.dirname, '..');
const model = (await loadSegmentationModel(async (p) => new Uint8Array(await readFile(resolve(root, 'public/models/unet3d', p))))) as DagSegmentationModel;
const probe = [16, 24, 32];
const voxels = probe[0] * probe[1] * probe[2];
const ops = model.traceOps(probe);
const total = graphCost(ops);
console.log(`model unet3d, forward per input voxel (traced at ${probe.join('x')}, linear in the volume):`);
console.log('| op | MAC / voxel | FLOP / voxel | bytes / voxel (unfused) |\n| --- | --- | --- | --- |');
for (const [op, c] of Object.entries(total.byOp).sort((a, b) => b[1].flops - a[1].flops)) {
  console.log(`| ${op} | ${(c.macs / voxels).toFixed(0)} | ${(c.flops / voxels).toFixed(0)} | ${(c.bytes / voxels).toFixed(0)} |`);
}
console.log(`| total | ${(total.macs / voxels).toFixed(0)} | ${(total.flops / voxels).toFixed(0)} | ${(total.bytes / voxels).toFixed(0)} |`);
const g = explanationCost(total).gradient;
console.log(`\nper lesion (N = ${samples}, |L| = ${lesion} voxels; gradient = forward + input backward, no weight gradients):`);
console.log('| crop (x,y,z) | voxels | one gradient GFLOP | GB traffic | mean SmoothGrad GFLOP | max SmoothGrad GFLOP | Grad-CAM++ GFLOP (<= one gradient) |\n| --- | --- | --- | --- | --- | --- | --- |');
for (const c of crops) {
  const v = c[0] * c[1] * c[2];
  const gf = (g.flops / voxels) * v / 1e9;
  console.log(`| ${c.join('x')} | ${v} | ${gf.toFixed(2)} | ${((g.bytes / voxels) * v / 1e9).toFixed(2)} | ${(samples * gf).toFixed(1)} | ${(samples * lesion * gf).toFixed(0)} | ${gf.toFixed(2)} |`);
}
// the cpu backend's best case on this machine: a large matmul
const a = tf.randomNormal([1024, 1024]);
const b = tf.randomNormal([1024, 1024]);
await tf.matMul(a, b).data();
const t0 = performance.now();
for (let i = 0; i < 3; i++) await tf.matMul(a, b).data();
console.log(`\ntfjs cpu backend matMul 1024^2: ${((3 * 2 * 1024 ** 3) / ((performance.now() - t0) / 1000) / 1e9).toFixed(2)} GFLOP/s (Node ${process.version}, one thread)`);
