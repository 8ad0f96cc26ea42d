// Whole-brain segmentation of the demo case with a shipped model, per backend: the workload of the app's
// "Find lesions" (z-score, 96^3 windows, overlap 0.25, Gaussian blending), timed end to end, with the
// tf.memory() peak. Node: cpu, and webgpu through Dawn (SwiftShader here: correct, not a GPU speed).
//   npx tsx bench/segment-demo.ts [--backends cpu,webgpu] [--model unet3d]
// Figures name their backend and device; compare only ratios from one run.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { installNodeWebGpu, reexecWithVulkanLoader } from '../src/cli/nodeWebgpu.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backends = arg('backends', 'cpu,webgpu').split(',');
const modelName = arg('model', 'unet3d');

if (backends.includes('webgpu')) {
  reexecWithVulkanLoader();
  const why = await installNodeWebGpu();
  if (why) console.log(`webgpu: not available in Node (${why})`);
}

const tf = await import('@tensorflow/tfjs');
const { initBackend, loadSegmentationModel } = await import('../src/core/model/index.ts');
const { planWindows } = await import('../src/core/segment/index.ts');
const { loadCase } = await import('../src/core/pipeline/loadCase.ts');
const { analyseCase } = await import('../src/core/lesions/index.ts');
const { prepareModelInput, probabilityOnModelGrid, toScanGrid, windowPredictor } = await import('../src/core/pipeline/index.ts');

const root = resolve(import.meta.dirname, '..');
const read = async (p: string) => ({ name: p, bytes: new Uint8Array(await readFile(resolve(root, 'public/samples', p))) });
const scan = loadCase({ flair: await read('demo_flair.nii.gz'), mprage: await read('demo_mprage.nii.gz'), mask: await read('demo_lesions.nii.gz') });

console.log(`demo case ${scan.flair.dims.join('x')} voxels, model ${modelName}`);
console.log('backend | device | windows | seconds | s / window | peak tf.memory MB | lesions | nDSC');
for (const name of backends) {
  let info;
  try {
    info = await initBackend([name]);
  } catch (e) {
    console.log(`${name}: unavailable (${(e as Error).message})`);
    continue;
  }
  const model = await loadSegmentationModel(async (p) => new Uint8Array(await readFile(resolve(root, 'public/models', modelName, p))));
  const m = model.manifest;
  // the app's path; z-scoring (and resampling, if any) stays outside the timing
  const input = prepareModelInput([scan.flair.data, scan.mprage.data], scan.flair, m);
  const windows = planWindows(input.modelGrid.dims, input.windowSizeXyz).length;
  let onModelGrid: Float32Array = new Float32Array(0);
  const t0 = performance.now();
  const prof = await tf.profile(async () => {
    onModelGrid = await probabilityOnModelGrid(input, windowPredictor(model));
  });
  const seconds = (performance.now() - t0) / 1000;
  const probability = toScanGrid(input, onModelGrid);
  const a = analyseCase(scan.flair, probability, { threshold: m.threshold, connectivity: 18, maxDroppedVoxels: m.maxDroppedVoxels }, scan.mask!.data);
  console.log(
    `${info.name} | ${info.adapter} | ${windows} | ${seconds.toFixed(1)} | ${(seconds / windows).toFixed(2)} | ${(prof.peakBytes / 2 ** 20).toFixed(0)} | ${a.lesions.length} | ${a.groundTruth!.nDsc.toFixed(3)}`,
  );
  model.dispose();
}
