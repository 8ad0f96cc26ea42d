// Issue 4's sanity check: on held-out cases, is a shipped model's instance saliency mostly on FLAIR, positive
// inside lesions and negative just around them (the paper's finding)? Mean SmoothGrad on ground-truth lesions.
//   npx tsx scripts/saliency-sanity.ts --cases training/data/test --model unet3d [--cases-used 3] [--per-case 2] [--samples 10]
//     [--gradients app|torch]
// --gradients torch: the app plans the crop (for instance-norm models one 96^3 window centred on the lesion),
// draws its own seeded noise and measures the maps with its own quantities, but the gradients come from the
// PyTorch checkpoint (training/smoothgrad_window.py): a window's gradient takes about a minute per noise sample
// on the app's CPU runtime. The runtime equals PyTorch per case (training/evaluate_torch.py cross-check).
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadSegmentationModel } from '../src/core/model';
import { caseDirs, readCase } from './heldOut';
import { labelComponents } from '../src/core/lesions';
import { explainInstance, type InstanceRequest } from '../src/core/xai';
import { instanceOnModelGrid, prepareModelInput } from '../src/core/pipeline';
import type { SegmentationModel } from '../src/core/model';
import { prepareInstance } from '../src/core/xai/instance';
import { seededNoise } from '../src/core/xai/noise';
import { noiseSigma } from '../src/core/xai/smoothGrad';
import { lesionSaliency, type LesionSaliency } from '../src/core/xai/quantities';

/** Architecture and checkpoint folder of each shipped model (its manifest's provenance; training/README.md). */
const CHECKPOINT: Record<string, { arch: string; folder: string }> = {
  unet3d: { arch: 'unet', folder: 'unet-real8' },
  dynunet: { arch: 'dynunet', folder: 'dynunet-real3' },
  swin_unetr: { arch: 'swin_unetr', folder: 'swin_unetr-real2' },
};

/** Mean SmoothGrad with the app's crop, noise (seed 1) and quantities, gradients from PyTorch. */
async function torchQuantities(model: SegmentationModel, modelName: string, request: InstanceRequest, samples: number): Promise<LesionSaliency> {
  const p = await prepareInstance(model, request, { cropMode: 'exact' });
  const dir = mkdtempSync(join(tmpdir(), 'sanity-'));
  try {
    const voxels = p.lesionMask.length;
    const noise = seededNoise(1, noiseSigma(request.channels[0]));
    const all = new Float32Array(samples * 2 * voxels);
    for (let n = 0; n < samples; n++) for (let c = 0; c < 2; c++) all.set(noise(n, c, p.crop), (2 * n + c) * voxels);
    const input = new Float32Array(2 * voxels);
    p.input.forEach((ch, c) => input.set(ch, c * voxels));
    writeFileSync(join(dir, 'input.f32'), input);
    writeFileSync(join(dir, 'noise.f32'), all);
    writeFileSync(join(dir, 'lesion.f32'), p.lesionMask);
    writeFileSync(join(dir, 'dims.json'), JSON.stringify({ zyx: [...p.crop.dims].reverse(), samples }));
    const { arch, folder } = CHECKPOINT[modelName];
    execFileSync('/usr/bin/python3', ['training/smoothgrad_window.py', '--arch', arch, '--ckpt', `training/checkpoints/${folder}/last.pt`, '--dir', dir], { stdio: 'inherit' });
    const mean = new Float32Array(readFileSync(join(dir, 'mean.f32')).buffer.slice(0));
    const maps = [mean.slice(0, voxels), mean.slice(voxels)];
    return lesionSaliency({ method: 'smoothgrad-mean', crop: p.crop, exact: p.exact, note: p.note, channels: ['FLAIR', 'MPRAGE'], maps, lesionVoxels: p.lesionCrop.length, provenance: {} }, p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

async function main() {
  await initBackend(['cpu']);
  const root = arg('--cases', 'training/data/test');
  const modelName = arg('--model', 'unet3d');
  const samples = Number(arg('--samples', '10'));
  const perCase = Number(arg('--per-case', '2'));
  const gradients = arg('--gradients', 'app');
  const dirs = caseDirs(root, Number(arg('--cases-used', '3')));
  const model = await loadSegmentationModel(async (p) => new Uint8Array(readFileSync(join('public/models', modelName, p))));
  console.log(`model ${modelName}, mean SmoothGrad N ${samples}, the app's crop (exact, or a model window for instance-norm models), gradients from ${gradients === 'torch' ? 'PyTorch' : 'the app runtime'}, ground-truth lesions of median size`);
  console.log('case | lesion voxels | FLAIR share in lesion | in 5 mm ring | FLAIR mean inside (-1 mm) | +1 mm | +2 mm | +3 mm | +5 mm');
  const rows: number[][] = [];
  for (const d of dirs) {
    const scan = readCase(d);
    // the explanation's inputs are the segmentation's: z-scored channels on the model grid
    const input = prepareModelInput([scan.flair.data, scan.mprage.data], scan.flair, model.manifest);
    const gt = labelComponents(scan.flair, (i) => scan.mask!.data[i] > 0, 18);
    const ids = Array.from({ length: gt.count }, (_, i) => i + 1).filter((id) => gt.sizes[id] > 5).sort((a, b) => gt.sizes[a] - gt.sizes[b]);
    const mid = Math.floor(ids.length / 2);
    for (const id of ids.slice(Math.max(0, mid - Math.floor(perCase / 2)), Math.max(0, mid - Math.floor(perCase / 2)) + perCase)) {
      const voxels: number[] = [];
      gt.labels.forEach((l, v) => l === id && voxels.push(v));
      const request = instanceOnModelGrid(input, voxels);
      const q = gradients === 'torch'
        ? await torchQuantities(model, modelName, request, samples)
        : (await explainInstance(model, request, { method: 'smoothgrad-mean', samples, seed: 1, cropMode: 'exact' })).quantities;
      const shell = (mm: number) => q!.shells.find((s) => s.shellMm === mm)?.means[0] ?? NaN;
      const row = [q!.shareLesion[0], q!.shareNeighbourhood[0], shell(-1), shell(1), shell(2), shell(3), shell(5)];
      rows.push(row);
      console.log(`${d.split('/').pop()} | ${voxels.length} | ${row.map((v) => v.toPrecision(3)).join(' | ')}`);
    }
  }
  const mean = (k: number) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  const positive = (k: number) => rows.filter((r) => r[k] > 0).length;
  console.log(`mean FLAIR share: lesion ${mean(0).toFixed(2)}, ring ${mean(1).toFixed(2)}`);
  console.log(`lesions with positive FLAIR saliency inside (-1 mm): ${positive(2)} / ${rows.length}; negative at +3 mm: ${rows.length - positive(5)} / ${rows.length}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
