// Per-lesion latency of the instance explanations on the demo case with the default model, per crop:
// exact (lesion box + receptive field), fast (effective receptive field), the model window (96^3) around the
// lesion, and the whole volume (as the paper's code did). Lesions: the demo's ground-truth components.
//   npx tsx bench/explain-demo.ts [--backends cpu] [--lesions 3] [--samples 50] [--methods smoothgrad-mean,gradcam++] (any ids of src/core/xai/methods) [--crops exact,fast,window,whole]
// Figures name their backend and device; compare only ratios from one run (these machines are noisy).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { installNodeWebGpu, reexecWithVulkanLoader } from '../src/cli/nodeWebgpu.ts';
import type { ExplainMethod } from '../src/core/xai/index.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backends = arg('backends', 'cpu').split(',');
const lesionCount = Number(arg('lesions', '3'));
const samples = Number(arg('samples', '50'));
const methods = arg('methods', 'smoothgrad-mean,gradcam++').split(',') as ExplainMethod[]; // ids of the method registry
const crops = arg('crops', 'exact,fast,window,whole').split(',');

if (backends.includes('webgpu')) {
  reexecWithVulkanLoader();
  const why = await installNodeWebGpu();
  if (why) console.log(`webgpu: not available in Node (${why})`);
}
const { initBackend, loadSegmentationModel } = await import('../src/core/model/index.ts');
const { zscoreNonZero } = await import('../src/core/volume/index.ts');
const { loadCase } = await import('../src/core/pipeline/loadCase.ts');
const { labelComponents } = await import('../src/core/lesions/index.ts');
const { explainInstance, boundingBox, receptiveField } = await import('../src/core/xai/index.ts');

const root = resolve(import.meta.dirname, '..');
const read = async (p: string) => ({ name: p, bytes: new Uint8Array(await readFile(resolve(root, 'public/samples', p))) });
const scan = loadCase({ flair: await read('demo_flair.nii.gz'), mprage: await read('demo_mprage.nii.gz'), mask: await read('demo_lesions.nii.gz') });
const channels = [zscoreNonZero(scan.flair.data).data, zscoreNonZero(scan.mprage.data).data];
const gt = labelComponents(scan.flair, (i) => scan.mask!.data[i] > 0, 18);
// lesions of median size: neither the easiest nor the hardest crop
const ids = Array.from({ length: gt.count }, (_, i) => i + 1).sort((a, b) => gt.sizes[a] - gt.sizes[b]);
const chosen = ids.slice(Math.max(0, Math.floor(ids.length / 2) - Math.floor(lesionCount / 2))).slice(0, lesionCount);
const voxelsOf = (id: number) => {
  const out: number[] = [];
  gt.labels.forEach((l, v) => l === id && out.push(v));
  return Int32Array.from(out);
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`demo ${scan.flair.dims.join('x')}, lesions ${chosen.map((id) => `${id} (${gt.sizes[id]} vox)`).join(', ')}, N = ${samples}`);
console.log('backend | device | method | crop | crop voxels (x,y,z) | median s / lesion | worst s | ratio to exact');
for (const name of backends) {
  const info = await initBackend([name]).catch((e: Error) => (console.log(`${name}: unavailable (${e.message})`), null));
  if (!info) continue;
  const model = await loadSegmentationModel(async (p) => new Uint8Array(await readFile(resolve(root, 'public/models/unet3d', p))));
  const window = model.manifest.windowSizeVoxels[0];
  const rf = await receptiveField(model); // measured once per model (cached), not part of a lesion's latency
  console.log(`${info.name}: receptive field margin ${rf.marginVoxels.join(',')} voxels, effective ${rf.effectiveMarginVoxels}, local ${rf.local}`);
  for (const method of methods) {
    let exactMedian = NaN;
    for (const crop of crops) {
      const times: number[] = [];
      let dims = '';
      for (const id of chosen) {
        const lesionVoxels = voxelsOf(id);
        const box = boundingBox(lesionVoxels, scan.flair.dims);
        const marginVoxels = box.min.map((lo, a) => Math.max(0, Math.ceil((window - (box.max[a] - lo + 1)) / 2))) as [number, number, number];
        const t0 = performance.now();
        const e = await explainInstance(
          model,
          { channels, dimsXyz: scan.flair.dims, spacingMm: scan.flair.spacingMm, lesionVoxels },
          { method, samples, seed: 1, cropMode: crop === 'window' ? 'exact' : (crop as 'exact' | 'fast' | 'whole'), marginVoxels: crop === 'window' ? marginVoxels : undefined },
        );
        times.push((performance.now() - t0) / 1000);
        dims = e.result.crop.dims.join('x');
      }
      const med = median(times);
      if (crop === 'exact') exactMedian = med;
      console.log(`${info.name} | ${info.adapter} | ${method} | ${crop} | ${dims} | ${med.toFixed(2)} | ${Math.max(...times).toFixed(2)} | ${(med / exactMedian).toFixed(2)}`);
    }
  }
  model.dispose();
}
