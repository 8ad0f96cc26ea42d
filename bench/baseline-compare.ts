// Ours against the paper's tooling, same machine, same weights, same lesions, one run:
//   ours   = LesionLens on the cpu backend in Node (WebAssembly SIMD convolutions on one thread per core),
//            exact crop (the app's default);
//   theirs = training/baseline_xai.py: PyTorch on the whole volume, as the authors' pipeline, on the
//            checkpoint of the shipped U-Net's weights (--ckpt).
// Then ours / theirs per method (median over the lesions), and the matmul GFLOP/s of both runtimes
// as a reference for what each could reach on this CPU. PyTorch gets --threads (default: the cores, as ours
// uses; give the same number to both for a fair ratio).
//   npx tsx bench/baseline-compare.ts [--lesions 3] [--samples 50] [--budget 8] [--threads 2] [--crops exact]
//     [--ckpt training/checkpoints/unet-real5/last.pt]
//     [--check]   (first lesion: zero-noise gradients and Grad-CAM++ of both sides, compared)
//     [--weight-grads]  (PyTorch computes weight gradients too, as its default requires_grad does)
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadSegmentationModel } from '../src/core/model/index.ts';
import { boundingBox, gradCamPlusPlus, prepareInstance, smoothGradMax, smoothGradMean, type Crop } from '../src/core/xai/index.ts';
import { type BenchMethod, formatReport, openDemo, parseConfig, runBackendWorkload, type BenchReport } from '../src/bench/workload.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : null;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const root = resolve(import.meta.dirname, '..');
const threads = Number(arg('threads') ?? cpus().length);
const ckpt = arg('ckpt') ?? 'training/checkpoints/unet-real5/last.pt'; // the shipped unet3d (its manifest's provenance)
const startLoad = loadavg()[0];
const config = parseConfig(arg, { ...parseConfig(() => null), lesions: 3, crops: ['exact'], gradientBudget: 8, segment: false, progressive: false });
const sample = (p: string) => readFile(resolve(root, 'public/samples', p)).then((b) => new Uint8Array(b));
const demo = openDemo({ flair: await sample('demo_flair.nii.gz'), mprage: await sample('demo_mprage.nii.gz'), mask: await sample('demo_lesions.nii.gz') }, config.lesions);

// the inputs of both sides: the same z-scored channels and lesion voxels
const dir = resolve(tmpdir(), `lesionlens-baseline-${process.pid}`);
await mkdir(dir, { recursive: true });
await writeFile(resolve(dir, 'flair.f32'), demo.channels[0]);
await writeFile(resolve(dir, 'mprage.f32'), demo.channels[1]);
await writeFile(resolve(dir, 'lesions.json'), JSON.stringify({
  dims_xyz: demo.dims, lesions: demo.chosen.map(({ id }) => ({ id, voxels: Array.from(demo.request(id).lesionVoxels) })),
}));

const info = await initBackend(['cpu']);
const readModel = async (p: string) => new Uint8Array(await readFile(resolve(root, 'public/models/unet3d', p)));
const matmulGflops = async (size = 1024, repeats = 3) => {
  const a = tf.randomNormal([size, size]);
  const b = tf.randomNormal([size, size]);
  tf.matMul(a, b).dispose();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) await tf.matMul(a, b).data();
  const s = (performance.now() - t0) / 1000;
  a.dispose();
  b.dispose();
  return (2 * size ** 3 * repeats) / s / 1e9;
};

console.error(`ours: ${info.adapter}`);
const ours = await runBackendWorkload({ backend: info, readModel, demo, log: (l) => console.error(l) }, config);
const oursMatmul = await matmulGflops();
/** 3x3x3 convolution, padding 1, [1, n, n, n, C]: forward and input gradient, GFLOP/s each (PyTorch: conv_gflops). */
const convGflops = async (size = 48, channels = 32, repeats = 3) => {
  const x = tf.randomNormal([1, size, size, size, channels]) as tf.Tensor5D;
  const w = tf.randomNormal([3, 3, 3, channels, channels]) as tf.Tensor5D;
  const flop = 2 * 27 * channels * channels * size ** 3;
  const time = async (f: () => tf.Tensor) => {
    f().dispose();
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) await f().data();
    return (flop * repeats) / ((performance.now() - t0) / 1000) / 1e9;
  };
  const forward = await time(() => tf.conv3d(x, w, 1, 1 as unknown as 'same'));
  const inputGradient = await time(() => tf.conv3dTranspose(x, w, [1, size, size, size, channels], 1, 1 as unknown as 'same'));
  x.dispose();
  w.dispose();
  return { forward, inputGradient };
};
const oursConv = await convGflops();

const oursLoad = loadavg()[0];
console.error(`theirs: PyTorch, whole volume, ${threads} thread(s)`);
const python = spawnSync('/usr/bin/python3', [
  'training/baseline_xai.py', '--inputs', dir, '--samples', String(config.samples),
  '--budget', String(config.gradientBudget), '--threads', String(threads), '--ckpt', ckpt,
  ...(flag('weight-grads') ? ['--weight-grads'] : []), ...(flag('check') ? ['--check', resolve(dir, 'check')] : []),
], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'] });
if (python.status !== 0) throw new Error(`baseline failed (status ${python.status})`);
const theirs = JSON.parse(python.stdout.trim().split('\n').pop()!) as {
  torch: string; threads: number; weight_grads: boolean; padded_zyx: number[]; matmul_gflops: number;
  conv_gflops: { forward: number; input_gradient: number };
  rows: { method: BenchMethod; lesion: number; seconds: number; timed_gradients: number; gradients: number }[];
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const report: BenchReport = {
  created: new Date().toISOString(), environment: `Node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} cores ${cpus()[0]?.model ?? ''}, load average at start ${startLoad.toFixed(1)}`, tfjs: tf.version.tfjs,
  demo: { dims: demo.dims, lesionsInCase: demo.lesionsInCase, lesions: demo.chosen }, config, backends: [ours],
};
console.log(formatReport(report));
console.log(['', `### ours / theirs (same lesions, N = ${config.samples}, same machine, one run)`,
  `ours: tfjs ${tf.version.tfjs} cpu backend (${info.adapter}), ${config.crops.join('/')} crop; matmul 1024^2 (tfjs's) ${oursMatmul.toFixed(1)} GFLOP/s`,
  `theirs: PyTorch ${theirs.torch}, ${theirs.threads} thread(s), whole volume ${theirs.padded_zyx.join('x')} (z,y,x), weight gradients ${theirs.weight_grads ? 'on' : 'off'}; matmul 2048^2 ${theirs.matmul_gflops.toFixed(1)} GFLOP/s`,
  `3x3x3 conv, 32 -> 32 channels, 48^3, padding 1, GFLOP/s: forward ours ${oursConv.forward.toFixed(1)}, theirs ${theirs.conv_gflops.forward.toFixed(1)}; input gradient ours ${oursConv.inputGradient.toFixed(1)}, theirs ${theirs.conv_gflops.input_gradient.toFixed(1)}`,
  `load average (1 min) after ours ${oursLoad.toFixed(1)}, after theirs ${loadavg()[0].toFixed(1)}: other people's jobs share these 2 cores`,
  '', '| method | ours median s / lesion | theirs median s / lesion | ours / theirs | note |', '| --- | --- | --- | --- | --- |'].join('\n'));
for (const method of config.methods) {
  for (const crop of config.crops) {
    const o = ours.summary.find((s) => s.method === method && s.crop === crop);
    const t = theirs.rows.filter((r) => r.method === method);
    if (!o || !t.length) continue;
    const tm = median(t.map((r) => r.seconds));
    const extrapolated = o.extrapolated || t.some((r) => r.timed_gradients < r.gradients);
    console.log(`| ${method} (${crop}) | ${o.medianSeconds.toFixed(2)} | ${tm.toFixed(2)} | ${(o.medianSeconds / tm).toFixed(3)} | ${extrapolated ? 'extrapolated' : ''} |`);
  }
}

if (flag('check')) {
  // the same target on both sides: zero noise, so only the definitions and the runtimes can differ
  const model = await loadSegmentationModel(readModel);
  const request = demo.request(demo.chosen[0].id);
  const [nx, ny] = demo.dims;
  const padded = theirs.padded_zyx; // [z, y, x]
  const load = async (name: string) => new Float32Array((await readFile(resolve(dir, 'check', name))).buffer);
  // the reference's value at crop voxel i of channel c (reference: [c, z, y, x] padded)
  const refAt = (ref: Float32Array, crop: Crop, c: number, i: number) => {
    const [cx, cy] = crop.dims;
    const x = crop.origin[0] + (i % cx);
    const y = crop.origin[1] + (Math.floor(i / cx) % cy);
    const z = crop.origin[2] + Math.floor(i / (cx * cy));
    return ref[((c * padded[0] + z) * padded[1] + y) * padded[2] + x];
  };
  const relErr = (maps: Float32Array[], ref: Float32Array, crop: Crop, keep: (i: number) => boolean = () => true) => {
    let maxDiff = 0;
    let maxRef = 0;
    maps.forEach((m, c) => m.forEach((v, i) => {
      if (!keep(i)) return;
      const r = refAt(ref, crop, c, i);
      maxDiff = Math.max(maxDiff, Math.abs(v - r));
      maxRef = Math.max(maxRef, Math.abs(r));
    }));
    return maxDiff / maxRef;
  };
  const p = await prepareInstance(model, request, { cropMode: 'exact' });
  const mean = await smoothGradMean(model, p, { samples: 1, noiseFraction: 0 });
  const max8 = await smoothGradMax(model, { ...p, lesionCrop: p.lesionCrop.slice(0, 8) }, { samples: 1, noiseFraction: 0 });
  const cam = await gradCamPlusPlus(model, p);
  const box = boundingBox(request.lesionVoxels, demo.dims);
  const nearLesion = (i: number) => {
    const [cx, cy] = cam.crop.dims;
    const v = [cam.crop.origin[0] + (i % cx), cam.crop.origin[1] + (Math.floor(i / cx) % cy), cam.crop.origin[2] + Math.floor(i / (cx * cy))];
    return v.every((c, a) => c >= box.min[a] - cam.validMarginVoxels! && c <= box.max[a] + cam.validMarginVoxels!);
  };
  console.log(['', `### agreement, lesion ${demo.chosen[0].id} (zero noise; max |ours - torch| / max |torch| over our crop; volume ${nx}x${ny}x${demo.dims[2]})`,
    `mean SmoothGrad target (dS_L/dx / |L|): ${relErr(mean.maps, await load('mean.f32'), p.crop).toExponential(2)}`,
    `max SmoothGrad, first 8 lesion voxels: ${relErr(max8.maps, await load('max8.f32'), p.crop).toExponential(2)}`,
    `Grad-CAM++ (raw map, within ${cam.validMarginVoxels} voxels of the lesion box): ${relErr(cam.maps, await load('gradcampp.f32'), cam.crop, nearLesion).toExponential(2)}`].join('\n'));
  model.dispose();
}
