// Raw scanner scans (issue 17): open each raw pair of open-ms (FLAIR and T1 on two grids, skull, thick slices,
// LPS) as the app does, segment it through the pipeline, and count lesions inside and outside the database's
// own brain mask (a reference the pipeline never sees).
//   npx tsx scripts/raw-scans.ts --open-ms ../shared/data/open-ms [--model unet3d] [--scans 5] [--out DIR]
// --out: writes each scan's lesion mask and brain mask (NIfTI, FLAIR grid) there, and prints the axial slice with the
// most lesion voxels, for scripts/preview-slices.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, loadSegmentationModel } from '../src/core/model';
import { lesionInstances } from '../src/core/lesions';
import { readNifti } from '../src/core/volume';
import { maskNifti } from '../src/core/export';
import { loadCase } from '../src/core/pipeline/loadCase';
import { segmentScan, windowPredictor } from '../src/core/pipeline';
import { arg, folderReader } from './heldOut';

const root = arg('--open-ms', '../shared/data/open-ms');
if (!existsSync(join(root, 'raw'))) {
  console.log(`skipped: ${root}/raw not found (the open-ms data is not on this machine; pass --open-ms DIR)`);
  process.exit(0);
}
const modelName = arg('--model', 'unet3d');
await initBackend(['cpu']);
const model = await loadSegmentationModel(folderReader(join('public/models', modelName)));
console.log(`model ${modelName}, threshold ${model.manifest.threshold}, tfjs cpu backend (Node, one core)`);
console.log('scan | brain extracted (ml) | lesions | outside the reference brain mask | lesion ml | seconds');
for (const d of readdirSync(join(root, 'raw')).sort().slice(0, Number(arg('--scans', '5')))) {
  const dir = join(root, 'raw', d);
  const read = (f: string) => ({ name: f, bytes: readFileSync(join(dir, f)) });
  const scan = loadCase({ flair: read('flair.nii.gz'), mprage: read('t1.nii.gz') });
  const reference = readNifti(readFileSync(join(dir, 'brainmask.nii.gz')), 'brainmask').volume;
  const t0 = performance.now();
  const { input, probability } = await segmentScan([scan.flair.data, scan.mprage.data], scan.flair, model.manifest, windowPredictor(model));
  const seconds = (performance.now() - t0) / 1000;
  const lesions = lesionInstances(scan.flair, probability, model.manifest.threshold, 18, 5);
  const outside = new Set<number>();
  let voxels = 0;
  lesions.labels.forEach((id, v) => {
    if (!id) return;
    voxels++;
    if (!(reference.data[v] > 0)) outside.add(id);
  });
  const ml = (scan.flair.spacingMm[0] * scan.flair.spacingMm[1] * scan.flair.spacingMm[2]) / 1000;
  const brain = input.brain.alreadyStripped ? 'no (taken as skull-stripped)' : input.brain.volumeMl.toFixed(0);
  console.log(`${d} | ${brain} | ${lesions.count} | ${outside.size} (any voxel outside) | ${(voxels * ml).toFixed(1)} | ${seconds.toFixed(0)}`);
  for (const n of [...scan.notices, ...input.notices]) console.log(`  notice: ${n}`);
  const out = arg('--out', '');
  if (out) {
    mkdirSync(out, { recursive: true });
    const [nx, ny, nz] = scan.flair.dims;
    const perSlice = new Int32Array(nz);
    lesions.labels.forEach((id, v) => id && perSlice[Math.floor(v / (nx * ny))]++);
    const busiest = perSlice.indexOf(Math.max(...perSlice));
    writeFileSync(join(out, `${d}_lesions.nii.gz`), maskNifti(scan.flair, Uint8Array.from(lesions.labels, (id) => (id ? 1 : 0)), 'lesions'));
    writeFileSync(join(out, `${d}_brain.nii.gz`), maskNifti(scan.flair, Uint8Array.from(input.brain.mask), 'brain'));
    console.log(`  axial slice with most lesion voxels: ${busiest} (${perSlice[busiest]} voxels)`);
  }
}
